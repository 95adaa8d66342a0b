import Guacamole from 'guacamole-common-js';
import type { WindowApi } from '../api/window-api';
import { MAX_PRINT_PDF_BYTES } from '@yunzhuo/protocol/paper/limits';
import { relayDeviceChannel, type DeviceChannelOptions } from '../devices/device-channel-relay';
import type { DriveOutputStream, WindowDrive } from '../paper/window-drive';
import { watchPrintJobs, type WindowPrinting } from '../paper/window-printing';
import { MAX_RECONNECT_ATTEMPTS, backoffMs } from './backoff';
import { markOnce } from './timing-marks';
import { troubleOfApiError, troubleOfStatus, type Trouble } from './trouble';

export type ConnectionPhase =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'live'; unstable: boolean }
  | { kind: 'waiting'; attempt: number; trouble: Trouble }
  | { kind: 'failed'; trouble: Trouble }
  | { kind: 'closed' };

export interface ScreenSize {
  width: number;
  height: number;
  dpi: number;
}

export interface ConnectionOptions {
  sessionId: string;
  token: string;
  /** ws(s)://host/tunnel */
  tunnelUrl: string;
  api: Pick<WindowApi, 'tunnelToken'>;
  screen(): ScreenSize;
  onPhase(phase: ConnectionPhase): void;
  /** a client's first frame is drawn: show this display (null: hide whatever is shown) */
  onDisplay(display: Guacamole.Display | null): void;
  /** text the desktop put on its clipboard (only wired when the pool allows it) */
  onClipboard?: ((text: string) => void) | undefined;
  /** the window devices' channel, when the pool enables devices and the agent runs a bridge */
  devices?: DeviceChannelOptions | undefined;
  /** print jobs from the desktop (guacd's RDP printer) go to the window's printer, never a download */
  printing?: WindowPrinting | undefined;
  /** scans into the desktop: the pool's drive 窗口材料, announced again by each new connection */
  drive?: WindowDrive | undefined;
}

const T = Guacamole.Tunnel.State;

/**
 * One desktop session on screen: a Guacamole.Client over the broker's `/tunnel`. When the
 * tunnel drops it fetches a fresh token for the SAME session and opens a new client, with
 * capped jittered backoff; the old picture stays under the overlay until the new one is drawn.
 * After MAX_RECONNECT_ATTEMPTS, or at once when the session is over or elsewhere, it fails
 * with a Trouble that says why.
 */
export class DesktopConnection {
  #client: Guacamole.Client | null = null;
  #tunnel: Guacamole.Tunnel | null = null;
  #generation = 0;
  #failures = 0;
  #closed = false;
  #retryTimer: number | null = null;
  /** the text the current guacd connection has for the desktop's clipboard (sent there, or copied there); a new connection has none */
  #clipboardText: string | null = null;
  #stopDevices: (() => void) | null = null;

  constructor(private readonly opts: ConnectionOptions) {}

  get sessionId(): string {
    return this.opts.sessionId;
  }

  /** the client that input goes to (null while none is connected) */
  get client(): Guacamole.Client | null {
    return this.#client;
  }

  start(): void {
    this.#open(this.opts.token, 0);
  }

