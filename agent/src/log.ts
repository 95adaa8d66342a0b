/** One JSON line per event on stderr (journald keeps it); secrets are never passed in. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
const RANK: Record<LogLevel | 'silent', number> = { silent: -1, error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  error(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  setLevel(level: LogLevel | 'silent'): void;
}

export function createLogger(level: LogLevel | 'silent', write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  let current = RANK[level];
  const at =
    (lvl: LogLevel) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (RANK[lvl] > current) return;
      write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields })}\n`);
    };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), setLevel: (l) => void (current = RANK[l]) };
}

export const silentLogger: Logger = createLogger('silent');
