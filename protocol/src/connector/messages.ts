import { z } from 'zod';

/** Bytes: a control (text) message larger than this closes the link. Binary messages carry mux frames. */
export const CONNECTOR_MAX_CONTROL_BYTES = 256 * 1024;
/** WebSocket close codes of the connector link (4000–4999 are the application's) */
export const CONNECTOR_CLOSE = {
  GOING_AWAY: 1001,
  PROTOCOL_VIOLATION: 4400,
  REVOKED: 4401,
  REPLACED: 4409,
  LIVENESS_TIMEOUT: 4408,
} as const;

/** a desktop's address on the town network, as the broker asks for it and the allowlist names it */
export const connectorTargetSchema = z
  .object({
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65535),
  })
  .strict();
export type ConnectorTarget = z.infer<typeof connectorTargetSchema>;

/* ---------- enrollment (HTTP) ---------- */
export const connectorEnrollRequest = z
  .object({
    joinToken: z.string().trim().min(8).max(200),
    name: z.string().trim().min(1).max(200),
    connectorVersion: z.string().max(64).optional(),
  })
  .strict();
export type ConnectorEnrollRequest = z.infer<typeof connectorEnrollRequest>;
export const connectorEnrollResponse = z.object({
  connectorId: z.string().uuid(),
  siteId: z.string().uuid(),
  /** `<connector id>.<secret>`, shown exactly once; sent as `Authorization: Connector <credential>` */
  credential: z.string(),
});
export type ConnectorEnrollResponse = z.infer<typeof connectorEnrollResponse>;

/* ---------- broker → connector (text frames) ---------- */
const welcome = z
  .object({
    type: z.literal('welcome'),
    protocolVersion: z.string(),
    connectorId: z.string().uuid(),
    siteId: z.string().uuid(),
    /** the broker process that sent it (broker_instances.id) */
    brokerId: z.string().max(64),
    /** every broker's advertised URL (discovery): the connector holds a link to each */
    brokers: z.array(z.string().url().max(500)).max(64),
    /** the desktops of the connector's site that the broker may ask for */
    targets: z.array(connectorTargetSchema).max(10_000),
  })
  .strict();
const targets = z.object({ type: z.literal('targets'), targets: z.array(connectorTargetSchema).max(10_000) }).strict();
export const brokerToConnectorSchema = z.discriminatedUnion('type', [welcome, targets]);
export type BrokerToConnector = z.infer<typeof brokerToConnectorSchema>;

/* ---------- connector → broker (text frames) ---------- */
const stats = z
  .object({
    type: z.literal('stats'),
    /** round trip of the last WebSocket ping on this link, ms */
    rttMs: z.number().nonnegative().nullable(),
    streams: z.number().int().nonnegative(),
    /** bytes carried since the link opened, towards the desktops and back */
    bytesToTargets: z.number().int().nonnegative(),
    bytesFromTargets: z.number().int().nonnegative(),
    /** OPENs refused by the allowlist since the link opened */
    refused: z.number().int().nonnegative(),
  })
  .strict();
export const connectorToBrokerSchema = z.discriminatedUnion('type', [stats]);
export type ConnectorToBroker = z.infer<typeof connectorToBrokerSchema>;

/* ---------- stream frames ---------- */
/** OPEN: dial this target; `sessionId` names the session for the connector's log */
export const muxOpenSchema = connectorTargetSchema.extend({ sessionId: z.string().max(64).nullable() }).strict();
export type MuxOpen = z.infer<typeof muxOpenSchema>;

/**
 * Why a stream ended. `EOF` is a half-close (the sender writes no more; the other direction
 * stays open, like a TCP FIN); every other code resets the stream in both directions.
 */
export const MUX_CLOSE_CODES = ['EOF', 'RESET', 'TARGET_NOT_ALLOWED', 'DIAL_FAILED', 'STREAM_LIMIT', 'FLOW_VIOLATION', 'BAD_OPEN', 'LINK_LOST'] as const;
export type MuxCloseCode = (typeof MUX_CLOSE_CODES)[number];
export const muxCloseSchema = z.object({ code: z.enum(MUX_CLOSE_CODES), message: z.string().max(500).optional() }).strict();
export type MuxClose = z.infer<typeof muxCloseSchema>;

export type ParsedControl<T> = { ok: true; message: T } | { ok: false; reason: string };

export function parseControl<T>(schema: z.ZodType<T>, text: string): ParsedControl<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = schema.safeParse(json);
  return parsed.success
    ? { ok: true, message: parsed.data }
    : { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}
