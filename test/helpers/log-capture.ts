import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export interface CapturedLog {
  logger: Logger;
  /** every line written so far, parsed */
  lines(): Array<{ level: number; msg?: string; [key: string]: unknown }>;
  /** lines at warn (40) or above */
  warnings(): Array<{ level: number; msg?: string; [key: string]: unknown }>;
}

/** A real pino logger that keeps its lines in memory, so a test can read what the broker logged. */
export function captureLog(): CapturedLog {
  const written: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line !== ''),
      );
      done();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  const lines = () => written.map((line) => JSON.parse(line) as { level: number; msg?: string });
  return { logger, lines, warnings: () => lines().filter((line) => line.level >= 40) };
}
