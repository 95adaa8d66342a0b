import { z } from 'zod';
import { wakeTargetSchema } from './wake-on-lan.js';

/** no control characters except line breaks */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const NO_CONTROL_BUT_LINE_BREAKS = /^[^\u0000-\u0009\u000b-\u001f\u007f]*$/u;
/** visible text for the window page */
const displayText = (max: number) => z.string().trim().min(1).max(max).regex(NO_CONTROL_BUT_LINE_BREAKS, '不能包含控制字符');
const delaySeconds = z.number().int().min(0).max(3600).default(0);

/** Every command the broker can send to an agent, discriminated by `type`. */
export const rebootCommand = z.object({ type: z.literal('reboot'), delaySeconds }).strict();
export const shutdownCommand = z.object({ type: z.literal('shutdown'), delaySeconds }).strict();
export const lockCommand = z.object({ type: z.literal('lock') }).strict();
export const unlockCommand = z.object({ type: z.literal('unlock') }).strict();
export const messageCommand = z
  .object({
    type: z.literal('message'),
    text: displayText(500),
    level: z.enum(['info', 'warning', 'urgent']).default('info'),
    /** how long the window page shows it; 0 = until dismissed */
    durationSeconds: z.number().int().min(0).max(3600).default(30),
  })
  .strict();
export const openKioskCommand = z.object({ type: z.literal('open-kiosk') }).strict();
export const restartKioskCommand = z.object({ type: z.literal('restart-kiosk') }).strict();
/** settings the broker may change at run time; the agent persists them next to its identity */
export const remoteAgentSettings = z
  .object({
    heartbeatMs: z.number().int().min(1000).max(300_000),
    kioskEnabled: z.boolean(),
    /** page path on the broker the kiosk opens; the credential is always appended as a fragment */
    kioskPath: z.string().regex(/^\/[A-Za-z0-9/_.-]{0,200}$/, '应为以 / 开头的网页路径'),
    logLevel: z.enum(['error', 'warn', 'info', 'debug']),
  })
  .partial()
  .strict();
export type RemoteAgentSettings = z.infer<typeof remoteAgentSettings>;
export const setConfigCommand = z.object({ type: z.literal('set-config'), settings: remoteAgentSettings }).strict();
export const bindWindowCommand = z.object({ type: z.literal('bind-window'), windowId: z.string().uuid().nullable() }).strict();
/** send wake-on-LAN magic packets for terminals on this agent's segment (issue 17: night power-off, morning wake) */
export const wakeOnLanCommand = z.object({ type: z.literal('wake-on-lan'), targets: z.array(wakeTargetSchema).min(1).max(64) }).strict();

export const agentCommandSchema = z.discriminatedUnion('type', [
  rebootCommand,
  shutdownCommand,
  lockCommand,
  unlockCommand,
  messageCommand,
  openKioskCommand,
  restartKioskCommand,
  setConfigCommand,
  bindWindowCommand,
  wakeOnLanCommand,
]);
export type AgentCommand = z.infer<typeof agentCommandSchema>;
export type AgentCommandInput = z.input<typeof agentCommandSchema>;
export type AgentCommandType = AgentCommand['type'];
export type CommandOf<T extends AgentCommandType> = Extract<AgentCommand, { type: T }>;

export const AGENT_COMMAND_TYPES = [
  'reboot',
  'shutdown',
  'lock',
  'unlock',
  'message',
  'open-kiosk',
  'restart-kiosk',
  'set-config',
  'bind-window',
  'wake-on-lan',
] as const satisfies readonly AgentCommandType[];

/** Stable codes an agent answers a command with when it cannot carry it out. */
export const AGENT_COMMAND_ERRORS = ['UNSUPPORTED_COMMAND', 'INVALID_PARAMS', 'OS_ACTION_FAILED', 'BUSY', 'DRAINING', 'NOT_SHOWN'] as const;
export const agentCommandErrorCode = z.enum(AGENT_COMMAND_ERRORS);
export type AgentCommandErrorCode = z.infer<typeof agentCommandErrorCode>;

/** `POST /api/v1/terminals/:id/commands` */
export const commandRequestBody = z
  .object({
    command: agentCommandSchema,
    /** how long the broker waits for the agent's answer */
    timeoutSeconds: z.number().int().min(1).max(120).default(15),
  })
  .strict();
export const commandResultOut = z.object({
  commandId: z.string(),
  terminalId: z.string(),
  type: z.string(),
  ok: z.literal(true),
  result: z.record(z.string(), z.unknown()),
  durationMs: z.number(),
});
