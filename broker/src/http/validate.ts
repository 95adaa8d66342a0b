import type { z } from 'zod';
import { safeParseZh } from '@yunzhuo/protocol/api/zod-zh';
import { AppError } from '../lib/app-error.js';

/** Parses input with a zod schema; every problem is listed in `details.issues` (messages in Chinese), nothing is echoed back. */
export function parseInput<T extends z.ZodTypeAny>(schema: T, value: unknown, where: 'body' | 'query' | 'params' = 'body'): z.output<T> {
  const result = safeParseZh(schema, value);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 50).map((i) => ({
    path: [where, ...i.path.map(String)].join('.'),
    code: i.code,
    message: i.message,
    // a refinement's stable reason (e.g. NAME_UNSAFE_CHARACTERS), so a client need not read the message
    ...(i.code === 'custom' && typeof i.params?.reason === 'string' ? { reason: i.params.reason } : {}),
  }));
  throw new AppError('VALIDATION_FAILED', { issues });
}
