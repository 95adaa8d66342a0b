import { z } from 'zod';
import { DEVICE_CLASSES, deviceClassSchema } from '../devices/messages.js';
import { driveSettingsSchema } from '../paper/drive.js';
import { displayText } from './names.js';

/** department-reviewer: follows up the 差评 of its own departments (work orders only, no other admin route) */
export const ROLES = ['admin', 'site-admin', 'auditor', 'clerk', 'department-reviewer'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const SESSION_STATES = ['requested', 'connecting', 'active', 'disconnected', 'ended'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

export const idSchema = z.string().uuid();
/** visible text (names, labels, addresses): see names.ts — NFC, trimmed, bounded, no control, bidi or unpaired characters */
export const text = displayText;
export const codeSchema = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, '只能使用字母、数字和 - _ .，并以字母或数字开头');
export const hostSchema = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, '应为主机名或 IP 地址');
export const portSchema = z.number().int().min(1).max(65535);

export const poolSettingsSchema = z
  .object({
    security: z.enum(['any', 'nla', 'tls', 'rdp', 'vmconnect']).default('any'),
    ignoreCert: z.boolean().default(true),
    width: z.number().int().min(640).max(7680).default(1920),
    height: z.number().int().min(480).max(4320).default(1080),
    dpi: z.number().int().min(48).max(480).default(96),
    // 32: guacd 1.6's graphics pipeline uses no other depth, and one depth everywhere keeps one xrdp desktop per account
    colorDepth: z.union([z.literal(8), z.literal(16), z.literal(24), z.literal(32)]).default(32),
    clipboard: z.enum(['both', 'to-desktop', 'from-desktop', 'none']).default('none'),
    fileTransfer: z.boolean().default(false),
    recording: z.boolean().default(false),
    audio: z.boolean().default(false),
    timezone: z.string().max(64).default('Asia/Shanghai'),
    serverLayout: z.string().max(64).optional(),
    /** window devices (docs/DEVICES.md) the desktop may use over the YZDEV channel; none = no channel at all */
    devices: z
      .array(deviceClassSchema)
      .max(DEVICE_CLASSES.length)
      .refine((classes) => new Set(classes).size === classes.length, '每类设备只能选一次')
      .default([]),
    /**
     * guacd's RDP printer (`enable-printing`, shown in the desktop as 窗口打印机): a print job comes
     * back as a PDF file stream that the window page prints on the window's printer (docs/PAPER.md).
     * Absent (pools made before it) means off.
     */
    printing: z.boolean().optional(),
    /**
     * the window drive 窗口材料 (guacd `enable-drive`, a drive path per session) and its file-transfer
     * policy (docs/PAPER.md); absent: no drive, and `fileTransfer` alone governs file streams
     */
    drive: driveSettingsSchema.optional(),
    /**
     * the desktops sit on the pool's town network, reached only through that site's connector
     * (docs/TOWNS.md): guacd dials a broker listener that carries the RDP bytes to the connector
     */
    viaConnector: z.boolean().optional(),
  })
  .strict();
export type PoolSettings = z.infer<typeof poolSettingsSchema>;

type PatchShape<T extends z.ZodRawShape> = {
  [K in keyof T]: z.ZodOptional<T[K] extends z.ZodDefault<infer I extends z.ZodTypeAny> ? I : T[K]>;
};

/**
 * A PATCH body from a create body: every field optional and stripped of its create-time
 * default, so a field the caller left out keeps its stored value instead of being reset.
 */
export function patchOf<T extends z.ZodRawShape>(create: z.ZodObject<T>): z.ZodObject<PatchShape<T>, z.core.$strict> {
  const shape: Record<string, z.ZodTypeAny> = {};
  for (const [key, field] of Object.entries(create.shape) as Array<[string, z.ZodTypeAny]>) {
    shape[key] = (field instanceof z.ZodDefault ? (field.unwrap() as z.ZodTypeAny) : field).optional();
  }
  return z.object(shape).strict() as unknown as z.ZodObject<PatchShape<T>, z.core.$strict>;
}

export const listQueryBase = {
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
  order: z.enum(['asc', 'desc']).default('asc'),
};

export function pageOf<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
}

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});
