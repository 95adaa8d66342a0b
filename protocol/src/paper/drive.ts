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

export { DRIVE_SOURCES, driveFileName, type DriveSource } from './drive-names.js';

/** What the window page is told of its pool's drive (the session's `drive`): uploads and their limits. */
export const windowDriveOutSchema = z.object({ upload: z.boolean(), maxBytes: z.number().int(), types: z.array(z.string()) });
export type WindowDriveOut = z.infer<typeof windowDriveOutSchema>;
