// The Guacamole instructions a window page sends and receives on its `/tunnel` WebSockets, read
// from Chromium's own frames. Each socket is one ordered stream, so "an instruction written after
// X has come" also proves everything written before X has come: the barrier tests use instead of
// watching a while for something that must not arrive.
import type { Page, WebSocket } from 'playwright-core';

/** opcode first, then the arguments */
export type Instruction = string[];
export type Direction = 'sent' | 'received';

interface Waiter {
  direction: Direction;
  from: number;
  test: (instruction: Instruction) => boolean;
  resolve: (instruction: Instruction) => void;
}

/**
 * Splits complete instructions off `text` (`LENGTH.VALUE,…;`, lengths in code points) and returns
 * them with what is left of an instruction still incomplete.
 */
export function parseInstructions(text: string): { instructions: Instruction[]; rest: string } {
  const instructions: Instruction[] = [];
  let start = 0;
  let at = 0;
  let current: Instruction = [];
  while (at < text.length) {
    const dot = text.indexOf('.', at);
    const prefix = text.slice(at, dot < 0 ? undefined : dot);
    if (!/^\d*$/.test(prefix) || (dot >= 0 && prefix === ''))
      throw new Error(`not a Guacamole instruction at ${at}: ${JSON.stringify(text.slice(at, at + 40))}`);
    if (dot < 0) break; // the length is still being sent
    const length = Number(prefix);
    let end = dot + 1;
    for (let n = 0; n < length && end < text.length; n++) end += text.codePointAt(end)! > 0xffff ? 2 : 1;
    if (end >= text.length) break; // the element or its terminator is still to come
    current.push(text.slice(dot + 1, end));
    const terminator = text[end];
    at = end + 1;
    if (terminator === ';') {
      instructions.push(current);
      current = [];
      start = at;
    } else if (terminator !== ',') {
      throw new Error(`not a Guacamole instruction at ${end}: ${JSON.stringify(text.slice(end, end + 40))}`);
    }
  }
  return { instructions, rest: text.slice(start) };
}

export class TunnelFrames {
  readonly sent: Instruction[] = [];
  readonly received: Instruction[] = [];
  #waiters: Waiter[] = [];

  private constructor() {}

  /** Records the tunnels `page` opens from now on (every one: a rejoin opens a new socket). */
  static watch(page: Page): TunnelFrames {
    const frames = new TunnelFrames();
    page.on('websocket', (socket) => {
      if (new URL(socket.url()).pathname.endsWith('/tunnel')) frames.#follow(socket);
    });
    return frames;
  }

  /** How many instructions have passed in `direction` so far: a mark for next() and since(). */
  mark(direction: Direction): number {
    return this[direction].length;
  }

  /** The instructions of `direction` from `mark` on whose opcode is `opcode`. */
  since(direction: Direction, mark: number, opcode: string): Instruction[] {
    return this[direction].slice(mark).filter((instruction) => instruction[0] === opcode);
  }

  /** The first instruction of `direction` from `mark` on that passes `test`, once it has passed. */
  next(direction: Direction, mark: number, test: (instruction: Instruction) => boolean, timeoutMs = 10_000): Promise<Instruction> {
    const found = this[direction].slice(mark).find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter !== entry);
        reject(new Error(`no such instruction ${direction} within ${timeoutMs} ms`));
      }, timeoutMs);
      const entry: Waiter = {
        direction,
        from: mark,
        test,
        resolve: (instruction) => {
          clearTimeout(timer);
          resolve(instruction);
        },
      };
      this.#waiters.push(entry);
    });
  }

  #follow(socket: WebSocket): void {
    const rest: Record<Direction, string> = { sent: '', received: '' };
    const take = (direction: Direction, payload: string | Buffer) => {
      const parsed = parseInstructions(rest[direction] + (typeof payload === 'string' ? payload : payload.toString('utf8')));
      rest[direction] = parsed.rest;
      for (const instruction of parsed.instructions) this.#record(direction, instruction);
    };
    socket.on('framesent', ({ payload }) => take('sent', payload));
    socket.on('framereceived', ({ payload }) => take('received', payload));
  }

  #record(direction: Direction, instruction: Instruction): void {
    const list = this[direction];
    list.push(instruction);
    const index = list.length - 1;
    for (const waiter of [...this.#waiters]) {
      if (waiter.direction !== direction || index < waiter.from || !waiter.test(instruction)) continue;
      this.#waiters = this.#waiters.filter((other) => other !== waiter);
      waiter.resolve(instruction);
    }
  }
}
