import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { GuacDecoder, instructionSpans, type InstructionBoundaryScanner } from '@yunzhuo/protocol';
import type { Clock, ClockTimer } from '../lib/clock.js';
import type { TunnelLimits } from './tunnel.limits.js';

export type DownstreamEnd =
  | { kind: 'guacd-error'; status: number; message: string }
  | { kind: 'guacd-disconnect' }
  | { kind: 'guacd-closed' }
  | { kind: 'bad-data'; message: string };

export interface DownstreamEvents {
  /** the first bytes went to the browser: from now on this gateway is the one */
  committed(): void;
  /** a `sync` after layer 0's `size`: the desktop is on screen */
  firstFrame(): void;
  /** no first frame within firstFrameTimeoutMs and nothing sent yet: try another gateway */
  firstFrameTimeout(): void;
  /** guacd ended the connection (after its error/disconnect went to the browser) */
  ended(end: DownstreamEnd): void;
  /** the browser kept guacd paused longer than stallTimeoutMs, or its backlog passed the hard cap */
  stalled(detail: string): void;
}

const TEXT_FRAME = { binary: false } as const;
const LAYER0_SIZE = Buffer.from('4.size,1.0,');
const ERROR_AFTER = Buffer.from(';5.error,');
const DISCONNECT_AFTER = Buffer.from(';10.disconnect;');
const ERROR_FIRST = Buffer.from('5.error,');
const DISCONNECT_FIRST = Buffer.from('10.disconnect;');

/**
 * guacd → browser. Cuts the byte stream at instruction boundaries and sends each read's whole
 * instructions as ONE text frame, a view of the received Buffer (no copy, no re-encoding).
 * Until the first frame the bytes are held back, so a failed attempt leaves the browser clean.
 * Backpressure: guacd's socket is paused while the browser's backlog is above high water.
 */
