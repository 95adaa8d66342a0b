import { MuxFrameDecoder } from './frame-decoder.js';
import { DEFAULT_MAX_MUX_PAYLOAD_BYTES, encodeMuxFrame, MAX_STREAM_ID, type MuxFrame } from './frame.js';
import { MuxStream, type MuxStreamLink } from './mux-stream.js';

export interface MuxOptions {
  /** `opener` (the broker) numbers streams and sends OPEN; the `acceptor` (the connector) answers them */
  role: 'opener' | 'acceptor';
  /** writes one encoded frame to the link (a binary WebSocket message) */
  write(bytes: Buffer): void;
  /** bytes of credit per stream and direction (the most one stream may have in flight) */
  windowBytes?: number;
  /** streams open at once; an OPEN beyond it is answered CLOSE STREAM_LIMIT */
  maxStreams?: number;
  maxPayloadBytes?: number;
  /** acceptor: a new stream the peer opened, with its OPEN body (unchecked: validate it) */
  onStream?(stream: MuxStream, body: unknown): void;
}

/** 256 KiB: 20 Mbit/s × 100 ms is 250 kB, so one stream fills a town's uplink at WAN round trips */
export const DEFAULT_MUX_WINDOW_BYTES = 256 * 1024;
export const DEFAULT_MAX_MUX_STREAMS = 512;

/**
 * The multiplexer over one link: decodes incoming bytes, routes frames to their stream, opens
 * and accepts streams within the cap. A framing error throws from `receive` (MuxFrameError):
 * the caller closes the link, and `lost()` ends every stream.
 */
export class MuxSession {
  readonly windowBytes: number;
  readonly maxStreams: number;
  readonly maxPayloadBytes: number;
  readonly #streams = new Map<number, MuxStream>();
  readonly #decoder: MuxFrameDecoder;
  readonly #link: MuxStreamLink;
  #nextId = 1;
  #bytesOut = 0;
  #bytesIn = 0;

  constructor(private readonly options: MuxOptions) {
    this.windowBytes = options.windowBytes ?? DEFAULT_MUX_WINDOW_BYTES;
    this.maxStreams = options.maxStreams ?? DEFAULT_MAX_MUX_STREAMS;
    this.maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_MUX_PAYLOAD_BYTES;
    this.#decoder = new MuxFrameDecoder({ maxPayloadBytes: this.maxPayloadBytes });
    this.#link = {
      send: (frame) => options.write(encodeMuxFrame(frame, this.maxPayloadBytes)),
      windowBytes: this.windowBytes,
      maxPayloadBytes: this.maxPayloadBytes,
      count: (direction, bytes) => {
        if (direction === 'out') this.#bytesOut += bytes;
        else this.#bytesIn += bytes;
      },
    };
  }

  get size(): number {
    return this.#streams.size;
  }

  /** DATA bytes sent and received over all streams since the link opened */
  get bytes(): { out: number; in: number } {
    return { out: this.#bytesOut, in: this.#bytesIn };
  }

  /** Opens a stream (opener only); `null` when the cap is reached. */
  open(body: unknown): MuxStream | null {
    if (this.options.role !== 'opener') throw new Error('only the opener opens streams');
    if (this.#streams.size >= this.maxStreams) return null;
    const id = this.#nextId;
    this.#nextId = id >= MAX_STREAM_ID ? 1 : id + 1;
    const stream = this.#add(id);
    this.#link.send({ type: 'open', streamId: id, body });
    return stream;
  }

  /** Feeds bytes from the link. Throws MuxFrameError on broken framing. */
  receive(chunk: Uint8Array): void {
    for (const frame of this.#decoder.push(chunk)) this.#route(frame);
  }

  /** The link is gone: every stream ends with LINK_LOST. */
  lost(): void {
    for (const stream of [...this.#streams.values()]) stream.lost();
    this.#streams.clear();
  }

  #route(frame: MuxFrame): void {
    const stream = this.#streams.get(frame.streamId);
    if (frame.type !== 'open') return stream?.receive(frame); // frames for a stream already gone are dropped
    const refuse = (code: string) => this.#link.send({ type: 'close', streamId: frame.streamId, body: { code } });
    if (this.options.role !== 'acceptor' || stream) return refuse('BAD_OPEN');
    if (this.#streams.size >= this.maxStreams) return refuse('STREAM_LIMIT');
    const accepted = this.#add(frame.streamId);
    if (this.options.onStream) this.options.onStream(accepted, frame.body);
    else accepted.reset('BAD_OPEN', 'this side accepts no streams');
  }

  #add(id: number): MuxStream {
    const stream = new MuxStream(id, this.#link);
    this.#streams.set(id, stream);
    stream.once('close', () => {
      if (this.#streams.get(id) === stream) this.#streams.delete(id);
    });
    stream.on('error', () => undefined); // the owner listens too; an unheard reset must not crash the process
    return stream;
  }
}
