// The real desktop stack for e2e tests and benches: guacd (Debian's 1.3.0, or 1.5.5 / 1.6.0 built
// from shared/vendor) → xrdp → Xvnc + xterm per local account, all on loopback, started as
// children of this process. Packages and builds come from test/setup/install-deps.sh; the recipes
// are shared/notes/real-desktop-stack.md and shared/notes/current-guacd.md.
//
// One stack per process: every startRealStack() call shares it (xrdp, sesman, the desktops; one
// guacd per version asked for), and it stops when the last caller's stop() runs (or, failing
// that, when the process exits). YZ_GUACD=1.3|1.5|1.6 picks the version a caller gets by default.
import { existsSync } from 'node:fs';
import { chmod, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BUSY_DESKTOP, ensureDesktopAccount, quietDesktop, type DesktopAccount } from './desktop-accounts.js';
import { anyPortAnswers, freePort, makeTempDir, removeTempDir, run, startDaemon, stopDaemon, waitForPort, type Daemon } from './processes.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface Desktop extends Endpoint {
  username: string;
  password: string;
}

export type GuacdVersion = '1.3' | '1.5' | '1.6';

/** Where each guacd lives: Debian's package, or our builds (test/setup/build-guacd.sh). */
export const GUACD_BINARIES: Readonly<Record<GuacdVersion, string>> = {
  '1.3': '/usr/sbin/guacd',
  '1.5': '/opt/yunzhuo/guacd-1.5.5/sbin/guacd',
  '1.6': '/opt/yunzhuo/guacd-1.6.0/sbin/guacd',
};

/** The guacd version of this run: `YZ_GUACD`, else Debian's 1.3.0. */
export function guacdVersionOfRun(): GuacdVersion {
  const asked = process.env.YZ_GUACD ?? '1.3';
  if (asked === '1.3' || asked === '1.5' || asked === '1.6') return asked;
  throw new Error(`YZ_GUACD must be 1.3, 1.5 or 1.6, not ${JSON.stringify(asked)}`);
}

export interface RealStack {
  guacd: Endpoint;
  guacdVersion: GuacdVersion;
  /** Quiet desktops yzdesk1..N: one idle xterm each. */
  desktops: Desktop[];
  /** A desktop whose terminal scrolls without end (benchmarks, recordings). */
  busyDesktop: Desktop;
  /** Writable by guacd: pass as `recording-path`. Removed when the stack stops. */
  recordingDir: string;
  stop(): Promise<void>;
}

interface RunningStack {
  /** one guacd per version asked for, started on first use */
  guacds: Map<GuacdVersion, Promise<Endpoint>>;
  rdp: Endpoint;
  recordingDir: string;
  workDir: string;
  /** Only the daemons this process started; a sesman found already running is left alone. */
  daemons: Daemon[];
}

const LOOPBACK = '127.0.0.1';
const REQUIRED_BINARIES = ['/usr/sbin/xrdp', '/usr/sbin/xrdp-sesman', '/usr/bin/Xvnc', '/usr/bin/xterm'];

let launching: Promise<RunningStack> | null = null;
let users = 0;

