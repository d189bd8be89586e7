/** The database cannot be used as configured (file in use, server unreachable, newer schema): said in one line. */
export class StoreError extends Error {
  constructor(
    message: string,
    /** The embedded database file is held by another process. */
    readonly inUse = false,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
