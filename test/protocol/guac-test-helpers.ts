import { GuacDecoder, InstructionBoundaryScanner, type GuacCodecOptions, type Instruction } from '../../protocol/src/guacamole/index.js';

/** Deterministic xorshift32, so a failing fuzz case can be replayed from its seed. */
export function xorshift32(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

export interface Random {
  int(below: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function random(seed: number): Random {
  const next = xorshift32(seed);
  return {
    int: (below) => next() % below,
    pick: (items) => items[next() % items.length]!,
    chance: (p) => next() / 0x1_0000_0000 < p,
  };
}

/** Every way to cut `bytes` into two pieces, then (for short inputs) into three. */
export function* splits(bytes: Buffer, threeWayUpTo = 48): Generator<Buffer[]> {
  for (let a = 0; a <= bytes.length; a++) yield [bytes.subarray(0, a), bytes.subarray(a)];
  if (bytes.length > threeWayUpTo) return;
  for (let a = 1; a < bytes.length; a++) {
    for (let b = a + 1; b < bytes.length; b++) {
      yield [bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)];
    }
  }
}

/** Copies each piece so a zero-copy bug cannot hide behind shared memory. */
export function decodeAll(pieces: Buffer[], options?: GuacCodecOptions): Instruction[] {
  const decoder = new GuacDecoder(options);
  const out = pieces.flatMap((piece) => decoder.push(Buffer.from(piece)));
  decoder.end();
  return out;
}

export function scanAll(pieces: Buffer[], options?: GuacCodecOptions): { slices: Buffer[]; tail: number } {
  const scanner = new InstructionBoundaryScanner(options);
  const slices: Buffer[] = [];
  for (const piece of pieces) {
    const slice = scanner.push(Buffer.from(piece));
    if (slice) slices.push(slice);
  }
  return { slices, tail: scanner.bufferedBytes };
}

export function randomChunks(bytes: Buffer, rng: Random, maxChunk: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length;) {
    const size = 1 + rng.int(maxChunk);
    chunks.push(bytes.subarray(i, i + size));
    i += size;
  }
  return chunks;
}
