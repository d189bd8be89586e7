/**
 * A failure with an HTTP answer of its own (a 4xx the client caused): the request boundary
 * answers it with `status` and `message` and does not log it as a server failure.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
