import { z } from 'zod';
import { deviceHealthSchema } from '../devices/messages.js';
import { agentCommandErrorCode, agentCommandSchema } from './commands.js';
import { agentLifecycleSchema } from './lifecycle.js';
import { nicSchema } from './wake-on-lan.js';

/** Bytes: a message larger than this closes the socket (ws maxPayload) on either side. */
export const AGENT_MAX_MESSAGE_BYTES = 64 * 1024;

const shortText = (max: number) => z.string().max(max);
const kioskState = z.enum(['disabled', 'stopped', 'starting', 'running', 'crashed']);
export type KioskState = z.infer<typeof kioskState>;

/** What a heartbeat tells about the box; all of it is advisory, shown in the console. */
export const agentInfoSchema = z
  .object({
    agentVersion: shortText(64),
    hostname: shortText(255),
    os: shortText(200),
    /** seconds since the box booted */
    uptimeSeconds: z.number().nonnegative(),
    /** 1, 5, 15-minute load averages */
    load: z.tuple([z.number().nonnegative(), z.number().nonnegative(), z.number().nonnegative()]),
    memory: z.object({ totalBytes: z.number().int().nonnegative(), freeBytes: z.number().int().nonnegative() }).strict(),
    addresses: z.array(shortText(64)).max(32),
    screen: z
      .object({ width: z.number().int().positive().max(16384), height: z.number().int().positive().max(16384) })
      .strict()
      .nullable(),
    kiosk: kioskState,
    hardwareId: shortText(200).nullable(),
    /** the window devices the agent serves, when it serves any (docs/DEVICES.md) */
    devices: z.array(deviceHealthSchema).max(8).optional(),
    /** the box's IPv4 cards with their MAC (wake-on-LAN, issue 17) */
    nics: z.array(nicSchema).max(16).optional(),
  })
  .strict();
export type AgentInfo = z.infer<typeof agentInfoSchema>;

/* ---------- agent → broker ---------- */
export const heartbeatMessage = z
  .object({
    type: z.literal('heartbeat'),
    seq: z.number().int().nonnegative(),
    /** the agent's own interval (ms); the broker declares it offline after three missed */
    intervalMs: z.number().int().min(100).max(300_000),
    lifecycle: agentLifecycleSchema,
    info: agentInfoSchema,
  })
  .strict();
export const commandResultMessage = z
  .object({
    type: z.literal('command-result'),
    commandId: z.string().uuid(),
    outcome: z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), result: z.record(z.string(), z.unknown()) }).strict(),
      z.object({ ok: z.literal(false), error: z.object({ code: agentCommandErrorCode, message: shortText(500) }).strict() }).strict(),
    ]),
  })
  .strict();
export const lifecycleMessage = z.object({ type: z.literal('lifecycle'), state: agentLifecycleSchema }).strict();

export const agentToBrokerSchema = z.discriminatedUnion('type', [heartbeatMessage, commandResultMessage, lifecycleMessage]);
export type AgentToBroker = z.infer<typeof agentToBrokerSchema>;
export type HeartbeatMessage = z.infer<typeof heartbeatMessage>;
export type CommandResultMessage = z.infer<typeof commandResultMessage>;

/* ---------- broker → agent ---------- */
export const welcomeMessage = z
  .object({
    type: z.literal('welcome'),
    protocolVersion: z.string(),
    terminalId: z.string().uuid(),
    siteId: z.string().uuid(),
    windowId: z.string().uuid().nullable(),
    name: z.string(),
    /** broker time (ms since epoch), for the agent's log only */
    serverTime: z.number(),
  })
  .strict();
export const heartbeatAckMessage = z.object({ type: z.literal('heartbeat-ack'), seq: z.number().int().nonnegative() }).strict();
export const commandMessage = z.object({ type: z.literal('command'), commandId: z.string().uuid(), command: agentCommandSchema }).strict();

export const brokerToAgentSchema = z.discriminatedUnion('type', [welcomeMessage, heartbeatAckMessage, commandMessage]);
export type BrokerToAgent = z.infer<typeof brokerToAgentSchema>;
export type WelcomeMessage = z.infer<typeof welcomeMessage>;
export type CommandMessage = z.infer<typeof commandMessage>;

/**
 * A command this agent build does not know (a newer broker) still has an id to answer:
 * the agent replies UNSUPPORTED_COMMAND instead of dropping the connection.
 */
export const unknownCommandEnvelope = z.object({ type: z.literal('command'), commandId: z.string().uuid(), command: z.object({ type: z.string().max(64) }) });

/** Parses one text frame; JSON errors and schema errors come back the same way. */
export function parseFrame<T>(schema: z.ZodType<T>, raw: string): { ok: true; message: T } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, message: parsed.data };
  const first = parsed.error.issues[0];
  return { ok: false, reason: first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid' };
}
