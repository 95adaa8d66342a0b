import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface BrokerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** what the process wrote to stderr so far (warnings; its log goes to stdout) */
  stderr(): string;
  /** its log so far (JSON lines; the last few MB of a long run) */
  stdout(): string;
  /** SIGTERM and wait for exit */
  stop(): Promise<void>;
  /** SIGKILL, no goodbye */
  kill(): Promise<void>;
}

/** the production bundle `npm run build:broker` writes (what `npm start` and the Docker image run) */
export const BUILT_BROKER = path.join(ROOT, 'broker/dist/main.js');

/**
 * A broker as its own OS process, for multi-broker and crash tests (`node --import tsx
 * broker/src/main.ts`) and benchmarks (`built`: `node broker/dist/main.js`, as in production).
 */
export async function startBrokerProcess(env: Record<string, string>, timeoutMs = 30_000, opts: { built?: boolean } = {}): Promise<BrokerProcess> {
  // YUNZHUO_TEST_BROKER_NODE_ARGS adds node flags to the broker only (e.g. --cpu-prof for a profile)
  const nodeArgs = (process.env.YUNZHUO_TEST_BROKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const entry = opts.built ? [BUILT_BROKER] : ['--import', 'tsx', path.join(ROOT, 'broker/src/main.ts')];
  const child = spawn(process.execPath, [...nodeArgs, ...entry], {
    cwd: ROOT,
    // TOTP policy off unless a test names it: the suite signs in as admin by password (docs/IDENTITY.md)
    env: { ...withoutTestSettings(process.env), YUNZHUO_PORT: '0', YUNZHUO_LOG_LEVEL: 'info', YUNZHUO_TOTP_REQUIRED_ROLES: 'none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.length > 8_000_000) out = out.slice(-4_000_000); // a long bench's log: its tail is enough
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`broker did not start: ${stderr}`)), timeoutMs);
    child.stdout!.on('data', () => {
      const match = /"port":(\d+)[^\n]*"msg":"broker ready"/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`broker exited ${code}: ${stderr}`)));
  });
  child.stdout!.on('data', (d: Buffer) => {
    if (process.env.YUNZHUO_TEST_BROKER_LOGS) process.stderr.write(d);
  });
  child.once('exit', (code, signal) => {
    if (code && code !== 0) process.stderr.write(`broker process ${child.pid} exited ${code ?? signal}:\n${stderr.slice(-4000)}\n`);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    stderr: () => stderr,
    stdout: () => out,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** the test suite's own YUNZHUO_TEST_* switches are not broker settings */
function withoutTestSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('YUNZHUO_TEST_')));
}
