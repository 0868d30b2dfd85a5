/**
 * The one error type a request can be refused with, and the one table from its code to an
 * HTTP status. Stores throw it; the API's error handler answers it; the admin UI shows it
 * beside its field; the CLI turns an API answer back into it. A thrown error that is not an
 * AppError is a bug: a 500 with a request id, and a log line with the same id.
 */
export const ERROR_STATUS = {
  invalid: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  /** The input field at fault, when one is. */
  readonly field: string | undefined;
  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.code = code;
    this.field = field;
  }

  get status(): (typeof ERROR_STATUS)[ErrorCode] {
    return ERROR_STATUS[this.code];
  }
}

/** The code an HTTP status stands for, for clients of our own API (the CLI). */
export function errorCodeForStatus(status: number): ErrorCode | undefined {
  return (Object.keys(ERROR_STATUS) as ErrorCode[]).find((code) => ERROR_STATUS[code] === status);
}
