import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { ERRORS, type ErrorCode } from '@yunzhuo/protocol/errors';
import { AppError } from '../lib/app-error.js';
import type { Logger } from '../lib/logger.js';

export function sendError(res: Response, code: ErrorCode, details: Record<string, unknown> = {}, message?: string): void {
  const spec = ERRORS[code];
  const retry = details.retryAfterSeconds;
  if (typeof retry === 'number') res.setHeader('Retry-After', String(retry));
  res.status(spec.status).json({ error: { code, message: message ?? `${spec.zh} / ${spec.en}`, details } });
}

export const notFoundHandler: RequestHandler = (req, res) => sendError(res, 'NOT_FOUND', { path: req.path });

/** The one place errors become responses; unknown errors are logged and never shown. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof AppError) return sendError(res, err.code, err.details, err.message);
    const e = err as { type?: string; status?: number; name?: string; message?: string };
    if (e.type === 'entity.parse.failed') return sendError(res, 'MALFORMED_JSON');
    if (e.type === 'entity.too.large') return sendError(res, 'PAYLOAD_TOO_LARGE');
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') return sendError(res, 'VALIDATION_FAILED', { reason: e.type });
    if (e.name === 'SequelizeUniqueConstraintError') return sendError(res, 'CONFLICT');
    if (e.name === 'SequelizeForeignKeyConstraintError') return sendError(res, 'IN_USE');
    logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
    sendError(res, 'INTERNAL');
  };
}
