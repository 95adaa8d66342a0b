import type { RawData, WebSocket } from 'ws';
import {
  DeviceFrameDecoder, bridgeControlSchema, encodeDeviceFrame, type DeviceClass,
} from '@yunzhuo/protocol/devices/index';
import { LoopbackServer } from '../connection/loopback-server.js';
import { healthOf, jsonOrNull, type DeviceDriver } from './device-driver.js';
import { DeviceRequests } from './device-requests.js';

/** Largest message the page may send us (a desktop request is small; guacd reassembles ≤ 1 MiB). */
const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * The window page's way to the devices: a WebSocket on 127.0.0.1 only, opened with the secret
 * the agent put in the kiosk URL's fragment (`#…&devices=<port>.<secret>`), which no page of
 * another origin can know. The page relays YZDEV bytes both ways; the agent decodes the
 * desktop's frames and answers through its drivers.
 */
export class DeviceBridgeServer extends LoopbackServer {
  constructor(private readonly drivers: readonly DeviceDriver[]) {
    super('devices', MAX_MESSAGE_BYTES);
  }

  /** Each device's state, for the heartbeat (the hall map shows it). */
  health(): ReturnType<typeof healthOf> {
    return healthOf(this.drivers);
  }

  protected serve(ws: WebSocket): void {
    const decoder = new DeviceFrameDecoder({ maxPayloadBytes: MAX_MESSAGE_BYTES });
    let requests: DeviceRequests | null = null; // until the page says which classes the session has
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
      if (!isBinary) {
        const control = bridgeControlSchema.safeParse(jsonOrNull(bytes.toString('utf8')));
        if (!control.success) return ws.close(1008, 'bad control message');
        requests = new DeviceRequests(this.drivers, control.data.classes as DeviceClass[]);
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
      for (const frame of frames) {
        void handler.answer(frame).then((answer) => {
          if (answer && ws.readyState === ws.OPEN) ws.send(encodeDeviceFrame(answer), { binary: true });
        });
      }
    });
  }
}
