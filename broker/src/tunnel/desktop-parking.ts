import type { Socket } from 'node:net';
import { GuacDecoder, encodeInstruction, instructionSpans, type InstructionBoundaryScanner } from '@yunzhuo/protocol';
import type { Clock, ClockTimer } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { releaseGuacd } from './tunnel-teardown.js';

/** What a tunnel hands over when its browser leaves a session that goes on. */
export interface ParkableGuacd {
  socket: Socket;
  /** the scanner that has read this socket so far (it may hold half an instruction) */
  scanner: InstructionBoundaryScanner;
  connectionId: string;
  gatewayId: string;
}

export interface ParkingOptions {
  clock: Clock;
  logger: Logger;
  /** a parked connection is let go after this long at the latest, ms (the engine's grace timer ends sessions first) */
  maxParkMs: number;
  guacdCloseGraceMs: number;
}

/** 30 min: longer than the default grace (15 min) of a pool, so the engine normally decides. */
export const DEFAULT_MAX_PARK_MS = 30 * 60_000;

/** One parked guacd user: answers guacd's `sync`s (else guacd throttles and drops it) and discards the rest. */
class ParkedGuacd {
  readonly #onData: (chunk: Buffer) => void;
  readonly #timer: ClockTimer;

  constructor(
    readonly sessionId: string,
    readonly guacd: ParkableGuacd,
    private readonly lot: DesktopParking,
    maxParkMs: number,
    private readonly clock: Clock,
  ) {
    this.#onData = (chunk) => this.#data(chunk);
    this.#timer = clock.setTimeout(() => lot.release(sessionId, 'parked too long'), maxParkMs);
    this.#timer.unref?.();
    guacd.socket.on('data', this.#onData);
    guacd.socket.once('close', () => lot.forget(this));
    guacd.socket.resume();
  }

  /** Stops answering; the socket is the caller's now. */
  detach(): Socket {
    this.clock.clearTimeout(this.#timer);
    this.guacd.socket.off('data', this.#onData);
    return this.guacd.socket;
  }

  #data(chunk: Buffer): void {
    let slice: Buffer | null;
    try {
      slice = this.guacd.scanner.push(chunk);
    } catch {
      this.lot.release(this.sessionId, 'guacd sent bad data while parked');
      return;
    }
    if (slice === null) return;
    for (const span of instructionSpans(slice)) {
      if (span.opcode !== 'sync') continue;
      const [instruction] = new GuacDecoder().push(slice.subarray(span.start, span.end));
      const timestamp = instruction?.args[0];
      if (timestamp !== undefined) this.guacd.socket.write(encodeInstruction('sync', timestamp));
    }
  }
}

/**
 * guacd ends an RDP connection when its last user leaves, and a new RDP login costs over a
 * second (TLS, xrdp, the first full screen). So when a browser leaves a session that goes on
 * (a network blip, 断开, a takeover at another window), the relay keeps its guacd user attached
 * here; the returning browser joins the live connection (`select,$id`) and gets the current
 * screen in one round trip. The engine ends the parking when the session ends.
 */
export class DesktopParking {
  readonly #bySession = new Map<string, ParkedGuacd>();
  readonly #log: Logger;

  constructor(private readonly options: ParkingOptions) {
    this.#log = options.logger.child({ component: 'parking' });
  }

  get size(): number {
    return this.#bySession.size;
  }

  sessionIds(): string[] {
    return [...this.#bySession.keys()];
  }

  /** Keeps `guacd` attached for `sessionId` (an older parked one is let go). */
  park(sessionId: string, guacd: ParkableGuacd): void {
    if (guacd.socket.destroyed) return;
    this.release(sessionId, 'replaced');
    this.#bySession.set(sessionId, new ParkedGuacd(sessionId, guacd, this, this.options.maxParkMs, this.options.clock));
    this.#log.info({ session: sessionId, connection: guacd.connectionId }, 'desktop parked');
  }

  /** The live connection a returning browser can join, if this session has one parked. */
  joinable(sessionId: string): { connectionId: string; gatewayId: string } | null {
    const parked = this.#bySession.get(sessionId);
    return parked ? { connectionId: parked.guacd.connectionId, gatewayId: parked.guacd.gatewayId } : null;
  }

  /**
   * The parked user leaves guacd (the browser has joined, or the session ended). With
   * `connectionId`, only if that connection is still the one parked (a tunnel that joined it
   * must not release what another tunnel parked since).
   */
  release(sessionId: string, why: string, connectionId?: string): void {
    const parked = this.#bySession.get(sessionId);
    if (!parked || (connectionId !== undefined && parked.guacd.connectionId !== connectionId)) return;
    this.#bySession.delete(sessionId);
    this.#log.info({ session: sessionId, why }, 'parked desktop released');
    releaseGuacd(parked.detach(), this.options.clock, this.options.guacdCloseGraceMs);
  }

  /** guacd closed a parked connection by itself. */
  forget(parked: ParkedGuacd): void {
    if (this.#bySession.get(parked.sessionId) !== parked) return;
    this.#bySession.delete(parked.sessionId);
    parked.detach();
  }

  close(): void {
    for (const sessionId of [...this.#bySession.keys()]) this.release(sessionId, 'broker-shutdown');
  }
}
