// No zod here: the window page imports it.

const EXTENSION_OF: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'application/pdf': 'pdf' };

/** Where a file sent into the drive came from: its name in the file says so. */
export const DRIVE_SOURCES = { camera: '高拍仪', folder: '扫描' } as const;
export type DriveSource = keyof typeof DRIVE_SOURCES;

/**
 * A file's name in the drive: China time, the window and the source, e.g.
 * `20261204-083012-窗口12-高拍仪.jpg` (sorted by time in the desktop's file list). Anything that
 * is not a letter, a digit or `-` in the window's name becomes `_`. A second file of the same
 * second, window and source gets `copy` 2, 3… (`…-高拍仪-2.jpg`) so it never replaces the first.
 */
export function driveFileName(windowName: string, at: Date, mimetype: string, source: DriveSource = 'camera', copy = 1): string {
  const china = new Date(at.getTime() + 8 * 3600_000).toISOString(); // the halls keep China time (UTC+8, no DST)
  const stamp = `${china.slice(0, 10).replace(/-/g, '')}-${china.slice(11, 19).replace(/:/g, '')}`;
  const window = [...windowName.replace(/[^\p{L}\p{N}-]/gu, '_')].slice(0, 32).join('') || 'window';
  const suffix = copy > 1 ? `-${copy}` : '';
  return `${stamp}-${window}-${DRIVE_SOURCES[source]}${suffix}.${EXTENSION_OF[mimetype] ?? 'bin'}`;
}
