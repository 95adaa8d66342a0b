import WebSocket from 'ws';
import { MemoryChannel } from './device-channel-fakes.js';
import type { BridgeControl, DeviceClass } from '../../protocol/src/devices/index.js';

/**
 * The window page's relay without a browser: the companion's channel (a MemoryChannel) wired
 * to the agent's device bridge, bytes passed through as they are, as the page does with
 * guacd's blobs.
 */
export async function channelThroughBridge(
  bridgeUrl: string,
  classes: DeviceClass[],
  /** the rest of the page's session message (the window printer's `printing` and `printer`) */
  session: Partial<Extract<BridgeControl, { type: 'session' }>> = {},
): Promise<{ channel: MemoryChannel; ws: WebSocket }> {
  const channel = new MemoryChannel();
  const ws = new WebSocket(bridgeUrl);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ ...session, type: 'session', classes }));
  channel.onWindowBytes = (bytes) => ws.send(bytes, { binary: true });
  // text messages are the agent's word to the page (a print's outcome), never channel bytes
  ws.on('message', (data: Buffer, isBinary: boolean) => isBinary && channel.toDesk(Buffer.from(data)));
  return { channel, ws };
}
