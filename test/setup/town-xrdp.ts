// An xrdp desktop that lives on a town's network: xrdp-sesman, xrdp and the Xvnc sessions run
// inside the town's network namespace (test/helpers/town-netns.ts), so the desktop's address
// answers only there. They also get a private /run/xrdp (a mount namespace of their own): sesman
// and xrdp keep pid files and channel sockets there, which must not meet the county stack's.
// /tmp stays shared, so sesman picks X display numbers the county's sessions do not hold.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TownNetns } from '../helpers/town-netns.js';
import { ensureDesktopAccount, type DesktopAccount } from './desktop-accounts.js';
import { freePort, makeTempDir, removeTempDir, run, startDaemon, stopDaemon, waitForDaemon, waitForPort } from './processes.js';
import { GUACD_BINARIES, setIniValue, type Desktop, type Endpoint, type GuacdVersion } from './real-stack.js';

/** the town clerk's desktop account (quiet: one idle xterm), used by no county suite */
export const TOWN_DESKTOP: DesktopAccount = { username: 'yzdesk-town', password: 'Yz-town-1!' };
const RDP_PORT = 3389;

export interface TownXrdp {
  desktop: Desktop;
  stop(): Promise<void>;
}

export async function startTownXrdp(town: TownNetns): Promise<TownXrdp> {
  await ensureDesktopAccount(TOWN_DESKTOP);
  const workDir = await makeTempDir('yunzhuo-town-xrdp-', 0o755);
  let sesmanIni = await readFile('/etc/xrdp/sesman.ini', 'utf8');
  sesmanIni = setIniValue(sesmanIni, 'Logging', 'LogFile', path.join(workDir, 'xrdp-sesman.log'));
  sesmanIni = setIniValue(sesmanIni, 'Logging', 'EnableSyslog', 'false');
  let xrdpIni = await readFile('/etc/xrdp/xrdp.ini', 'utf8');
  xrdpIni = setIniValue(xrdpIni, 'Globals', 'port', `tcp://${town.desktopIp}:${RDP_PORT}`);
  xrdpIni = setIniValue(xrdpIni, 'Globals', 'autorun', 'Xvnc'); // the first section, [Xorg], needs xorgxrdp
  xrdpIni = setIniValue(xrdpIni, 'Logging', 'LogFile', path.join(workDir, 'xrdp.log'));
  xrdpIni = setIniValue(xrdpIni, 'Logging', 'EnableSyslog', 'false');
  await writeFile(path.join(workDir, 'sesman.ini'), sesmanIni);
  await writeFile(path.join(workDir, 'xrdp.ini'), xrdpIni);
  const script = [
    'set -e',
    'mount -t tmpfs -o mode=0755 tmpfs /run/xrdp',
    'sh /usr/share/xrdp/socksetup',
    `/usr/sbin/xrdp-sesman --nodaemon --config ${workDir}/sesman.ini &`,
    `exec /usr/sbin/xrdp --nodaemon --config ${workDir}/xrdp.ini`,
  ].join('\n');
  await run('mkdir', ['-p', '/run/xrdp']);
  const daemon = startDaemon(
    'town-xrdp',
    'ip',
    ['netns', 'exec', town.name, 'unshare', '--mount', '--propagation', 'private', 'sh', '-c', script],
    path.join(workDir, 'town-xrdp.out'),
  );
  const stop = async () => {
    await stopDaemon(daemon);
    await removeTempDir(workDir);
  };
  try {
    // asked from inside the namespace: the county side has no route to it (that is the point)
    const listening = async () =>
      (await run('ip', ['netns', 'exec', town.name, 'ss', '-Htln', `sport = :${RDP_PORT}`]).catch(() => '')).includes(town.desktopIp);
    await waitForDaemon(daemon, `listening on ${town.desktopIp}:${RDP_PORT}`, listening, 20_000);
    return { desktop: { host: town.desktopIp, port: RDP_PORT, ...TOWN_DESKTOP }, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A guacd of the county, on loopback beside the brokers: it dials their connector listeners. */
export async function startCountyGuacd(version: GuacdVersion): Promise<{ endpoint: Endpoint; stop(): Promise<void> }> {
  const workDir = await makeTempDir('yunzhuo-county-guacd-', 0o755);
  const endpoint = { host: '127.0.0.1', port: await freePort() };
  // -L warning: with info/debug a guacd 1.3 child can deadlock on its logging lock (real-stack.ts)
  const args = ['-f', '-b', endpoint.host, '-l', String(endpoint.port), '-L', 'warning', '-p', path.join(workDir, 'guacd.pid')];
  const daemon = startDaemon(`guacd-${version}`, GUACD_BINARIES[version], args, path.join(workDir, 'guacd.out'));
  const stop = async () => {
    await stopDaemon(daemon);
    await removeTempDir(workDir);
  };
  try {
    await waitForPort([endpoint.host], endpoint.port, daemon);
    return { endpoint, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
