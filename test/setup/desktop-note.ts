// A small window opened on a logged-in desktop (Debian's xmessage, run as the desktop's user on
// its display): the desktop's screen changes, so guacd ends a frame for it.
import { spawn } from 'node:child_process';
import { desktopUserOf } from './desktop-user.js';

const XMESSAGE = '/usr/bin/xmessage';

/** Opens the note on `username`'s desktop; the returned function closes it. */
export async function openDesktopNote(username: string, text: string): Promise<() => void> {
  const { uid, gid, env } = await desktopUserOf(username);
  const child = spawn(XMESSAGE, ['-geometry', '+40+40', '-buttons', '', text], { uid, gid, env, cwd: env.HOME, stdio: 'ignore' });
  // a note that cannot open says why in the test's output (the frame it should cause never comes)
  child.on('error', (error) => console.error(`      xmessage on the desktop of ${username}: ${error.message}`));
  return () => child.kill();
}