export class DownstreamPump {
  #held: Buffer[] = [];
  #heldBytes = 0;
  #committed = false;
  #sawLayer0 = false;
  #active = false;
  #paused = false;
  #stopped = false;
  #firstFrameTimer: ClockTimer | null = null;
  #stallTimer: ClockTimer | null = null;
  /** guacd's error/disconnect seen in the slice being sent; acted on once it is sent */
  #pendingEnd: DownstreamEnd | null = null;
  bytesSent = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Socket,
    private readonly scanner: InstructionBoundaryScanner,
    private readonly deps: { clock: Clock; limits: TunnelLimits },
    private readonly events: DownstreamEvents,
  ) {}

  get paused(): boolean {
    return this.#paused;
  }

  get committed(): boolean {
    return this.#committed;
  }

  start(leftover: Buffer | null): void {
    this.#firstFrameTimer = this.deps.clock.setTimeout(this.#onFirstFrameTimeout, this.deps.limits.firstFrameTimeoutMs);
    this.socket.on('data', this.#onData).on('close', this.#onClose).on('error', () => {});
    if (leftover) this.#forward(leftover);
    if (!this.#stopped && !this.#paused) this.socket.resume();
  }

  /** Detaches from both sockets' events; the caller owns closing them. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#clearTimers();
    this.socket.off('data', this.#onData).off('close', this.#onClose);
    this.#held = [];
  }

  #onData = (chunk: Buffer): void => {
    let slice: Buffer | null;
    try {
      slice = this.scanner.push(chunk);
    } catch (error) {
      this.#end({ kind: 'bad-data', message: error instanceof Error ? error.message : String(error) });
      return;
    }
    if (slice !== null) this.#forward(slice);
  };

  #onClose = (): void => this.#end({ kind: 'guacd-closed' });

  #forward(slice: Buffer): void {
    if (!this.#active) this.#inspect(slice);
    else if (this.#mayEnd(slice)) this.#checkEnd(slice);
    if (this.#stopped) return;
    if (this.#committed) {
      this.#send(slice);
      return;
    }
    this.#held.push(slice);
    this.#heldBytes += slice.length;
    if (this.#active || this.#heldBytes > this.deps.limits.heldBytesCap) this.#commit();
  }

  /** Before the first frame: look at every opcode (little data passes here). */
  #inspect(slice: Buffer): void {
    for (const span of instructionSpans(slice)) {
      if (span.opcode === 'size' && slice.subarray(span.start, span.start + LAYER0_SIZE.length).equals(LAYER0_SIZE)) {
        this.#sawLayer0 = true;
      } else if (span.opcode === 'sync' && this.#sawLayer0 && !this.#active) {
        this.#active = true;
        this.events.firstFrame();
      } else if (span.opcode === 'error' || span.opcode === 'disconnect') {
        // The desktop refused us (wrong security, certificate …): another gateway would fare no
        // better, so the browser gets guacd's own words at once.
        this.#commit();
        this.#checkEnd(slice);
        return;
      }
    }
  }

  /** Cheap pre-check for guacd's last words: memchr-speed searches, no parsing. */
  #mayEnd(slice: Buffer): boolean {
    return slice.indexOf(ERROR_AFTER) !== -1 || slice.indexOf(DISCONNECT_AFTER) !== -1
      || slice.subarray(0, ERROR_FIRST.length).equals(ERROR_FIRST)
      || slice.subarray(0, DISCONNECT_FIRST.length).equals(DISCONNECT_FIRST);
  }

  #checkEnd(slice: Buffer): void {
    for (const span of instructionSpans(slice)) {
      if (span.opcode === 'error') {
        const [instruction] = new GuacDecoder().push(slice.subarray(span.start, span.end));
        const [message = '', status = ''] = instruction?.args ?? [];
        this.#pendingEnd ??= { kind: 'guacd-error', status: Number(status) || 0, message };
      } else if (span.opcode === 'disconnect') {
        this.#pendingEnd ??= { kind: 'guacd-disconnect' };
      }
    }
  }

  #commit(): void {
    if (this.#committed) return;
    this.#committed = true;
    this.#clearFirstFrameTimer();
    const held = this.#held.length === 1 ? this.#held[0]! : Buffer.concat(this.#held, this.#heldBytes);
    this.#held = [];
    this.#heldBytes = 0;
    this.events.committed();
    if (held.length > 0 && !this.#stopped) this.#send(held);
  }

  #send(data: Buffer): void {
    this.bytesSent += data.length;
    this.ws.send(data, TEXT_FRAME, this.#onSent);
    const backlog = this.ws.bufferedAmount;
    if (backlog > this.deps.limits.hardCapBytes) {
      this.events.stalled(`browser backlog ${backlog} bytes`);
    } else if (!this.#paused && backlog > this.deps.limits.highWaterBytes) {
      this.#paused = true;
      this.socket.pause();
      this.#stallTimer = this.deps.clock.setTimeout(this.#onStall, this.deps.limits.stallTimeoutMs);
    }
    if (this.#pendingEnd) {
      const end = this.#pendingEnd;
      this.#pendingEnd = null;
      this.#end(end);
    }
  }

  /** Runs as each frame leaves for the kernel; resumes guacd once the backlog is down to low water. */
  #onSent = (): void => {
    if (!this.#paused || this.#stopped || this.ws.bufferedAmount > this.deps.limits.lowWaterBytes) return;
    this.#paused = false;
    this.#clearStallTimer();
    this.socket.resume();
  };

  #onStall = (): void => {
    this.#stallTimer = null;
    if (this.#paused && !this.#stopped) this.events.stalled(`browser read nothing for ${this.deps.limits.stallTimeoutMs} ms`);
  };

  #onFirstFrameTimeout = (): void => {
    this.#firstFrameTimer = null;
    if (!this.#committed && !this.#stopped) this.events.firstFrameTimeout();
  };

  #end(end: DownstreamEnd): void {
    if (this.#stopped) return;
    if (!this.#committed && end.kind !== 'guacd-closed' && end.kind !== 'bad-data') this.#commit();
    this.stop();
    this.events.ended(end);
  }

  #clearFirstFrameTimer(): void {
    if (this.#firstFrameTimer) this.deps.clock.clearTimeout(this.#firstFrameTimer);
    this.#firstFrameTimer = null;
  }

  #clearStallTimer(): void {
    if (this.#stallTimer) this.deps.clock.clearTimeout(this.#stallTimer);
    this.#stallTimer = null;
  }

  #clearTimers(): void {
    this.#clearFirstFrameTimer();
    this.#clearStallTimer();
  }
}
