import { z } from 'zod';

/** The drive guacd gives the desktop for the window's scans (`drive-name`); xrdp shows it under ~/thinclient_drives. */
export const WINDOW_DRIVE_NAME = '窗口材料';
export const DEFAULT_DRIVE_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export const MAX_DRIVE_FILE_BYTES = 100 * 1024 * 1024;

/**
 * A pool's file-transfer policy for the window drive (docs/PAPER.md): scans go into the desktop
 * (upload), documents never leave it through the window unless a county says so (download),
 * each file at most `maxBytes` and of one of `types` (MIME types as the page names them).
 */
export const driveSettingsSchema = z
  .object({
    upload: z.boolean().default(true),
    download: z.boolean().default(false),
    maxBytes: z
      .number()
      .int()
      .min(1024)
      .max(MAX_DRIVE_FILE_BYTES)
      .default(20 * 1024 * 1024),
    types: z
      .array(z.string().regex(/^[a-z]+\/[a-z0-9.+-]+$/, 'a MIME type, e.g. image/jpeg'))
      .min(1)
      .max(16)
      .default([...DEFAULT_DRIVE_TYPES]),
  })
  .strict();
export type DriveSettings = z.infer<typeof driveSettingsSchema>;

const EXTENSION_OF: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'application/pdf': 'pdf' };

/** A file's name in the drive: window and time (China time), e.g. `A-012_20261204-171503.jpg`. */
export function driveFileName(windowCode: string, at: Date, mimetype: string): string {
  const china = new Date(at.getTime() + 8 * 3600_000).toISOString(); // the halls keep China time (UTC+8, no DST)
  const stamp = `${china.slice(0, 10).replace(/-/g, '')}-${china.slice(11, 19).replace(/:/g, '')}`;
  const window = windowCode.replace(/[^A-Za-z0-9-]/g, '_').slice(0, 32) || 'window';
  return `${window}_${stamp}.${EXTENSION_OF[mimetype] ?? 'bin'}`;
}
