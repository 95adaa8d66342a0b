import { spawn, type ChildProcess } from 'node:child_process';
import type { KioskState } from '@yunzhuo/protocol/agent/index';
import type { Logger } from '../../log.js';
import type { KioskBrowser } from '../os-adapters.js';

/**
 * The kiosk shows only the broker's window page. That page talks to this thin client's device
 * bridge on ws://127.0.0.1 (agent/src/devices/), which Chromium's Local Network Access checks
 * refuse to a page from the county network (a less private address space): they are turned off
 * for this one browser.
 */
const FLAGS = [
  '--kiosk',
  '--no-first-run',
  '--noerrdialogs',
  '--disable-session-crashed-bubble',
  '--disable-infobars',
  '--disable-translate',
  '--password-store=basic',
  '--incognito',
  '--disable-features=LocalNetworkAccessChecks',
];
/** a browser that dies on its own is started again after this long (ms) */
const RESPAWN_MS = 3000;

/**
 * Chromium in kiosk mode on the window page, as the session user: `runuser -u <user>` when the
 * agent runs as root, `sudo -n -u <user>` when it runs as its own user (the package's
 * /etc/sudoers.d/yunzhuo-agent allows exactly that for members of group yunzhuo-kiosk).
 * A crash is restarted; `state()` feeds the heartbeat.
 */
export class ChromiumKiosk implements KioskBrowser {
  #child: ChildProcess | null = null;
  #url: string | null = null;
  #state: KioskState = 'stopped';
  #respawn: NodeJS.Timeout | null = null;

  constructor(private readonly opts: { command: string; user?: string; display: string; log: Logger }) {}

  state(): KioskState {
    return this.#state;
  }

  async open(url: string): Promise<void> {
    if (this.#child && this.#url === url) return;
    await this.close();
    this.#start(url);
  }

  async restart(url: string): Promise<void> {
    await this.close();
    this.#start(url);
  }

  async close(): Promise<void> {
    if (this.#respawn) clearTimeout(this.#respawn);
    const child = this.#child;
    this.#child = null;
    this.#state = 'stopped';
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  #start(url: string): void {
    this.#url = url;
    this.#state = 'starting';
    const [file, ...args] = this.opts.user ? [...asUser(this.opts.user), this.opts.command, ...FLAGS, url] : [this.opts.command, ...FLAGS, url];
    const child = spawn(file!, args, { env: { ...process.env, DISPLAY: this.opts.display }, stdio: 'ignore' });
    this.#child = child;
    child.once('spawn', () => {
      if (this.#child === child) this.#state = 'running';
    });
    child.once('error', (err) => this.opts.log.error('kiosk browser failed to start', { error: err.message }));
    child.once('exit', (code, signal) => {
      if (this.#child !== child) return;
      this.#child = null;
      this.#state = 'crashed';
      this.opts.log.warn('kiosk browser exited; restarting', { code, signal });
      this.#respawn = setTimeout(() => this.#url && this.#start(this.#url), RESPAWN_MS);
    });
  }
}

/** the command prefix that runs a program as `user` (see the class comment) */
export function asUser(user: string, uid = process.getuid?.() ?? 0): string[] {
  return uid === 0 ? ['runuser', '-u', user, '--'] : ['sudo', '-n', '-u', user, '--'];
}
