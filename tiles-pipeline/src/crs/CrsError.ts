/** A CRS that is missing, unknown or cannot be used; the message carries a hint for the user. */
export class CrsError extends Error {
  override name = 'CrsError';
}
