import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths that must never reach a log line, whatever object carries them. */
const REDACT = [
  'password',
  '*.password',
  '*.passwordHash',
  '*.rdpPassword',
  '*.secret',
  '*.token',
  'token',
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
];

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'yunzhuo' } });
}
