import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The yunzhuo-agent .deb on this machine (run as root, no systemd): build it, install and remove
 * it with dpkg under one machine-wide lock, and play systemd for its unit.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);
export const PACKAGE = 'yunzhuo-agent';
export const UNIT_FILE = '/lib/systemd/system/yunzhuo-agent.service';
export const ENV_FILE = '/etc/yunzhuo/agent.env';
export const STATE_DIR = '/var/lib/yunzhuo-agent';
const DPKG_LOCK = '/tmp/yunzhuo-dpkg.lock';

/** `npm run package:agent`; the path of the .deb it printed last */
export async function buildPackage(): Promise<string> {
  const { stdout } = await run('npm', ['run', '--silent', 'package:agent'], { cwd: ROOT, maxBuffer: 4 << 20 });
  const deb = path.resolve(ROOT, stdout.trim().split('\n').at(-1) ?? '');
  if (!deb.endsWith('_all.deb') || !existsSync(deb)) throw new Error(`package:agent printed no .deb:\n${stdout}`);
  return deb;
}

/** Holds /tmp/yunzhuo-dpkg.lock (flock) until the returned function is called or this process ends. */
export async function holdDpkgLock(): Promise<() => Promise<void>> {
  const holder = spawn('flock', ['--exclusive', DPKG_LOCK, 'sh', '-c', 'echo locked; exec cat'], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    holder.once('error', reject);
    holder.once('exit', (code) => reject(new Error(`flock exited ${code}`)));
    holder.stdout!.once('data', () => resolve());
  });
  holder.removeAllListeners('exit');
  return async () => {
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    holder.stdin!.end();
    await exited;
  };
}

/** dpkg with these arguments (asynchronous: the broker answering postinst runs in this process) */
export async function dpkg(args: string[], env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('dpkg', args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? -1, output }));
  });
}

export async function packageStatus(): Promise<string> {
  try {
    return (await run('dpkg-query', ['-W', '-f', '${Status}', PACKAGE])).stdout;
  } catch {
    return 'not-installed';
  }
}

export async function debconfSet(lines: string[]): Promise<void> {
  const child = spawn('debconf-set-selections', [], { stdio: ['pipe', 'inherit', 'inherit'] });
  child.stdin.end(`${lines.join('\n')}\n`);
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`debconf-set-selections exited ${code}`);
}

export async function debconfShow(): Promise<string> {
  return (await run('debconf-show', [PACKAGE])).stdout;
}

/** pids of the processes running as `user` (none: []) */
export async function processesOf(user: string): Promise<number[]> {
  try {
    return (await run('pgrep', ['-u', user])).stdout.trim().split('\n').filter(Boolean).map(Number);
  } catch (err) {
    if ((err as { code?: number }).code === 1) return [];
    throw err;
  }
}

export function readEnvFile(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

export function writeEnvFile(file: string, values: Record<string, string>): void {
  writeFileSync(
    file,
    Object.entries(values)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
    { mode: 0o600 },
  );
}

/** What systemd takes from the [Service] section to start the unit. */
export interface ServiceUnit {
  user: string;
  environmentFiles: Array<{ file: string; optional: boolean }>;
  environment: Record<string, string>;
  execStart: string[];
}

export function readUnit(file = UNIT_FILE): ServiceUnit {
  const unit: ServiceUnit = { user: 'root', environmentFiles: [], environment: {}, execStart: [] };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^(\w+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, key, value] = match as unknown as [string, string, string];
    if (key === 'User') unit.user = value;
    else if (key === 'EnvironmentFile') unit.environmentFiles.push({ file: value.replace(/^-/, ''), optional: value.startsWith('-') });
    else if (key === 'Environment')
      for (const pair of value.split(/\s+/)) unit.environment[pair.slice(0, pair.indexOf('='))] = pair.slice(pair.indexOf('=') + 1);
    else if (key === 'ExecStart') unit.execStart = value.split(/\s+/);
  }
  return unit;
}

/**
 * The unit started as systemd would: ExecStart as User= (its uid, gid, HOME …), with
 * EnvironmentFile= then Environment= (a missing optional file is skipped), stdout and stderr kept
 * (the journal's part).
 */
export class UnitProcess {
  output = '';
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;

  constructor(unit: ServiceUnit) {
    const [name, , uid, gid, , home, shell] = execFileSync('getent', ['passwd', unit.user], { encoding: 'utf8' }).trim().split(':');
    const env: Record<string, string> = {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin',
      LANG: 'C.UTF-8',
      USER: name!,
      LOGNAME: name!,
      HOME: home!,
      SHELL: shell!,
    };
    for (const { file, optional } of unit.environmentFiles) {
      if (!existsSync(file) && optional) continue;
      Object.assign(env, readEnvFile(file));
    }
    Object.assign(env, unit.environment);
    const [command, ...args] = unit.execStart;
    this.#child = spawn(command!, args, { env, uid: Number(uid), gid: Number(gid), cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.#child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.#exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
  }

  /** SIGTERM, as KillSignal= says; the exit code */
  async stop(): Promise<number | null> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGTERM');
    return this.#exited;
  }
}
