import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { duplicateText, ERRORS, type ErrorCode, type UniqueField } from '@yunzhuo/protocol/errors';
import { AppError } from '../lib/app-error.js';
import type { Logger } from '../lib/logger.js';

export function sendError(res: Response, code: ErrorCode, details: Record<string, unknown> = {}, message?: string): void {
  const spec = ERRORS[code];
  const retry = details.retryAfterSeconds;
  if (typeof retry === 'number') res.setHeader('Retry-After', String(retry));
  res.status(spec.status).json({ error: { code, message: message ?? `${spec.zh} / ${spec.en}`, details } });
}

/** the column of a unique index → the field a person typed (a `*_key` column holds the folded form of its field) */
const UNIQUE_COLUMNS: Record<string, UniqueField> = { code: 'code', code_key: 'code', username: 'username', username_key: 'username' };

/** A unique index refused the write: name the field when it is one a person typed. */
export function sendDuplicate(res: Response, fields: unknown): void {
  // SQLite's driver lists the columns, PostgreSQL's maps each column to its value
  const columns = Array.isArray(fields) ? fields.map(String) : fields && typeof fields === 'object' ? Object.keys(fields) : [];
  const field = columns.map((c) => UNIQUE_COLUMNS[c]).find((f) => f !== undefined);
  if (!field) return sendError(res, 'CONFLICT');
  sendError(res, 'CONFLICT', { field, reason: 'duplicate' }, `${duplicateText(field, 'zh-CN')} / ${duplicateText(field, 'en')}`);
}

export const notFoundHandler: RequestHandler = (req, res) => sendError(res, 'NOT_FOUND', { path: req.path });

/** The one place errors become responses; unknown errors are logged and never shown. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof AppError) return sendError(res, err.code, err.details, err.message);
    const e = err as { type?: string; status?: number; name?: string; message?: string; fields?: unknown };
    if (e.type === 'entity.parse.failed') return sendError(res, 'MALFORMED_JSON');
    if (e.type === 'entity.too.large') return sendError(res, 'PAYLOAD_TOO_LARGE');
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') return sendError(res, 'VALIDATION_FAILED', { reason: e.type });
    if (e.name === 'SequelizeUniqueConstraintError') return sendDuplicate(res, e.fields);
    if (e.name === 'SequelizeForeignKeyConstraintError') return sendError(res, 'IN_USE');
    logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
    sendError(res, 'INTERNAL');
  };
}
