import type { WebSocket } from 'ws';
import { MuxSession, type BrokerToConnector, type ConnectorToBroker, type MuxOpen, type MuxStream } from '@yunzhuo/protocol/connector/index';

type Stats = Extract<ConnectorToBroker, { type: 'stats' }>;

/** a close reason is at most 123 bytes of UTF-8 */
function closeReason(text: string): string {
  let out = text;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
}

/**
 * One connector's WebSocket to this broker process: control messages as text, the stream
 * multiplexer (this side opens) as binary. `alive` is cleared by each liveness round and set
 * by any pong or message.
 */
export class ConnectorLink {
  readonly mux: MuxSession;
  alive = true;
  /**
   * The welcome (with the broker's target list) has been sent: only then may streams be opened.
   * The connector checks each stream's target against that list, so a stream opened before it
   * would be refused and reset.
   */
  welcomed = false;
  lastStats: (Stats & { at: number }) | null = null;

  constructor(
    readonly connectorId: string,
    readonly siteId: string,
    readonly ws: WebSocket,
    readonly connectedAt: number,
    mux: { windowBytes?: number; maxStreams?: number } = {},
  ) {
    this.mux = new MuxSession({ role: 'opener', write: (bytes) => ws.send(bytes, { binary: true }), ...mux });
  }

  send(message: BrokerToConnector): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(message));
  }

  /** A stream to `open.host:open.port` on the town network; null at the stream cap. */
  openStream(open: MuxOpen): MuxStream | null {
    return this.ws.readyState === this.ws.OPEN ? this.mux.open(open) : null;
  }

  close(code: number, reason: string): void {
    this.ws.close(code, closeReason(reason));
    // a peer that does not answer the close handshake is cut after a second
    setTimeout(() => this.ws.terminate(), 1000).unref();
  }
}
