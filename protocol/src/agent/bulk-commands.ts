import { z } from 'zod';
import { lockCommand, messageCommand, rebootCommand, restartKioskCommand, shutdownCommand, unlockCommand } from './commands.js';

/**
 * Wake the terminals (issue 17): the broker sends each terminal's wake-on-LAN magic packet through an
 * online terminal on the same segment, or itself when it is on that segment (`YUNZHUO_WAKE_BROADCAST`).
 */
export const wakeBulkCommand = z.object({ type: z.literal('wake') }).strict();

/** The commands an admin may send to every terminal of a site (or of one area of its hall) at once. */
export const bulkAgentCommandSchema = z.discriminatedUnion('type', [
  messageCommand,
  lockCommand,
  unlockCommand,
  restartKioskCommand,
  rebootCommand,
  shutdownCommand,
  wakeBulkCommand,
]);
export const BULK_COMMAND_TYPES = ['message', 'lock', 'unlock', 'restart-kiosk', 'reboot', 'shutdown', 'wake'] as const;

/** `POST /api/v1/terminal-commands`: one command fanned out over the site's terminals in service. */
export const bulkCommandBody = z
  .object({
    siteId: z.string().uuid(),
    /** only terminals bound to windows of this hall area (`windows.area`) */
    area: z.string().trim().min(1).max(32).optional(),
    command: bulkAgentCommandSchema,
    /** how long the broker waits for each agent's answer */
    timeoutSeconds: z.number().int().min(1).max(120).default(15),
  })
  .strict();
export type BulkCommandBody = z.input<typeof bulkCommandBody>;

export const BULK_OUTCOMES = ['ok', 'failed', 'offline', 'timeout', 'refused'] as const;
export const bulkTerminalResultOut = z.object({
  terminalId: z.string(),
  terminalName: z.string(),
  windowCode: z.string().nullable(),
  outcome: z.enum(BULK_OUTCOMES),
  /** the error code (protocol/src/errors.ts) and, for a failure, the agent's own code */
  error: z.object({ code: z.string(), agentCode: z.string().nullable() }).nullable(),
  result: z.record(z.string(), z.unknown()).nullable(),
  durationMs: z.number(),
});
export type BulkTerminalResult = z.infer<typeof bulkTerminalResultOut>;

export const bulkCommandResultOut = z.object({
  bulkId: z.string(),
  type: z.enum(BULK_COMMAND_TYPES),
  total: z.number().int(),
  succeeded: z.number().int(),
  results: z.array(bulkTerminalResultOut),
});
export type BulkCommandResult = z.infer<typeof bulkCommandResultOut>;
