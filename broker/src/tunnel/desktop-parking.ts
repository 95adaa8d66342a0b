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
  /** a parked user sends guacd a `nop` this often, ms (guacd 1.6 drops a user silent for 15 s) */
  keepaliveMs?: number;
}

/** 30 min: longer than the default grace (15 min) of a pool, so the engine normally decides. */
export const DEFAULT_MAX_PARK_MS = 30 * 60_000;
/** A third of guacd's 15 s user timeout: two keepalives may be late before guacd gives up. */
export const DEFAULT_PARK_KEEPALIVE_MS = 5_000;
const NOP = encodeInstruction('nop');

/**
 * One parked guacd user: answers guacd's `sync`s (else guacd throttles and drops it), sends a
 * `nop` every keepalive period (an idle screen sends no syncs to answer, and guacd 1.6 drops a
 * user that sent nothing for 15 s: "User is not responding"), and discards the rest.
 */
class ParkedGuacd {
  readonly #onData: (chunk: Buffer) => void;
  readonly #timer: ClockTimer;
  #keepalive: ClockTimer | null = null;

  constructor(
    readonly sessionId: string,
    readonly guacd: ParkableGuacd,
    private readonly lot: DesktopParking,
    options: ParkingOptions,
  ) {
    this.#onData = (chunk) => this.#data(chunk);
    this.#timer = options.clock.setTimeout(() => lot.release(sessionId, 'parked too long'), options.maxParkMs);
    this.#timer.unref?.();
    guacd.socket.on('data', this.#onData);
    guacd.socket.once('close', () => lot.forget(this));
    guacd.socket.resume();
    this.#armKeepalive(options.keepaliveMs ?? DEFAULT_PARK_KEEPALIVE_MS);
  }

  private get clock(): Clock {
    return this.lot.clock;
  }

  /** Stops answering; the socket is the caller's now. */
  detach(): Socket {
    this.clock.clearTimeout(this.#timer);
    if (this.#keepalive) this.clock.clearTimeout(this.#keepalive);
    this.#keepalive = null;
    this.guacd.socket.off('data', this.#onData);
    return this.guacd.socket;
  }

  #armKeepalive(ms: number): void {
    this.#keepalive = this.clock.setTimeout(() => {
      if (this.#keepalive === null || !this.guacd.socket.writable) return;
      this.guacd.socket.write(NOP);
      this.#armKeepalive(ms);
    }, ms);
    this.#keepalive.unref?.();
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

  get clock(): Clock {
    return this.options.clock;
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
    this.#bySession.set(sessionId, new ParkedGuacd(sessionId, guacd, this, this.options));
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