  /** After a failure: the clerk asked to try again. */
  retryNow(): void {
    if (this.#closed) return;
    this.#failures = 0;
    void this.#reconnect();
  }

  /** We end it (disconnect, logoff, switch to idle): no reconnect, the picture goes. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#generation++;
    if (this.#retryTimer !== null) window.clearTimeout(this.#retryTimer);
    // Close the socket without Guacamole's `disconnect`: the broker keeps the desktop attached
    // for the clerk's return (or ends it, on logoff); then stop the client's timers.
    this.#stopDevices?.();
    this.#tunnel?.disconnect();
    this.#client?.disconnect();
    this.#client = null;
    this.#tunnel = null;
    this.opts.onDisplay(null);
    this.opts.onPhase({ kind: 'closed' });
  }

  sendSize(size: ScreenSize): void {
    this.#client?.sendSize(size.width, size.height);
  }

  /** Gives the desktop `text` unless this connection has it already. */
  sendClipboard(text: string): void {
    const client = this.#client;
    // a tunnel still opening would drop the text, yet it would count as sent
    if (!client || !this.#tunnel?.isConnected() || text === this.#clipboardText) return;
    this.#clipboardText = text;
    const writer = new Guacamole.StringWriter(client.createClipboardStream('text/plain'));
    writer.sendText(text);
    writer.sendEnd();
  }

  #open(token: string, attempt: number): void {
    const generation = ++this.#generation;
    const current = () => generation === this.#generation && !this.#closed;
    const tunnel = new Guacamole.WebSocketTunnel(this.opts.tunnelUrl);
    const client = new Guacamole.Client(tunnel);
    this.#client = client;
    this.#clipboardText = null;
    this.#tunnel = tunnel;
    let trouble: Trouble | null = null;
    let live = false;

    client.onerror = (status) => {
      trouble ??= troubleOfStatus(status.code, status.message ?? null);
    };
    tunnel.onerror = (status) => {
      trouble ??= troubleOfStatus(status.code, status.message ?? null);
    };
    tunnel.onstatechange = (state) => {
      if (!current()) return;
      if (state === T.OPEN) {
        markOnce('tunnelOpenAt', this.opts.sessionId);
        if (live) this.opts.onPhase({ kind: 'live', unstable: false });
      } else if (state === T.UNSTABLE && live) {
        this.opts.onPhase({ kind: 'live', unstable: true });
      } else if (state === T.CLOSED) {
        client.disconnect();
        this.#dropped(trouble ?? troubleOfStatus(Guacamole.Status.Code.UPSTREAM_NOT_FOUND, null));
      }
    };
    const goLive = (): void => {
      const display = client.getDisplay();
      if (live || !current() || display.getWidth() <= 0) return;
      live = true;
      this.#failures = 0;
      markOnce('firstFrameAt', this.opts.sessionId);
      this.opts.onDisplay(display);
      this.opts.onPhase({ kind: 'live', unstable: false });
    };
    client.onsync = () => {
      if (live || !current()) return;
      if (client.getDisplay().getWidth() > 0) return goLive();
      // onsync runs before the frame it ends is drawn (layer 0's size included). guacd 1.6 sends a
      // joining user the whole screen in one frame and then nothing while the desktop is idle, so
      // wait for that frame to be applied rather than for a next sync that may never come.
      client.getDisplay().flush(goLive);
    };
    if (this.opts.onClipboard) client.onclipboard = (stream, mimetype) => this.#readClipboard(stream, mimetype);
    this.#stopDevices?.();
    this.#stopDevices = this.opts.devices ? relayDeviceChannel(client, this.opts.devices) : null;
    if (this.opts.printing) watchPrintJobs(client, this.opts.printing, MAX_PRINT_PDF_BYTES);
    this.opts.drive?.attach({ createFileStream: (mimetype, name) => client.createFileStream(mimetype, name) as unknown as DriveOutputStream });

    this.opts.onPhase({ kind: 'connecting', attempt });
    const size = this.opts.screen();
    const data = new URLSearchParams({ token, width: String(size.width), height: String(size.height), dpi: String(size.dpi) });
    try {
      client.connect(data.toString());
    } catch (status) {
      const code = status instanceof Guacamole.Status ? status.code : Guacamole.Status.Code.UPSTREAM_NOT_FOUND;
      this.#dropped(troubleOfStatus(code, null));
    }
  }

  #dropped(trouble: Trouble): void {
    if (this.#closed) return;
    this.#generation++;
    this.#client = null;
    this.#tunnel = null;
    this.opts.drive?.attach(null);
    if (trouble.final) return this.#fail(trouble);
    this.#failures++;
    if (this.#failures > MAX_RECONNECT_ATTEMPTS) return this.#fail(trouble);
    this.opts.onPhase({ kind: 'waiting', attempt: this.#failures, trouble });
    this.#retryTimer = window.setTimeout(() => void this.#reconnect(), backoffMs(this.#failures));
  }

  async #reconnect(): Promise<void> {
    this.#retryTimer = null;
    if (this.#closed) return;
    let token: string;
    try {
      token = (await this.opts.api.tunnelToken(this.opts.sessionId)).token;
    } catch (error) {
      this.#dropped(troubleOfApiError(error));
      return;
    }
    if (!this.#closed) this.#open(token, this.#failures);
  }

  #fail(trouble: Trouble): void {
    // whatever went wrong, the last picture of this desktop does not stay on the screen
    this.opts.onDisplay(null);
    this.opts.onPhase({ kind: 'failed', trouble });
  }

  #readClipboard(stream: Guacamole.InputStream, mimetype: string): void {
    if (!/^text\//.test(mimetype)) return;
    const reader = new Guacamole.StringReader(stream);
    let text = '';
    reader.ontext = (chunk) => {
      text += chunk;
    };
    reader.onend = () => {
      // the desktop has it (perhaps richer than text): never offered back to it
      this.#clipboardText = text;
      this.opts.onClipboard?.(text);
    };
  }
}
