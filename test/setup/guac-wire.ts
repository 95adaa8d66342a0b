// A minimal Guacamole wire codec for the test stack only (smoke test, fixture recorder). It works
// on bytes so a caller can cut a captured stream exactly at instruction boundaries. The product
// codec lives in protocol/; this one is kept separate so the real-stack checks do not depend on
// the code they are meant to check.

export interface WireInstruction {
  opcode: string;
  args: string[];
  /** Bytes this instruction took on the wire, terminator included. */
  byteLength: number;
  /** Exactly those bytes (a view, not a copy). */
  raw: Buffer;
}

/** Element lengths count Unicode code points, not UTF-16 units or bytes. */
export function encodeInstruction(opcode: string, ...args: string[]): string {
  return [opcode, ...args].map((element) => `${[...element].length}.${element}`).join(',') + ';';
}

const DOT = 0x2e;
const COMMA = 0x2c;
const SEMICOLON = 0x3b;

/** Bytes of the UTF-8 sequence that starts with `lead`. */
function utf8SequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  return 2;
}

/** Streaming decoder: feed chunks as they arrive, get every complete instruction. */
export class WireDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): WireInstruction[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: WireInstruction[] = [];
    let start = 0;
    for (;;) {
      const parsed = parseOne(this.pending, start);
      if (parsed === null) break;
      out.push(parsed);
      start += parsed.byteLength;
    }
    this.pending = this.pending.subarray(start);
    return out;
  }
}

/** Parses one instruction at `start`, or returns null when the buffer ends inside it. */
export function parseOne(buf: Buffer, start: number): WireInstruction | null {
  const elements: string[] = [];
  let pos = start;
  for (;;) {
    let length = 0;
    let digits = 0;
    while (pos < buf.length && buf[pos] !== DOT) {
      const byte = buf[pos] ?? 0;
      if (byte < 0x30 || byte > 0x39) throw new Error(`bad element length byte 0x${byte.toString(16)} at ${pos}`);
      length = length * 10 + (byte - 0x30);
      digits += 1;
      pos += 1;
    }
    if (pos >= buf.length) return null;
    if (digits === 0) throw new Error(`empty element length at ${pos}`);
    pos += 1; // the dot
    const valueStart = pos;
    for (let i = 0; i < length; i += 1) {
      if (pos >= buf.length) return null;
      pos += utf8SequenceLength(buf[pos] ?? 0);
    }
    if (pos >= buf.length) return null;
    elements.push(buf.toString('utf8', valueStart, pos));
    const terminator = buf[pos];
    pos += 1;
    if (terminator === SEMICOLON) break;
    if (terminator !== COMMA) throw new Error(`bad terminator 0x${(terminator ?? 0).toString(16)} at ${pos - 1}`);
  }
  const [opcode = '', ...args] = elements;
  return { opcode, args, byteLength: pos - start, raw: buf.subarray(start, pos) };
}
