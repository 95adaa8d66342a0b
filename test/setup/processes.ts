// Child daemons for the real test stack: start them on known ports, wait until they answer, and
// end exactly the process trees this process started (never anything found by name).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface Daemon {
  name: string;
  pid: number;
  logFile: string;
  child: ChildProcess;
  exited: boolean;
}

const started = new Set<Daemon>();
const tempDirs = new Set<string>();
let exitHookInstalled = false;

/** Whatever is still running or left when this process exits (mocha --exit, a crash) is ended and removed. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    killTreesSync([...started].map((d) => d.pid));
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
}

/** A temp dir made by this process: removed by `removeTempDir`, or at exit at the latest. */
export async function makeTempDir(prefix: string, mode = 0o700): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(dir, mode);
  installExitHook();
  tempDirs.add(dir);
  return dir;
}

export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** Runs a command to completion and returns its stdout; rejects with its stderr when it fails. */
export function run(command: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${(stderr || stdout).trim()}`));
    });
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // EPIPE when the command exits without reading; its exit code tells
      child.stdin.end(input);
    }
  });
}

/** Starts a long-running daemon in its own process group, its output to `logFile`. */
export function startDaemon(name: string, command: string, args: readonly string[], logFile: string): Daemon {
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  const daemon: Daemon = { name, pid: child.pid, logFile, child, exited: false };
  child.on('exit', () => {
    daemon.exited = true;
  });
  child.on('error', () => {
    daemon.exited = true;
  });
  started.add(daemon);
  installExitHook();
  return daemon;
}

/** SIGTERM the daemon and every descendant, SIGKILL what is left after `graceMs`. */
export async function stopDaemon(daemon: Daemon, graceMs = 3_000): Promise<void> {
  const pids = [daemon.pid, ...descendantsOf([daemon.pid])];
  signalAll(pids, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(isAlive) && Date.now() < deadline) await sleep(50);
  signalAll(pids.filter(isAlive), 'SIGKILL');
  while (pids.some(isAlive) && Date.now() < deadline + 2_000) await sleep(20);
  started.delete(daemon);
}

export function logTail(daemon: Daemon, lines = 20): string {
  try {
    return readFileSync(daemon.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A port the kernel just handed out on 127.0.0.1 (closed again; race-free enough for tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

export function portAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True when any of `hosts` accepts a connection on `port`. */
export async function anyPortAnswers(hosts: readonly string[], port: number): Promise<boolean> {
  const answers = await Promise.all(hosts.map((host) => portAnswers(host, port)));
  return answers.includes(true);
}

/** Waits until one of `hosts` accepts on `port`; fails early, with its log, if the daemon died. */
export function waitForPort(hosts: readonly string[], port: number, daemon: Daemon, timeoutMs = 15_000): Promise<void> {
  return waitForDaemon(daemon, `listening on ${hosts.join('/')}:${port}`, () => anyPortAnswers(hosts, port), timeoutMs);
}

/** Waits until `ready` says the daemon is `what`; fails early, with its log, if the daemon died. */
export async function waitForDaemon(daemon: Daemon, what: string, ready: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready()) return;
    if (daemon.exited) throw new Error(`${daemon.name} exited before ${what}:\n${logTail(daemon)}`);
    if (Date.now() > deadline) throw new Error(`${daemon.name} not ${what} after ${timeoutMs} ms:\n${logTail(daemon)}`);
    await sleep(50);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** All descendants by parent pid, read from /proc (sesman's sessions call setsid, so a process group is not enough). */
function descendantsOf(roots: readonly number[]): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push(Number(entry));
    children.set(stat.ppid, siblings);
  }
  const found: number[] = [];
  const queue = [...roots];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function readStat(pid: number): { ppid: number; state: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', ppid: Number(fields[1]) };
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== null && stat.state !== 'Z';
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

function killTreesSync(roots: readonly number[]): void {
  if (roots.length === 0) return;
  const pids = [...roots, ...descendantsOf(roots)];
  signalAll(pids, 'SIGTERM');
  // A synchronous wait (an exit hook cannot await): up to 1 s for Xvnc to remove its lock files.
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; waited < 1_000 && pids.some(isAlive); waited += 20) Atomics.wait(pause, 0, 0, 20);
  signalAll(pids.filter(isAlive), 'SIGKILL');
}
