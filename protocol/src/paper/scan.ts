import { z } from 'zod';

/** The largest file the agent hands the page for the drive (a scanner's PDF of many pages; the pool's own limit is checked by the page and the relay). */
export const MAX_SCAN_BYTES = 32 * 1024 * 1024;
/** The file types a scanner folder's file may have, by extension (the drive's default types). */
export const SCAN_FOLDER_TYPES: Readonly<Record<string, string>> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.pdf': 'application/pdf',
};

/**
 * Window page → agent (device bridge, text message): give me something to send into the desktop's
 * drive 窗口材料 — a still of the document camera (高拍仪), or the newest file of the thin client's
 * scanner folder. Answered with `scan.result`.
 */
export const bridgeScanSchema = z
  .object({
    type: z.literal('scan'),
    /** chosen by the page, echoed in the result */
    id: z.string().min(1).max(64),
    source: z.enum(['camera', 'folder']),
    width: z.number().int().min(160).max(3840).default(1920),
    height: z.number().int().min(120).max(2160).default(1080),
  })
  .strict();
export type BridgeScan = z.infer<typeof bridgeScanSchema>;

const base64 = z
  .string()
  .max(Math.ceil(MAX_SCAN_BYTES / 3) * 4)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');

/** Agent → window page (text message): the file, or why there is none (a device error code and a Chinese reason). */
export const bridgeScanResultSchema = z.discriminatedUnion('ok', [
  z
    .object({
      type: z.literal('scan.result'),
      id: z.string(),
      ok: z.literal(true),
      source: z.enum(['camera', 'folder']),
      mimetype: z.string().max(100),
      /** the scanner folder's own file name; null for a camera still */
      original: z.string().max(255).nullable(),
      data: base64,
    })
    .strict(),
  z.object({ type: z.literal('scan.result'), id: z.string(), ok: z.literal(false), code: z.string().max(64), reason: z.string().max(200) }).strict(),
]);
export type BridgeScanResult = z.infer<typeof bridgeScanResultSchema>;
