import { ERRORS, type ErrorCode } from '@yunzhuo/protocol/errors';

/** A domain error with a stable code; the HTTP layer renders it as `{ error: {code, message, details} }`. */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly details: Record<string, unknown> = {},
    message?: string,
  ) {
    const spec = ERRORS[code];
    super(message ?? `${spec.zh} / ${spec.en}`);
    this.status = spec.status;
  }
}

export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}
