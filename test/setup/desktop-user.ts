// Who a logged-in desktop runs as, and with which environment: its program's uid, gid, DISPLAY
// (the Xvnc display sesman gave the session) and home, read from /proc. A process started this
// way is "inside" the desktop: libxrdpapi finds the session's xrdpapi socket from DISPLAY.
import { readFile } from 'node:fs/promises';
import { desktopProgramPid } from './real-stack.js';

export interface DesktopUser {
  uid: number;
  gid: number;
  env: NodeJS.ProcessEnv;
}

/** Throws when `username` has no logged-in desktop (its X server exists only while it is logged in). */
export async function desktopUserOf(username: string): Promise<DesktopUser> {
  const pid = await desktopProgramPid(username);
  if (pid === null) throw new Error(`${username} has no logged-in desktop`);
  const [environ, status] = await Promise.all([readFile(`/proc/${pid}/environ`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]);
  const vars = new Map(
    environ
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  const display = vars.get('DISPLAY');
  if (!display) throw new Error(`the desktop of ${username} (pid ${pid}) has no DISPLAY`);
  const home = vars.get('HOME') ?? `/home/${username}`;
  const uid = Number(/^Uid:\s*(\d+)/m.exec(status)?.[1]);
  const gid = Number(/^Gid:\s*(\d+)/m.exec(status)?.[1]);
  // sesman starts Xvnc with `-auth .Xauthority` in the user's home
  return { uid, gid, env: { DISPLAY: display, HOME: home, XAUTHORITY: `${home}/.Xauthority`, PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' } };
}
