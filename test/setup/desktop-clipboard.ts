// The X CLIPBOARD selection of a logged-in desktop, read and set with Debian's xclip run as the
// desktop's user on its Xvnc display (the DISPLAY sesman gave the session's xterm). xrdp-chansrv,
// which sesman starts beside Xvnc, carries this selection to and from the RDP client (guacd).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { desktopUserOf, type DesktopUser } from './desktop-user.js';

const XCLIP = '/usr/bin/xclip';
/** CLIPBOARD is the one xrdp-chansrv carries; PRIMARY (select to copy) only proves the reader works */
type Selection = 'clipboard' | 'primary';
const selection = (name: Selection) => ['-selection', name, '-t', 'UTF8_STRING'];
/** what `xclip -quiet -i` prints once it owns the selection */
const OWNING = 'Waiting for selection requests';
/**
 * What `xclip -o` (exit 1) says when no program owns the selection or its owner offers no text (it
 * falls back from UTF8_STRING to STRING first). Anything else (no display, refused .Xauthority) is
 * a broken reader, not an empty clipboard.
 */
const NOTHING = /^Error: target \S+ not available$/m;

export class DesktopClipboard {
  /** xclip processes started by write() that still own (or serve) the selection */
  readonly #owners = new Set<ChildProcess>();

  private constructor(private readonly user: DesktopUser) {}

  /** The clipboard of `username`'s running desktop session (its X server exists only while it is logged in). */
  static async of(username: string): Promise<DesktopClipboard> {
    if (!existsSync(XCLIP)) throw new Error(`missing ${XCLIP}: run \`bash test/setup/install-deps.sh\` as root first`);
    return new DesktopClipboard(await desktopUserOf(username));
  }

  /**
   * The selection's text, or null while no program owns it, it offers no text, or its owner does
   * not hand the text over within `answerMs`. (With paste forbidden, guacd 1.3 still announces
   * text to the desktop, so xrdp-chansrv owns the selection, but a request for it is never answered.)
   * Throws when xclip fails otherwise: a reader that cannot reach the display must not pass for
   * an empty clipboard.
   */
  read(answerMs = 2_000, from: Selection = 'clipboard'): Promise<string | null> {
    return new Promise((resolve, reject) => {
      const child = this.#xclip(['-o', ...selection(from)]);
      let unanswered = false;
      const timer = setTimeout(() => {
        unanswered = true;
        child.kill();
      }, answerMs);
      let out = '';
      let said = '';
      child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      child.stderr?.on('data', (chunk: Buffer) => (said += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(out);
        else if (unanswered || NOTHING.test(said)) resolve(null);
        else reject(new Error(`xclip -o exited ${code}: ${said.trim() || '(nothing said)'}`));
      });
    });
  }

  /** Puts `text` on the selection: an xclip owns it until another program takes it over, or until close(). */
  async write(text: string, to: Selection = 'clipboard'): Promise<void> {
    await this.#own(text, to);
  }

  /**
   * Proves that read() sees text on this desktop at all, so that its null means an empty
   * clipboard: a probe put on PRIMARY, which leaves CLIPBOARD as it is, is read back.
   */
  async proveReadable(): Promise<void> {
    const probe = `probe ${process.pid} ${Date.now()}`;
    const owner = await this.#own(probe, 'primary');
    try {
      const read = await this.read(2_000, 'primary');
      if (read !== probe) throw new Error(`the desktop's selection reader read ${JSON.stringify(read)}, not the probe ${JSON.stringify(probe)}`);
    } finally {
      owner.kill();
    }
  }

  /** Ends the xclip processes this object started that still run. */
  close(): void {
    for (const child of this.#owners) child.kill();
    this.#owners.clear();
  }

  /** An xclip that owns `to` with `text`, once it says so. */
  #own(text: string, to: Selection): Promise<ChildProcess> {
    return new Promise((resolve, reject) => {
      const child = this.#xclip(['-quiet', '-i', ...selection(to)]);
      this.#owners.add(child);
      let said = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        said += chunk.toString('utf8');
        if (said.includes(OWNING)) resolve(child);
      });
      child.on('error', reject);
      child.on('close', (code) => {
        this.#owners.delete(child);
        reject(new Error(`xclip -i exited ${code} before owning the ${to} selection: ${said.trim()}`));
      });
      child.stdin?.end(text);
    });
  }

  #xclip(args: string[]): ChildProcess {
    const { uid, gid, env } = this.user;
    return spawn(XCLIP, args, { uid, gid, env, cwd: env.HOME, stdio: ['pipe', 'pipe', 'pipe'] });
  }
}