export async function startRealStack(options: { desktops?: number; guacd?: GuacdVersion } = {}): Promise<RealStack> {
  const count = options.desktops ?? 1;
  const version = options.guacd ?? guacdVersionOfRun();
  users += 1;
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    await releaseStack();
  };
  try {
    launching ??= launch().catch((error: unknown) => {
      launching = null;
      throw error;
    });
    const accounts = Array.from({ length: count }, (_, i) => quietDesktop(i + 1));
    const [stack] = await Promise.all([launching, ...[...accounts, BUSY_DESKTOP].map(ensureDesktopAccount)]);
    const guacd = await guacdOf(stack, version);
    const toDesktop = (account: DesktopAccount): Desktop => ({ ...stack.rdp, ...account });
    return {
      guacd,
      guacdVersion: version,
      desktops: accounts.map(toDesktop),
      busyDesktop: toDesktop(BUSY_DESKTOP),
      recordingDir: stack.recordingDir,
      stop: release,
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * True while `username` has a logged-in desktop (its xterm runs). A wrong RDP password is not a
 * Guacamole error — guacd still sends frames, of xrdp's login dialog — so tests check this instead.
 */
export async function desktopSessionRunning(username: string): Promise<boolean> {
  return (await desktopProgramPid(username)) !== null;
}

/** The pid of the xterm that `username`'s desktop session runs (its environment has the session's DISPLAY), or null. */
export async function desktopProgramPid(username: string): Promise<number | null> {
  const uid = Number((await run('id', ['-u', username])).trim());
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    const name = /^Name:\s*(\S+)/m.exec(status)?.[1];
    const realUid = /^Uid:\s*(\d+)/m.exec(status)?.[1];
    if (name === 'xterm' && Number(realUid) === uid) return Number(entry);
  }
  return null;
}

async function releaseStack(): Promise<void> {
  users -= 1;
  if (users > 0 || launching === null) return;
  const pending = launching;
  launching = null;
  const stack = await pending.catch(() => null);
  if (stack) await shutdown(stack);
}

async function launch(): Promise<RunningStack> {
  if (process.getuid?.() !== 0) throw new Error('the real stack needs root (it creates accounts and runs xrdp)');
  const missing = REQUIRED_BINARIES.filter((binary) => !existsSync(binary));
  if (missing.length > 0) {
    throw new Error(`missing ${missing.join(', ')}: run \`bash test/setup/install-deps.sh\` as root first`);
  }
  const workDir = await makeTempDir('yunzhuo-stack-');
  // guacd runs as root here, but a packaged guacd runs as its own user: keep it writable for any.
  const recordingDir = await makeTempDir('yunzhuo-recordings-', 0o777);
  const daemons: Daemon[] = [];
  const stack: RunningStack = { guacds: new Map(), rdp: { host: LOOPBACK, port: 0 }, recordingDir, workDir, daemons };
  try {
    await run('sh', ['/usr/share/xrdp/socksetup']);
    await letDesktopUsersMountFuse();
    await startSesman(workDir, daemons);

    stack.rdp.port = await freePort();
    const xrdpIni = path.join(workDir, 'xrdp.ini');
    await writeFile(xrdpIni, await privateXrdpIni(stack.rdp.port, workDir));
    const xrdp = startDaemon('xrdp', '/usr/sbin/xrdp', ['--nodaemon', '--config', xrdpIni], path.join(workDir, 'xrdp.out'));
    daemons.push(xrdp);
    await waitForPort([LOOPBACK], stack.rdp.port, xrdp);
    return stack;
  } catch (error) {
    await shutdown(stack);
    throw error;
  }
}

/**
 * xrdp-chansrv mounts the client's drives (guacd's 窗口材料) with libfuse2 as the desktop's user.
 * libfuse2 opens /dev/fuse itself first and gives up when it cannot (EACCES), without trying
 * fusermount; only after a refused mount(2) does it run the setuid `fusermount` (Debian's `fuse`).
 * udev's default rules make /dev/fuse 0666 on an ordinary machine; this VM has no udev and leaves
 * the kernel's 0600 root:root, so nothing was ever mounted under ~/thinclient_drives (docs/PAPER.md).
 */
async function letDesktopUsersMountFuse(): Promise<void> {
  const device = await stat('/dev/fuse').catch(() => null);
  if (!device) throw new Error('/dev/fuse is missing: the window drive cannot be mounted in the desktop');
  if ((device.mode & 0o666) !== 0o666) await chmod('/dev/fuse', 0o666);
  if (!existsSync('/bin/fusermount') && !existsSync('/usr/bin/fusermount')) {
    throw new Error('missing fusermount (Debian package fuse): run `bash test/setup/install-deps.sh` as root first');
  }
}

function guacdOf(stack: RunningStack, version: GuacdVersion): Promise<Endpoint> {
  let started = stack.guacds.get(version);
  if (!started) {
    started = startGuacd(stack, version);
    stack.guacds.set(version, started);
    started.catch(() => stack.guacds.delete(version));
  }
  return started;
}

async function startGuacd(stack: RunningStack, version: GuacdVersion): Promise<Endpoint> {
  const binary = GUACD_BINARIES[version];
  if (!existsSync(binary)) throw new Error(`missing ${binary} (guacd ${version}): run \`bash test/setup/install-deps.sh\` as root first`);
  const endpoint = { host: LOOPBACK, port: await freePort() };
  const name = `guacd-${version}`;
  const guacd = startDaemon(
    name,
    binary,
    // -L warning: with info/debug a guacd 1.3 child can deadlock on its logging lock.
    ['-f', '-b', LOOPBACK, '-l', String(endpoint.port), '-L', 'warning', '-p', path.join(stack.workDir, `${name}.pid`)],
    path.join(stack.workDir, `${name}.out`),
  );
  stack.daemons.push(guacd);
  await waitForPort([LOOPBACK], endpoint.port, guacd);
  return endpoint;
}

/** What a guacd of this stack wrote (its log at -L warning), for tests that check it says nothing wrong. */
export async function guacdLog(version: GuacdVersion = guacdVersionOfRun()): Promise<string> {
  const stack = launching ? await launching.catch(() => null) : null;
  if (!stack) return '';
  return readFile(path.join(stack.workDir, `guacd-${version}.out`), 'utf8').catch(() => '');
}

/**
 * xrdp always looks for sesman at the ListenPort of /etc/xrdp/sesman.ini (3350 by default), so
 * sesman cannot move to a private port. If one already answers there (a package script, an
 * earlier run), it is used and left running.
 */
async function startSesman(workDir: string, daemons: Daemon[]): Promise<void> {
  const systemIni = await readFile('/etc/xrdp/sesman.ini', 'utf8');
  const port = Number(iniValue(systemIni, 'Globals', 'ListenPort') ?? '3350');
  // It binds [::1] even when told 127.0.0.1.
  const hosts = [LOOPBACK, '::1'];
  if (await anyPortAnswers(hosts, port)) {
    process.stderr.write(`real-stack: reusing the xrdp-sesman already listening on port ${port}\n`);
    return;
  }
  let ini = setIniValue(systemIni, 'Logging', 'LogFile', path.join(workDir, 'xrdp-sesman.log'));
  ini = setIniValue(ini, 'Logging', 'EnableSyslog', 'false');
  const sesmanIni = path.join(workDir, 'sesman.ini');
  await writeFile(sesmanIni, ini);
  const sesman = startDaemon('xrdp-sesman', '/usr/sbin/xrdp-sesman', ['--nodaemon', '--config', sesmanIni], path.join(workDir, 'sesman.out'));
  daemons.push(sesman);
  await waitForPort(hosts, port, sesman);
}

async function privateXrdpIni(port: number, workDir: string): Promise<string> {
  let ini = await readFile('/etc/xrdp/xrdp.ini', 'utf8');
  ini = setIniValue(ini, 'Globals', 'port', `tcp://.:${port}`); // 127.0.0.1 only
  ini = setIniValue(ini, 'Globals', 'autorun', 'Xvnc'); // the first section, [Xorg], needs xorgxrdp
  ini = setIniValue(ini, 'Channels', 'YZDEV', 'true'); // the window-device channel: xrdp drops channels it does not list
  ini = setIniValue(ini, 'Logging', 'LogFile', path.join(workDir, 'xrdp.log'));
  return setIniValue(ini, 'Logging', 'EnableSyslog', 'false');
}

async function shutdown(stack: RunningStack): Promise<void> {
  // Reverse order: guacd and xrdp (with their per-connection children) before sesman and its desktops.
  for (const daemon of [...stack.daemons].reverse()) await stopDaemon(daemon);
  stack.daemons.length = 0;
  await removeTempDir(stack.workDir);
  await removeTempDir(stack.recordingDir);
}

function sectionBounds(lines: string[], section: string): { start: number; end: number } | null {
  const start = lines.findIndex((line) => line.trim() === `[${section}]`);
  if (start < 0) return null;
  const next = lines.findIndex((line, i) => i > start && /^\s*\[/.test(line));
  return { start, end: next < 0 ? lines.length : next };
}

export function iniValue(text: string, section: string, key: string): string | undefined {
  const lines = text.split('\n');
  const bounds = sectionBounds(lines, section);
  if (!bounds) return undefined;
  for (const line of lines.slice(bounds.start + 1, bounds.end)) {
    const match = /^\s*([^;#=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
    if (match && match[1] === key) return match[2];
  }
  return undefined;
}

/** Sets `key=value` in `[section]`, replacing an active line or adding one after the header. */
export function setIniValue(text: string, section: string, key: string, value: string): string {
  const lines = text.split('\n');
  const bounds = sectionBounds(lines, section);
  if (!bounds) return `${text.trimEnd()}\n\n[${section}]\n${key}=${value}\n`;
  for (let i = bounds.start + 1; i < bounds.end; i += 1) {
    if (new RegExp(`^\\s*${key}\\s*=`).test(lines[i] ?? '')) {
      lines[i] = `${key}=${value}`;
      return lines.join('\n');
    }
  }
  lines.splice(bounds.start + 1, 0, `${key}=${value}`);
  return lines.join('\n');
}
