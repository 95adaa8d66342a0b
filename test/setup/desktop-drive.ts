// The window drive as the desktop sees it: xrdp-chansrv mounts the client's drives (guacd's
// 窗口材料 arrives as `GUACFS`) under ~/thinclient_drives with FUSE, readable by the desktop's user
// only (root gets EACCES on a FUSE mount without allow_other). Reads run as that user.
import { spawn } from 'node:child_process';
import { desktopUserOf, type DesktopUser } from './desktop-user.js';

function runAs(user: DesktopUser, command: string, args: string[]): Promise<{ code: number | null; out: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { uid: user.uid, gid: user.gid, env: user.env, cwd: '/', stdio: ['ignore', 'pipe', 'ignore'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out: Buffer.concat(out) }));
  });
}

export class DesktopDrive {
  private constructor(private readonly user: DesktopUser) {}

  static async of(username: string): Promise<DesktopDrive> {
    return new DesktopDrive(await desktopUserOf(username));
  }

  /** The mounted drives' folders under ~/thinclient_drives (empty while nothing is mounted). */
  async drives(): Promise<string[]> {
    const { code, out } = await runAs(this.user, 'ls', ['-1', `${this.user.env.HOME}/thinclient_drives`]);
    return code === 0 ? out.toString().split('\n').filter(Boolean) : [];
  }

  /** The file `name` of the drive `drive`, read inside the desktop by its user; null while it is not there. */
  async read(drive: string, name: string): Promise<Buffer | null> {
    const { code, out } = await runAs(this.user, 'cat', ['--', `${this.user.env.HOME}/thinclient_drives/${drive}/${name}`]);
    return code === 0 ? out : null;
  }
}
