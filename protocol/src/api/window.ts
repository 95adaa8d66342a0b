import { z } from 'zod';
import { deviceClassSchema } from '../devices/messages.js';
import { windowDriveOutSchema } from '../paper/drive.js';
import { windowPrinterSchema } from '../paper/printer.js';
import { idSchema } from './common.js';

/** The clerk's window page ⇄ broker (authenticated by the terminal credential). */
export const windowLoginBody = z
  .object({
    username: z.string().trim().min(1).max(64),
    password: z.string().min(1).max(200),
    poolId: idSchema.optional(),
    /** 「+ 其他部门」: the pools of the desktops the clerk already holds here; the choice is among the others */
    exceptPoolIds: z.array(idSchema).max(20).optional(),
  })
  .strict();

export const windowSessionOut = z.object({
  id: z.string(),
  state: z.string(),
  poolId: z.string(),
  poolName: z.string(),
  departmentId: z.string(),
  graceSeconds: z.number(),
  idleSeconds: z.number(),
  clipboard: z.string(),
  reconnected: z.boolean(),
  /** the window devices the desktop may use (the pool's setting); the page refuses the others */
  devices: z.array(deviceClassSchema).default([]),
  /** the pool's window printer (`settings.printing`): the desktop may print to the window (RDP printer, or YZDEV from yunzhuo-desk) */
  printing: z.boolean().default(false),
  /** the pool's window drive 窗口材料 (`settings.drive`): the page may send scans into the desktop; null: no drive */
  drive: windowDriveOutSchema.nullable().default(null),
});

export const tunnelTokenOut = z.object({ token: z.string(), expiresAt: z.string(), path: z.literal('/tunnel') });
export const windowLoginOut = z.object({ session: windowSessionOut, tunnel: tunnelTokenOut });

export const terminalContextOut = z.object({
  terminal: z.object({ id: z.string(), name: z.string() }),
  site: z.object({ id: z.string(), code: z.string(), name: z.string() }).nullable(),
  /** `printer`: the counter's printer, where the desktop's print jobs go; null: the window has none */
  window: z.object({ id: z.string(), code: z.string(), label: z.string().nullable(), printer: windowPrinterSchema.nullable().default(null) }).nullable(),
  department: z.object({ id: z.string(), name: z.string() }).nullable(),
});
