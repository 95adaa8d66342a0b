import type { Socket } from 'node:net';
import type { RawData, WebSocket } from 'ws';
import { GuacDecoder, encodeInstruction, type Instruction } from '@yunzhuo/protocol';
import type { Clock } from '../lib/clock.js';
import type { TunnelLimits } from './tunnel.limits.js';
import { UpstreamPolicy } from './upstream.policy.js';

/** The browser broke the protocol or the pool's policy: the owner closes with CLIENT_BAD_REQUEST. */
export type OnViolation = (detail: string) => void;

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function encode(instruction: Instruction): string {
  return encodeInstruction(instruction.opcode, ...instruction.args);
}

/**
 * browser → guacd. Decodes every message (the stock client sends one instruction per message),
 * answers internal pings itself, applies the UpstreamPolicy and writes what passes to guacd —
 * the message's own bytes when all of it passes. Until a guacd connection is attached, input is
 * queued up to pendingUpstreamBytes. Backpressure: the WebSocket is paused while guacd's socket
 * has a backlog.
 */
const HUMAN_INPUT = new Set(['key', 'mouse', 'touch']);

export class UpstreamPump {
  #decoder: GuacDecoder;
  #policy = new UpstreamPolicy(null);
  #guacd: Socket | null = null;
  #queue: Array<Buffer | string> = [];
  #queuedBytes = 0;
  #waitingForDrain = false;
  #failed = false;
  lastMessageAt: number;
  /** last key, mouse or touch input forwarded (pings don't count): what idle limits look at */
  lastInputAt = 0;
  bytesReceived = 0;
  /** the browser said `disconnect`: guacd closing next is the browser leaving, not a failure */
  browserDisconnected = false;
  /** the `message` listener; assigned here, not as a class field, to stay a plain closure under tsx's keepNames (dev, tests) */
  readonly onMessage: (data: RawData) => void;
  readonly #onDrain: () => void;

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: { limits: TunnelLimits; clock: Clock },
    private readonly onViolation: OnViolation,
  ) {
    this.#decoder = new GuacDecoder({ maxInstructionBytes: deps.limits.maxUpstreamInstructionBytes });
    this.lastMessageAt = deps.clock.now();
    this.onMessage = (data) => this.#message(data);
    this.#onDrain = () => this.#drained();
  }

  setPolicy(policy: UpstreamPolicy): void {
    this.#policy = policy;
  }

  /** Starts writing to guacd, queued input first. */
  /** reading from the browser is paused until guacd's socket drains */
  get paused(): boolean {
    return this.#waitingForDrain;
  }

  attach(guacd: Socket): void {
    this.#guacd = guacd;
    guacd.on('drain', this.#onDrain);
    const queued = this.#queue;
    this.#queue = [];
    this.#queuedBytes = 0;
    for (const item of queued) this.#write(item);
  }

  detach(): void {
    this.#guacd?.off('drain', this.#onDrain);
    this.#guacd = null;
    if (this.#waitingForDrain) this.ws.resume();
    this.#waitingForDrain = false;
  }

  #message(data: RawData): void {
    if (this.#failed) return;
    this.lastMessageAt = this.deps.clock.now();
    const message = toBuffer(data);
    this.bytesReceived += message.length;
    const carried = this.#decoder.bufferedBytes > 0;
    let instructions: Instruction[];
    try {
      instructions = this.#decoder.push(message);
    } catch (error) {
      this.#fail(`undecodable input: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    // The common case — one whole instruction that passes unchanged — is forwarded as received.
    let asReceived = !carried && this.#decoder.bufferedBytes === 0;
    const passing: Array<Instruction | string> = [];
    for (const instruction of instructions) {
      const verdict = this.#policy.check(instruction);
      switch (verdict.kind) {
        case 'forward':
          if (instruction.opcode === 'disconnect') this.browserDisconnected = true;
          else if (HUMAN_INPUT.has(instruction.opcode)) this.lastInputAt = this.lastMessageAt;
          passing.push(instruction);
          break;
        case 'rewrite':
          asReceived = false;
          passing.push(verdict.instruction);
          break;
        case 'reply':
          asReceived = false;
          this.ws.send(verdict.reply);
          break;
        case 'drop':
          asReceived = false;
          break;
        case 'reject':
          this.#fail(verdict.detail);
          return;
      }
    }
    if (passing.length === 0) return;
    this.#write(asReceived ? message : passing.map((item) => (typeof item === 'string' ? item : encode(item))).join(''));
  }

  #fail(detail: string): void {
    this.#failed = true;
    this.onViolation(detail);
  }

  #write(data: Buffer | string): void {
    const guacd = this.#guacd;
    if (guacd === null) {
      const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
      // Keys typed while the desktop is connecting are kept; a flood is not.
      if (this.#queuedBytes + size > this.deps.limits.pendingUpstreamBytes) return;
      this.#queue.push(data);
      this.#queuedBytes += size;
      return;
    }
    if (!guacd.write(data) && !this.#waitingForDrain) {
      this.#waitingForDrain = true;
      this.ws.pause();
    }
  }

  #drained(): void {
    if (!this.#waitingForDrain) return;
    this.#waitingForDrain = false;
    this.ws.resume();
  }
}
