import type { RawData, WebSocket } from 'ws';
import {
  DeviceFrameDecoder,
  bridgeControlSchema,
  encodeDeviceFrame,
  type BridgeControl,
  type DeviceClass,
  type DeviceFrame,
} from '@yunzhuo/protocol/devices/index';
import { MAX_PRINT_PDF_BYTES } from '@yunzhuo/protocol/paper/print-job';
import { ChannelPrintJobs } from '../paper/channel-print.js';
import { WindowScans } from '../paper/window-scans.js';
import { printForPage, type WindowPrinterPort } from '../paper/window-print.js';
import { LoopbackServer } from '../connection/loopback-server.js';
import { healthOf, jsonOrNull, type DeviceDriver } from './device-driver.js';
import { DeviceRequests } from './device-requests.js';

/** Largest message the page may send us: a print job's PDF in base64 (a desktop request is small; guacd reassembles ≤ 1 MiB). */
const MAX_MESSAGE_BYTES = Math.ceil(MAX_PRINT_PDF_BYTES / 3) * 4 + 64 * 1024;
const MAX_FRAME_BYTES = 1024 * 1024;
/** The camera's live preview for the window page: one JPEG per binary message. */
export const PREVIEW_PATH = '/preview';
/** Frames are skipped while this much is still unsent (a slow page gets fewer, never older, frames). */
const PREVIEW_BACKLOG_BYTES = 512 * 1024;

/**
 * The window page's way to the devices: a WebSocket on 127.0.0.1 only, opened with the secret
 * the agent put in the kiosk URL's fragment (`#…&devices=<port>.<secret>`), which no page of
 * another origin can know. The page relays YZDEV bytes both ways; the agent decodes the
 * desktop's frames and answers through its drivers. On `/preview` the same secret opens the
 * document camera's live picture for the page's side panel.
 */
export class DeviceBridgeServer extends LoopbackServer {
  /** `printer`: the window's printer; without it a print is answered PRINTER_NOT_CONFIGURED */
  readonly #scans: WindowScans;

  /** `scannerDir`: the thin client's scanner folder, whose newest file the page may send into the desktop's drive */
  constructor(
    private readonly drivers: readonly DeviceDriver[],
    private readonly printer: WindowPrinterPort | null = null,
    scannerDir: string | null = null,
  ) {
    super('devices', MAX_MESSAGE_BYTES);
    this.#scans = new WindowScans(drivers.find((driver) => driver.deviceClass === 'camera') ?? null, scannerDir);
  }

  /** Each device's state, for the heartbeat (the hall map shows it). */
  health(): ReturnType<typeof healthOf> {
    return healthOf(this.drivers);
  }

  async #print(ws: WebSocket, message: Extract<BridgeControl, { type: 'print' }>): Promise<void> {
    const result = this.printer
      ? await printForPage(this.printer, message)
      : {
          type: 'print.result' as const,
          id: message.id,
          ok: false as const,
          code: 'PRINTER_NOT_CONFIGURED' as const,
          reason: '终端未启用打印',
          pages: null,
          bytes: 0,
        };
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(result));
  }

  /** The document camera's picture, live, straight to the page's side panel: never into the channel. */
  #preview(ws: WebSocket): void {
    const camera = this.drivers.find((driver) => driver.preview !== undefined);
    if (!camera?.preview) return ws.close(1008, 'no camera');
    const stop = camera.preview((jpeg) => {
      if (ws.readyState === ws.OPEN && ws.bufferedAmount < PREVIEW_BACKLOG_BYTES) ws.send(jpeg, { binary: true });
    });
    ws.on('close', stop);
    ws.on('message', () => ws.close(1008, 'the preview takes no messages'));
  }

  protected serve(ws: WebSocket, path: string): void {
    if (path === PREVIEW_PATH) return this.#preview(ws);
    const decoder = new DeviceFrameDecoder({ maxPayloadBytes: MAX_FRAME_BYTES });
    let requests: DeviceRequests | null = null; // until the page says which classes the session has
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
      if (!isBinary) {
        const control = bridgeControlSchema.safeParse(jsonOrNull(bytes.toString('utf8')));
        if (!control.success) return ws.close(1008, 'bad control message');
        if (control.data.type === 'print') return void this.#print(ws, control.data);
        if (control.data.type === 'scan') {
          return void this.#scans.take(control.data).then((result) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(result)));
        }
        const { classes, printing, printer } = control.data;
        const paper = printing
          ? new ChannelPrintJobs({
              port: this.printer,
              printer: printer ?? null,
              onResult: (result) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(result)),
            })
          : null;
        requests = new DeviceRequests(this.drivers, classes as DeviceClass[], paper);
        return;
      }
      if (!requests) return ws.close(1008, 'session message first');
      let frames;
      try {
        frames = decoder.push(bytes);
      } catch {
        return ws.close(1008, 'not device frames');
      }
      const handler = requests;
      const send = (frame: DeviceFrame) => {
        if (ws.readyState === ws.OPEN) ws.send(encodeDeviceFrame(frame), { binary: true });
      };
      for (const frame of frames) {
        const ack = handler.acknowledge(frame);
        if (ack) send(ack);
        void handler.answer(frame).then((answer) => {
          if (answer) send(answer);
        });
      }
    });
  }
}
