import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { GuacDecoder, instructionSpans, type InstructionBoundaryScanner } from '@yunzhuo/protocol';
import type { Clock, ClockTimer } from '../lib/clock.js';
import type { TunnelLimits } from './tunnel.limits.js';

export type DownstreamEnd =
  { kind: 'guacd-error'; status: number; message: string } | { kind: 'guacd-disconnect' } | { kind: 'guacd-closed' } | { kind: 'bad-data'; message: string };

/** Implemented by the owner as methods (no per-tunnel closures: see the note in tunnel.connection.ts). */
export interface DownstreamEvents {
  /** the first bytes went to the browser: from now on this gateway is the one */
  onCommitted(): void;
  /** a read was held back (the first frame has not come yet): `heldBytes` are held in all */
  onHeld?(heldBytes: number): void;
  /** a `sync` after layer 0's `size`: the desktop is on screen */
  onFirstFrame(): void;
  /** no first frame within firstFrameTimeoutMs and nothing sent yet: try another gateway */
  onFirstFrameTimeout(): void;
  /** a `sync` before any layer-0 `size`: the signature of guacd 1.3's lost-size race (see real-desktop-stack.md) */
  onSyncBeforeLayer0?(): void;
  /** guacd closed the connection or sent garbage */
  onEnded(end: DownstreamEnd): void;
  /** the browser kept guacd paused longer than stallTimeoutMs, or its backlog passed the hard cap */
  onStalled(detail: string): void;
}

const TEXT_FRAME = { binary: false } as const;
const LAYER0_SIZE = Buffer.from('4.size,1.0,');

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
  /** the last whole instructions sent: guacd's error/disconnect, if any, are in here when it closes */
  #last: Buffer | null = null;
  readonly #onSent: () => void;
  bytesSent = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Socket,
    private readonly scanner: InstructionBoundaryScanner,
    private readonly deps: { clock: Clock; limits: TunnelLimits },
    private readonly events: DownstreamEvents,
  ) {
    // One callback for every frame, not one closure per send.
    this.#onSent = () => this.#sent();
  }

  get paused(): boolean {
    return this.#paused;
  }

  get committed(): boolean {
    return this.#committed;
  }

  start(leftover: Buffer | null): void {
    this.#firstFrameTimer = this.deps.clock.setTimeout(() => this.#firstFrameTimedOut(), this.deps.limits.firstFrameTimeoutMs);
    // Listeners stay after stop(); they check #stopped (the socket is closed by then anyway).
    this.socket.on('data', (chunk: Buffer) => this.#data(chunk));
    this.socket.on('close', () => this.#end(this.lastWords() ?? { kind: 'guacd-closed' }));
    this.socket.on('error', () => {}); // 'close' follows
    if (leftover) this.#forward(leftover);
    if (!this.#stopped && !this.#paused) this.socket.resume();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#clearTimers();
    this.#held = [];
  }

  /** guacd's error or disconnect among the last instructions sent, if any. */
  lastWords(): DownstreamEnd | null {
    if (this.#last === null) return null;
    let end: DownstreamEnd | null = null;
    for (const span of instructionSpans(this.#last)) {
      if (span.opcode === 'error') {
        const [instruction] = new GuacDecoder().push(this.#last.subarray(span.start, span.end));
        const [message = '', status = ''] = instruction?.args ?? [];
        return { kind: 'guacd-error', status: Number(status) || 0, message };
      }
      if (span.opcode === 'disconnect') end = { kind: 'guacd-disconnect' };
    }
    return end;
  }

  #data(chunk: Buffer): void {
    if (this.#stopped) return;
    let slice: Buffer | null;
    try {
      slice = this.scanner.push(chunk);
    } catch (error) {
      this.#end({ kind: 'bad-data', message: error instanceof Error ? error.message : String(error) });
      return;
    }
    if (slice !== null) this.#forward(slice);
  }

  #forward(slice: Buffer): void {
    if (!this.#active) this.#inspect(slice);
    if (this.#stopped) return; // the attempt was given up on what #inspect saw
    if (this.#committed) {
      this.#send(slice);
      return;
    }
    this.#held.push(slice);
    this.#heldBytes += slice.length;
    if (this.#active || this.#heldBytes > this.deps.limits.heldBytesCap) this.#commit();
    else this.events.onHeld?.(this.#heldBytes);
  }

  /** Until the first frame, every opcode is looked at (little data passes here). */
  #inspect(slice: Buffer): void {
    for (const span of instructionSpans(slice)) {
      if (span.opcode === 'size' && slice.subarray(span.start, span.start + LAYER0_SIZE.length).equals(LAYER0_SIZE)) {
        this.#sawLayer0 = true;
      } else if (span.opcode === 'sync' && this.#sawLayer0) {
        this.#active = true;
        this.events.onFirstFrame();
        return;
      } else if (span.opcode === 'sync' && !this.#committed) {
        this.events.onSyncBeforeLayer0?.();
        if (this.#stopped) return;
      } else if (span.opcode === 'error' || span.opcode === 'disconnect') {
        // The desktop refused us (security, certificate …): another gateway would fare no better,
        // so the browser gets guacd's own words now.
        this.#commit();
        return;
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
    this.events.onCommitted();
    if (held.length > 0 && !this.#stopped) this.#send(held);
  }

  #send(data: Buffer): void {
    this.bytesSent += data.length;
    this.#last = data;
    this.ws.send(data, TEXT_FRAME, this.#onSent);
    const backlog = this.ws.bufferedAmount;
    if (backlog > this.deps.limits.hardCapBytes) {
      this.events.onStalled(`browser backlog ${backlog} bytes`);
    } else if (!this.#paused && backlog > this.deps.limits.highWaterBytes) {
      this.#paused = true;
      this.socket.pause();
      this.#stallTimer = this.deps.clock.setTimeout(() => this.#stallTimedOut(), this.deps.limits.stallTimeoutMs);
    }
  }

  /** Runs as each frame leaves for the kernel; resumes guacd once the backlog is down to low water. */
  #sent(): void {
    if (!this.#paused || this.#stopped || this.ws.bufferedAmount > this.deps.limits.lowWaterBytes) return;
    this.#paused = false;
    this.#clearStallTimer();
    this.socket.resume();
  }

  #stallTimedOut(): void {
    this.#stallTimer = null;
    if (this.#paused && !this.#stopped) this.events.onStalled(`browser read nothing for ${this.deps.limits.stallTimeoutMs} ms`);
  }

  #firstFrameTimedOut(): void {
    this.#firstFrameTimer = null;
    if (!this.#committed && !this.#stopped) this.events.onFirstFrameTimeout();
  }

  #end(end: DownstreamEnd): void {
    if (this.#stopped) return;
    this.stop();
    this.events.onEnded(end);
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
