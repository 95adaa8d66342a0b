import { constants } from 'node:fs';
import { type FileHandle, lstat, open, readdir, realpath } from 'node:fs/promises';
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

/** A part opened for one download; the caller closes `handle`. */
export interface OpenRecordingPart {
  handle: FileHandle;
  /** bytes, as fstat saw them when the part was opened: guacd may still be appending */
  size: number;
}

// O_NOFOLLOW: a link swapped in after the listing is refused, not followed; O_NONBLOCK: a FIFO
// planted there does not hang the open (it has no effect on a regular file's reads)
const OPEN_PART = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * The files guacd wrote for one session. guacd (create-recording-path) never overwrites: the
 * first connection writes `<name>`, every later one with the same name `<name>.1`, `<name>.2`, …
 * Every tunnel of a session uses the same directory and name (SessionLifecycle), so these files
 * are the whole recording, in order. Only regular files whose directory, links resolved, lies under
 * the recording root are served.
 */
export class RecordingParts {
  readonly #root: string;

  constructor(root: string) {
    this.#root = path.resolve(root);
  }

  /** The parts in order; none when the stored path lies outside the root or nothing was written yet. */
  async list(recordingPath: string): Promise<RecordingPart[]> {
    const base = await this.#base(recordingPath);
    if (!base) return [];
    const name = path.basename(base);
    const entries = await readdir(path.dirname(base)).catch(() => []);
    const indexes = entries.map((entry) => partIndex(name, entry)).filter((i): i is number => i !== null);
    const parts = await Promise.all(indexes.sort((a, b) => a - b).map((i) => this.#part(base, i)));
    return parts.filter((p): p is RecordingPart => p !== null);
  }

  /**
   * Part `index` (0: the first connection's) opened once for reading, so that what is checked
   * (a regular file, its size) is what is sent; null when it does not exist as a regular file.
   */
  async open(recordingPath: string, index: number): Promise<OpenRecordingPart | null> {
    const base = await this.#base(recordingPath);
    const handle = base ? await open(partFile(base, index), OPEN_PART).catch(() => null) : null;
    if (!handle) return null;
    const info = await handle.stat().catch(() => null);
    if (info?.isFile()) return { handle, size: info.size };
    await handle.close();
    return null;
  }

  /**
   * The recording's path with its directory's links resolved, or null when that directory is not
   * under the root's real path: a linked directory inside the root must not lead out of it.
   */
  async #base(recordingPath: string): Promise<string | null> {
    const wanted = path.resolve(recordingPath);
    const [root, dir] = await Promise.all([realpath(this.#root), realpath(path.dirname(wanted))].map((p) => p.catch(() => null)));
    if (!root || !dir) return null;
    const under = (dir + path.sep).startsWith(root.endsWith(path.sep) ? root : root + path.sep);
    return under ? path.join(dir, path.basename(wanted)) : null;
  }

  async #part(base: string, index: number): Promise<RecordingPart | null> {
    const file = partFile(base, index);
    // lstat: a link planted in the directory is not a part, wherever it points
    const info = await lstat(file).catch(() => null);
    return info?.isFile() ? { index, file, size: info.size, modifiedAt: info.mtime } : null;
  }
}

function partFile(base: string, index: number): string {
  return index === 0 ? base : `${base}.${index}`;
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
