// The X CLIPBOARD selection of a logged-in desktop, read and set with Debian's xclip run as the
// desktop's user on its Xvnc display (the DISPLAY sesman gave the session's xterm). xrdp-chansrv,
// which sesman starts beside Xvnc, carries this selection to and from the RDP client (guacd).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { eventually } from '../helpers/eventually.js';
import { desktopUserOf, type DesktopUser } from './desktop-user.js';

const XCLIP = '/usr/bin/xclip';
/** CLIPBOARD, the selection xrdp-chansrv carries */
const SELECTION = ['-selection', 'clipboard'];
/** CLIPBOARD as text */
const CLIPBOARD = [...SELECTION, '-t', 'UTF8_STRING'];
/** what `xclip -verbose -i` prints once it owns the selection */
const OWNING = 'Waiting for selection requests';
/**
 * What `xclip -verbose -i` prints before each wait: number N+1 once it has handed its text over
 * N times (a TARGETS request, which xrdp-chansrv makes to announce the formats, does not count).
 * This one matches from the second wait on: the text was handed over at least once.
 */
const TAKEN_ONCE = /Waiting for selection request number ([2-9]|\d{2,})\b/;
/**
 * What `xclip -o` (exit 1) says when no program owns the selection or its owner offers no text (it
 * falls back from UTF8_STRING to STRING first). Anything else (no display, refused .Xauthority) is
 * a broken reader, not an empty clipboard.
 */
const NOTHING = /^Error: target \S+ not available$/m;

/** Text a desktop program holds on CLIPBOARD. */
export interface HeldText {
  /**
   * Resolves once the text has been handed over to a program that asked for it: on a desktop
   * no other program reads, xrdp-chansrv fetching it for guacd's format data request.
   */
  taken(timeoutMs?: number): Promise<void>;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

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
  read(answerMs = 2_000): Promise<string | null> {
    return this.#output(['-o', ...CLIPBOARD], answerMs);
  }

  /** What `xclip args` prints, or null for no answer within `answerMs` or nothing on offer (NOTHING). */
  #output(args: string[], answerMs: number): Promise<string | null> {
    return new Promise((resolve, reject) => {
      const child = this.#xclip(args);
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

  /**
   * Resolves once xrdp-chansrv holds CLIPBOARD, offering text: guacd announces its formats as soon
   * as the clipboard channel is up (whatever the pool allows), and xrdp-chansrv, which watches the
   * selection from then on, takes it for them. Text put on CLIPBOARD earlier would go unseen.
   */
  async carried(timeoutMs = 20_000): Promise<void> {
    const offersText = async () => {
      const targets = await this.#output(['-o', ...SELECTION, '-t', 'TARGETS'], 2_000);
      return targets?.split('\n').includes('UTF8_STRING') ?? false;
    };
    await eventually(offersText, { timeoutMs, intervalMs: 100 });
  }

  /** Puts `text` on CLIPBOARD: an xclip owns it until another program takes it over, or until close(). */
  write(text: string): Promise<HeldText> {
    return this.#own(text);
  }

  /** Ends the xclip processes this object started that still run. */
  close(): void {
    for (const child of this.#owners) child.kill();
    this.#owners.clear();
  }

  /** An xclip that owns CLIPBOARD with `text`, once it says so. */
  #own(text: string): Promise<HeldText> {
    return new Promise((resolve, reject) => {
      const child = this.#xclip(['-verbose', '-i', ...CLIPBOARD]);
      this.#owners.add(child);
      let said = '';
      let owning = false;
      let markTaken: () => void = () => undefined;
      let failTaken: (error: Error) => void = () => undefined;
      const taken = new Promise<void>((resolveTaken, rejectTaken) => {
        markTaken = resolveTaken;
        failTaken = rejectTaken;
      });
      taken.catch(() => undefined); // only a caller that waits for it sees its failure
      child.stderr?.on('data', (chunk: Buffer) => {
        said += chunk.toString('utf8');
        if (!owning && said.includes(OWNING)) {
          owning = true;
          resolve({ taken: (timeoutMs = 10_000) => withTimeout(taken, timeoutMs, `no program took the text from CLIPBOARD within ${timeoutMs} ms`) });
        }
        if (TAKEN_ONCE.test(said)) markTaken();
      });
      child.on('error', reject);
      child.on('close', (code) => {
        this.#owners.delete(child);
        const error = new Error(`xclip -i exited ${code} ${owning ? 'before its text was taken' : 'before owning CLIPBOARD'}: ${said.trim()}`);
        failTaken(error);
        reject(error);
      });
      child.stdin?.end(text);
    });
  }

  #xclip(args: string[]): ChildProcess {
    const { uid, gid, env } = this.user;
    return spawn(XCLIP, args, { uid, gid, env, cwd: env.HOME, stdio: ['pipe', 'pipe', 'pipe'] });
  }
}
