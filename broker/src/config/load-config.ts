import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configSchema, ENV_KEYS, type Config } from './config.schema.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置有误 / invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/**
 * Reads the optional JSON file named by YUNZHUO_CONFIG_FILE, then the YUNZHUO_* env vars
 * (env wins), validates everything at once and reports every problem, not just the first.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  let fromFile: Record<string, unknown> = {};
  const file = env.YUNZHUO_CONFIG_FILE;
  if (file) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) fromFile = { ...parsed };
      else problems.push(`YUNZHUO_CONFIG_FILE ${file}: must hold a JSON object`);
    } catch (err) {
      problems.push(`YUNZHUO_CONFIG_FILE ${file}: ${(err as Error).message}`);
    }
  }
  const fromEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('YUNZHUO_') || name === 'YUNZHUO_CONFIG_FILE' || value === undefined) continue;
    const key = ENV_KEYS[name];
    if (key) fromEnv[key] = value;
    else problems.push(`${name}: unknown setting (known: ${Object.keys(ENV_KEYS).join(', ')})`);
  }
  const result = configSchema.safeParse({ ...fromFile, ...fromEnv });
  if (!result.success) {
    const envName = (key: string) => Object.entries(ENV_KEYS).find(([, k]) => k === key)?.[0] ?? key;
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? '');
      problems.push(`${envName(key)}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  const c = result.data;
  const dataDir = path.resolve(c.dataDir);
  const recordingDir = path.resolve(c.recordingDir ?? path.join(dataDir, 'recordings'));
  const windowDriveDir = path.resolve(c.windowDriveDir ?? path.join(dataDir, 'window-drives'));
  // the drives' directory is emptied of ended sessions: it must never hold the recordings
  if (within(windowDriveDir, recordingDir) || within(recordingDir, windowDriveDir)) {
    throw new ConfigError([
      `YUNZHUO_WINDOW_DRIVE_DIR: 窗口材料目录不能与录像目录相同或互相包含 / must not be or contain YUNZHUO_RECORDING_DIR (${recordingDir})`,
    ]);
  }
  return {
    ...c,
    dataDir,
    databaseUrl: c.databaseUrl ?? `sqlite:${path.join(dataDir, 'yunzhuo.db')}`,
    recordingDir,
    windowDriveDir,
  };
}

/** `inner` is `outer` or a path under it */
function within(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
