import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../../../broker/src/config/load-config.js';
import { ApiClient } from '../../helpers/api-client.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MAIN = path.join(ROOT, 'broker/src/main.ts');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail('loadConfig accepted a bad configuration');
}

/** the parent's env without any YUNZHUO_* (the test runner's own switches are not broker settings) */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('YUNZHUO_')));
  return { ...env, ...extra };
}

interface Run {
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

function runMain(env: Record<string, string>): Run {
  const child = spawn(TSX, [MAIN], { cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { stdout: () => out, stderr: () => err, exited, kill: (s) => child.kill(s) };
}

/** Starts main.ts, waits for /healthz, stops it with SIGTERM and returns what it printed. */
async function startAndStop(dataDir: string): Promise<{ stdout: string; port: number }> {
  const port = await freePort();
  const run = runMain({ YUNZHUO_DATA_DIR: dataDir, YUNZHUO_PORT: String(port), YUNZHUO_LOG_LEVEL: 'silent', YUNZHUO_RECONCILE_INTERVAL_SECONDS: '3600' });
  try {
    await eventually(
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        return res.status === 200 && ((await res.json()) as { status: string }).status === 'ok';
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
  } catch (err) {
    run.kill('SIGKILL');
    throw new Error(`broker did not get healthy: ${String(err)}\n${run.stderr()}`);
  }
  run.kill('SIGTERM');
  // main.ts installs its SIGTERM handler right after the first-start banner, so the handler's
  // line proves the banner point has passed
  assert.equal(await run.exited, 0, run.stderr());
  assert.match(run.stdout(), /SIGTERM: stopping/);
  return { stdout: run.stdout(), port };
}

describe('configuration', () => {
  it('defaults to 127.0.0.1:8080 and SQLite under ./data', () => {
    const c = loadConfig({});
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, 8080);
    assert.equal(c.dataDir, path.resolve('data'));
    assert.equal(c.databaseUrl, `sqlite:${path.resolve('data', 'yunzhuo.db')}`);
    assert.equal(c.recordingDir, path.resolve('data', 'recordings'));
    assert.equal(c.logLevel, 'info');
    assert.equal(c.cookieSecure, false);
    assert.equal(c.secretKey, undefined);
    assert.equal(c.adminPassword, undefined);
  });

  it('takes YUNZHUO_* overrides, coercing numbers and booleans', () => {
    const c = loadConfig({
      YUNZHUO_HOST: '0.0.0.0',
      YUNZHUO_PORT: '9443',
      YUNZHUO_DATA_DIR: '/var/lib/yunzhuo',
      YUNZHUO_DATABASE_URL: 'postgres://yz@db:5432/yunzhuo',
      YUNZHUO_COOKIE_SECURE: 'true',
      YUNZHUO_LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      YUNZHUO_LOG_LEVEL: 'warn',
    });
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.port, 9443);
    assert.equal(c.dataDir, '/var/lib/yunzhuo');
    assert.equal(c.databaseUrl, 'postgres://yz@db:5432/yunzhuo');
    assert.equal(c.recordingDir, '/var/lib/yunzhuo/recordings');
    assert.equal(c.cookieSecure, true);
    assert.equal(c.loginMaxFailuresPerAccount, 3);
    assert.equal(c.logLevel, 'warn');
  });

  it('reads an optional JSON file, with env winning over it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'yz-config-'));
    try {
      const file = path.join(dir, 'yunzhuo.json');
      writeFileSync(file, JSON.stringify({ port: 7000, host: '10.0.0.5' }));
      const c = loadConfig({ YUNZHUO_CONFIG_FILE: file, YUNZHUO_PORT: '7001' });
      assert.equal(c.port, 7001);
      assert.equal(c.host, '10.0.0.5');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports every bad key at once, by its env name, plus unknown YUNZHUO_* keys', () => {
    const problems = problemsOf({
      YUNZHUO_PORT: 'eighty',
      YUNZHUO_LOG_LEVEL: 'loud',
      YUNZHUO_DATABASE_URL: 'mysql://x',
      YUNZHUO_SECRET_KEY: 'too-short',
      YUNZHUO_ADMIN_PASSWORD: 'short',
      YUNZHUO_TUNNEL_TOKEN_TTL_SECONDS: '600',
      YUNZHUO_PORTT: '8080',
    });
    for (const key of [
      'YUNZHUO_PORT:',
      'YUNZHUO_LOG_LEVEL:',
      'YUNZHUO_DATABASE_URL:',
      'YUNZHUO_SECRET_KEY:',
      'YUNZHUO_ADMIN_PASSWORD:',
      'YUNZHUO_TUNNEL_TOKEN_TTL_SECONDS:',
    ]) {
      assert.ok(
        problems.some((p) => p.startsWith(key)),
        `${key} missing from ${JSON.stringify(problems)}`,
      );
    }
    assert.ok(
      problems.some((p) => p.startsWith('YUNZHUO_PORTT: unknown setting')),
      JSON.stringify(problems),
    );
    assert.equal(problems.length, 7, JSON.stringify(problems));
  });

  it('reports a port out of range and a non-boolean flag', () => {
    const problems = problemsOf({ YUNZHUO_PORT: '70000', YUNZHUO_COOKIE_SECURE: 'maybe' });
    assert.equal(problems.length, 2, JSON.stringify(problems));
    assert.ok(problems.some((p) => p.startsWith('YUNZHUO_PORT:')));
    assert.ok(problems.some((p) => p.startsWith('YUNZHUO_COOKIE_SECURE:')));
  });

  it('refuses a window drives directory that is, holds or sits in the recordings directory (ended sessions’ drives are deleted)', () => {
    for (const drive of ['/srv/yz/rec', '/srv/yz/rec/drives', '/srv/yz']) {
      const problems = problemsOf({ YUNZHUO_RECORDING_DIR: '/srv/yz/rec', YUNZHUO_WINDOW_DRIVE_DIR: drive });
      assert.equal(problems.length, 1, drive);
      assert.match(problems[0]!, /^YUNZHUO_WINDOW_DRIVE_DIR: 窗口材料目录不能与录像目录相同或互相包含/);
    }
    const apart = loadConfig({ YUNZHUO_RECORDING_DIR: '/srv/yz/rec', YUNZHUO_WINDOW_DRIVE_DIR: '/srv/yz/recordings-not' });
    assert.equal(apart.windowDriveDir, '/srv/yz/recordings-not');
  });

  it('refuses a wake-on-LAN port outside 1..65535, by its env name (a bad port would crash the broker at the first wake)', () => {
    for (const value of ['192.168.10.255:0', '192.168.10.255:65536', '192.168.10.255:99999']) {
      const problems = problemsOf({ YUNZHUO_WAKE_BROADCAST: value });
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.match(problems[0]!, /^YUNZHUO_WAKE_BROADCAST: .*1\.\.65535/);
    }
    assert.equal(loadConfig({ YUNZHUO_WAKE_BROADCAST: '192.168.10.255:65535' }).wakeBroadcast, '192.168.10.255:65535');
    assert.equal(loadConfig({ YUNZHUO_WAKE_BROADCAST: '192.168.10.255:1' }).wakeBroadcast, '192.168.10.255:1');
    assert.equal(loadConfig({ YUNZHUO_WAKE_BROADCAST: '192.168.10.255' }).wakeBroadcast, '192.168.10.255');
  });

  it('sends ratings to the province only with both a URL and a secret', () => {
    assert.equal(loadConfig({}).ratingOutboxUrl, undefined);
    const problems = problemsOf({ YUNZHUO_RATING_OUTBOX_URL: 'https://province.example/ratings' });
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.ok(problems[0]?.startsWith('YUNZHUO_RATING_OUTBOX_SECRET:'), problems[0]);
    assert.ok(
      problemsOf({ YUNZHUO_RATING_OUTBOX_URL: 'ftp://province.example/x', YUNZHUO_RATING_OUTBOX_SECRET: 'x'.repeat(16) })[0]?.startsWith(
        'YUNZHUO_RATING_OUTBOX_URL:',
      ),
    );
    const c = loadConfig({
      YUNZHUO_RATING_OUTBOX_URL: 'https://province.example/ratings',
      YUNZHUO_RATING_OUTBOX_SECRET: 'x'.repeat(16),
      YUNZHUO_RATING_OUTBOX_MAX_ATTEMPTS: '3',
    });
    assert.deepEqual([c.ratingOutboxMaxAttempts, c.ratingOutboxBackoffSeconds, c.ratingOutboxPollSeconds], [3, 30, 5]);
  });
});

describe('main entry', function () {
  this.timeout(60_000);
  let dataDir: string;

  before(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'yz-main-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('exits 1 on bad configuration and prints every problem on stderr', async () => {
    const run = runMain({ YUNZHUO_DATA_DIR: dataDir, YUNZHUO_PORT: 'eighty', YUNZHUO_LOG_LEVEL: 'loud', YUNZHUO_NO_SUCH_SETTING: '1' });
    assert.equal(await run.exited, 1);
    const err = run.stderr();
    assert.match(err, /invalid configuration/);
    assert.match(err, /YUNZHUO_PORT:/);
    assert.match(err, /YUNZHUO_LOG_LEVEL:/);
    assert.match(err, /YUNZHUO_NO_SUCH_SETTING: unknown setting/);
    assert.equal(run.stdout(), '');
  });

  it('on first start creates admin, prints its generated password once, and writes secret.key with mode 0600', async () => {
    const first = await startAndStop(dataDir);
    const m = /初始密码 initial password:\s+(\S+)/.exec(first.stdout);
    assert.ok(m, first.stdout);
    assert.equal(first.stdout.split(m[1]!).length - 1, 1, 'the password is printed exactly once');
    assert.equal(statSync(path.join(dataDir, 'secret.key')).mode & 0o777, 0o600);
    assert.ok(statSync(path.join(dataDir, 'yunzhuo.db')).isFile());

    // the printed password works on the next start, which prints no banner
    const port = await freePort();
    const run = runMain({ YUNZHUO_DATA_DIR: dataDir, YUNZHUO_PORT: String(port), YUNZHUO_LOG_LEVEL: 'silent' });
    try {
      const client = new ApiClient(`http://127.0.0.1:${port}`);
      const login = await eventually(() => client.login('admin', m[1]!), { timeoutMs: 20_000, intervalMs: 100 });
      assert.equal(login.status, 200, JSON.stringify(login.body));
      assert.deepEqual(login.body.account.roles, ['admin']);
    } finally {
      run.kill('SIGTERM');
      await run.exited;
    }
    assert.doesNotMatch(run.stdout(), /初始密码|initial password/);
  });

  it('on a later start prints no password and keeps secret.key', async () => {
    const keyBefore = statSync(path.join(dataDir, 'secret.key')).mtimeMs;
    const again = await startAndStop(dataDir);
    assert.doesNotMatch(again.stdout, /初始密码|initial password/);
    assert.equal(statSync(path.join(dataDir, 'secret.key')).mtimeMs, keyBefore);
    assert.equal(statSync(path.join(dataDir, 'secret.key')).mode & 0o777, 0o600);
  });
});
