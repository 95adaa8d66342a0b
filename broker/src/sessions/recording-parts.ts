import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { RECORDING_MAX_PART, type recordingPartOut } from '@yunzhuo/protocol/api/resources';

export interface RecordingPart {
  index: number;
  file: string;
  /** bytes */
  size: number;
  modifiedAt: Date;
}

/**
 * The files guacd wrote for one session. guacd (create-recording-path) never overwrites: the
 * first connection writes `<name>`, every later one with the same name `<name>.1`, `<name>.2`, …
 * Every tunnel of a session uses the same directory and name (SessionLifecycle), so these files
 * are the whole recording, in order. Only regular files under the recording root are served.
 */
export class RecordingParts {
  readonly #root: string;

  constructor(root: string) {
    this.#root = path.resolve(root) + path.sep;
  }

  /** The parts in order; none when the stored path lies outside the root or nothing was written yet. */
  async list(recordingPath: string): Promise<RecordingPart[]> {
    const base = this.#base(recordingPath);
    if (!base) return [];
    const name = path.basename(base);
    const entries = await readdir(path.dirname(base)).catch(() => []);
    const indexes = entries.map((entry) => partIndex(name, entry)).filter((i): i is number => i !== null);
    const parts = await Promise.all(indexes.sort((a, b) => a - b).map((i) => this.#part(base, i)));
    return parts.filter((p): p is RecordingPart => p !== null);
  }

  /** Part `index` (0: the first connection's), or null when it does not exist as a regular file. */
  async part(recordingPath: string, index: number): Promise<RecordingPart | null> {
    const base = this.#base(recordingPath);
    return base ? this.#part(base, index) : null;
  }

  #base(recordingPath: string): string | null {
    const base = path.resolve(recordingPath);
    return base.startsWith(this.#root) ? base : null;
  }

  async #part(base: string, index: number): Promise<RecordingPart | null> {
    const file = index === 0 ? base : `${base}.${index}`;
    // lstat: a link planted in the directory is not a part, wherever it points
    const info = await lstat(file).catch(() => null);
    return info?.isFile() ? { index, file, size: info.size, modifiedAt: info.mtime } : null;
  }
}

/** `<name>` → 0, `<name>.<n>` (guacd's spelling: no sign, no leading zero, n ≤ 255) → n, anything else → null. */
function partIndex(name: string, entry: string): number | null {
  if (entry === name) return 0;
  if (!entry.startsWith(`${name}.`)) return null;
  const suffix = entry.slice(name.length + 1);
  if (!/^[1-9]\d{0,2}$/.test(suffix)) return null;
  const index = Number(suffix);
  return index <= RECORDING_MAX_PART ? index : null;
}

export function presentRecordingPart(p: RecordingPart): z.output<typeof recordingPartOut> {
  return { index: p.index, size: p.size, modifiedAt: p.modifiedAt.toISOString() };
}
