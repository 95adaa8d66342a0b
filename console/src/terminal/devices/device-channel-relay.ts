import Guacamole from 'guacamole-common-js';
import { DEVICE_BLOB_BYTES, DEVICE_CHANNEL_NAME } from '@yunzhuo/protocol/devices/frame';
import type { DeviceClass } from '@yunzhuo/protocol/devices/messages';
import type { WindowPrinter } from '@yunzhuo/protocol/paper/printer';
import type { DeviceBridgeAddress } from './device-bridge-address';

export interface DeviceChannelOptions {
  bridge: DeviceBridgeAddress;
  /** the classes the session's pool enables; the agent refuses the others */
  classes: readonly DeviceClass[];
  /** the pool lets the desktop print over the channel, on this printer (docs/PAPER.md) */
  printing?: { printer: WindowPrinter | null; onResult(text: string): void } | undefined;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(data: string): Uint8Array {
  const binary = atob(data);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * Relays the YZDEV channel between guacd and the agent's device bridge, bytes as they are: the
 * page neither reads nor keeps what passes (a card, a photo). Our own pipe to the desktop is
 * opened only once guacd's arrived (before that guacd refuses it), and anew for every
 * connection; what the agent sends goes out in blobs of at most 6 KB (guacd 1.3's limit).
 * Returns the function that stops it.
 */
export function relayDeviceChannel(client: Guacamole.Client, options: DeviceChannelOptions): () => void {
  let socket: WebSocket | null = null;
  const stop = () => {
    socket?.close();
    socket = null;
  };
  client.onpipe = (input, _mimetype, name) => {
    if (name.toUpperCase() !== DEVICE_CHANNEL_NAME) return;
    stop();
    const ws = new WebSocket(options.bridge.url);
    ws.binaryType = 'arraybuffer';
    socket = ws;
    const output = client.createPipeStream('application/octet-stream', DEVICE_CHANNEL_NAME);
    const early: Uint8Array[] = []; // what the desktop wrote before the agent's socket opened
    ws.onopen = () => {
      const { printing } = options;
      ws.send(JSON.stringify({ type: 'session', classes: options.classes, ...(printing ? { printing: true, printer: printing.printer } : {}) }));
      for (const bytes of early.splice(0)) ws.send(bytes);
    };
    ws.onmessage = (event: MessageEvent) => {
      // text: the outcome of a print the desktop sent over the channel (the agent printed it)
      if (typeof event.data === 'string') return options.printing?.onResult(event.data);
      if (!(event.data instanceof ArrayBuffer)) return;
      const bytes = new Uint8Array(event.data);
      for (let at = 0; at < bytes.length; at += DEVICE_BLOB_BYTES) output.sendBlob(toBase64(bytes.subarray(at, at + DEVICE_BLOB_BYTES)));
    };
    input.onblob = (data) => {
      const bytes = fromBase64(data);
      if (ws.readyState === WebSocket.OPEN) ws.send(bytes);
      else if (ws.readyState === WebSocket.CONNECTING) early.push(bytes);
      input.sendAck('OK', Guacamole.Status.Code.SUCCESS);
    };
    input.onend = () => {
      if (socket === ws) stop();
    };
  };
  return stop;
}
