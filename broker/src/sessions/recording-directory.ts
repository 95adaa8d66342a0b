import { access, chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * Why a session that was to be recorded has no recording (issue 17): stored as JSON in
 * `sessions.recording_error` and shown by the console's 回放 page instead of a guess.
 * - `directory-unavailable`: the broker could not create the directory it hands guacd
 * - `not-written`: the desktop was on screen and guacd had written no file there (guacd may not
 *   write the directory — another user, see README 会话录像 — or runs on another host without it)
 */
export const recordingProblem = z.object({
  code: z.enum(['directory-unavailable', 'not-written']),
  directory: z.string(),
  detail: z.string().nullable(),
});
export type RecordingProblem = z.infer<typeof recordingProblem>;

/** guacd (`create-recording-path`) creates only the last directory of the path, and as itself. */
const SHARED_DIR_MODE = 0o2770;

/**
 * Makes the session's recording directory (and the root above it) before guacd is asked to write
 * there: guacd's `create-recording-path` makes only the last component, so a fresh data directory
 * without `recordings/` lost every recording. Directories the broker creates are group-writable
 * with the group kept (setgid), so a guacd that runs as another user of the broker's group (Debian's
 * `guacd` service) can write, and the broker can read what guacd writes (0640).
 */
export async function prepareRecordingDir(directory: string): Promise<RecordingProblem | null> {
  try {
    const first = await mkdir(directory, { recursive: true });
    if (first) {
      for (let dir = directory; ; dir = path.dirname(dir)) {
        await chmod(dir, SHARED_DIR_MODE);
        if (dir === first || path.dirname(dir) === dir) break;
      }
    }
    return null;
  } catch (err) {
    return { code: 'directory-unavailable', directory, detail: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
  }
}

/** After the first frame: guacd opens its file before it connects to the desktop, so none means none. */
export async function recordingWritten(recordingPath: string): Promise<RecordingProblem | null> {
  try {
    await access(recordingPath);
    return null;
  } catch (err) {
    return { code: 'not-written', directory: path.dirname(recordingPath), detail: (err as NodeJS.ErrnoException).code ?? null };
  }
}

export function parseRecordingProblem(stored: string | null | undefined): RecordingProblem | null {
  if (!stored) return null;
  try {
    return recordingProblem.parse(JSON.parse(stored));
  } catch {
    return { code: 'not-written', directory: '', detail: stored };
  }
}
