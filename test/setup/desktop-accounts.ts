// Local accounts that serve as desktops: xrdp logs them in and runs their ~/.xsession in Xvnc.
// Idempotent: an existing account gets its password and ~/.xsession set again.
import { chmod, chown, readFile, writeFile } from 'node:fs/promises';
import { run } from './processes.js';

export interface DesktopAccount {
  username: string;
  password: string;
}

/**
 * One xterm with a fixed plain background that covers any screen up to ~3000 px (no window
 * manager, so no -maximized): a pixel check can expect DESKTOP_BACKGROUND almost everywhere.
 */
export const DESKTOP_BACKGROUND = '#1d4e89';

const XTERM = `xterm -geometry 300x120+0+0 -bg '${DESKTOP_BACKGROUND}' -fg '#ffffff' -fa 'DejaVu Sans Mono' -fs 16 +sb -b 0`;

export function quietDesktop(index: number): DesktopAccount {
  return { username: `yzdesk${index}`, password: `Yz-desk-${index}!` };
}

/** A desktop whose terminal lists /usr forever: a steady stream of screen updates. */
export const BUSY_DESKTOP: DesktopAccount = { username: 'yzdesk-busy', password: 'Yz-busy-1!' };

function xsessionFor(account: DesktopAccount): string {
  const command =
    account.username === BUSY_DESKTOP.username
      ? `${XTERM} -title ${account.username} -e sh -c 'while true; do ls -lR /usr; done'`
      : `${XTERM} -title ${account.username}`;
  return `#!/bin/sh\n# Written by test/setup/desktop-accounts.ts\nexec ${command}\n`;
}

// useradd and chpasswd lock /etc/passwd and /etc/shadow: never run two at once.
let queue: Promise<unknown> = Promise.resolve();

export function ensureDesktopAccount(account: DesktopAccount): Promise<void> {
  const next = queue.then(() => createOrRefresh(account));
  queue = next.catch(() => undefined);
  return next;
}

async function createOrRefresh(account: DesktopAccount): Promise<void> {
  let entry = await passwdEntry(account.username);
  if (entry === null) {
    await run('useradd', ['--create-home', '--shell', '/bin/bash', '--comment', 'Yunzhuo test desktop', account.username]);
    entry = await passwdEntry(account.username);
    if (entry === null) throw new Error(`useradd ${account.username} left no passwd entry`);
  }
  await run('chpasswd', [], `${account.username}:${account.password}\n`);
  const xsession = `${entry.home}/.xsession`;
  const wanted = xsessionFor(account);
  const current = await readFile(xsession, 'utf8').catch(() => '');
  if (current !== wanted) {
    await writeFile(xsession, wanted, { mode: 0o755 });
    await chmod(xsession, 0o755);
    await chown(xsession, entry.uid, entry.gid);
  }
}

async function passwdEntry(username: string): Promise<{ uid: number; gid: number; home: string } | null> {
  const line = await run('getent', ['passwd', username]).catch(() => null);
  if (line === null) return null;
  const fields = line.trim().split(':');
  return { uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5] ?? `/home/${username}` };
}
