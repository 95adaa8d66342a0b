export type GuacElement = string | number;

/**
 * Number of Unicode code points in `text`, which is what Guacamole length prefixes count.
 * A lone surrogate counts as one: Buffer.from() writes it as one U+FFFD.
 */
export function codePointLength(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

function encodeElement(value: GuacElement): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot encode ${value} as a Guacamole element`);
    const text = String(value);
    return `${text.length}.${text}`;
  }
  return `${codePointLength(value)}.${value}`;
}

/** `encodeInstruction('size', 0, 1024, 768)` → `4.size,1.0,4.1024,3.768;` */
export function encodeInstruction(opcode: string, ...args: GuacElement[]): string {
  let out = encodeElement(opcode);
  for (const arg of args) out += `,${encodeElement(arg)}`;
  return `${out};`;
}

export function encodeInstructionBuffer(opcode: string, ...args: GuacElement[]): Buffer {
  return Buffer.from(encodeInstruction(opcode, ...args), 'utf8');
}
