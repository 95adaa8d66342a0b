import { z } from 'zod';

/**
 * The console's live feed (`/api/v1/events`) and the events broker processes relay to each
 * other: one schema per event, from which the typed map shared by the broker that publishes and
 * every receiver (other broker processes, the console) is derived. Receivers parse, never cast.
 * Changes are additive. `siteId` scopes delivery: a town admin only receives its own subtree's
 * events.
 */
const id = z.string().max(100);
const text = z.string().max(4000);

export const liveEventData = {
  'session.changed': z.object({
    id,
    state: id,
    siteId: id.nullable(),
    windowId: id.nullable(),
    accountId: id,
    poolId: id,
    desktopId: id.nullable(),
    endReason: text.nullable().optional(),
  }),
  'terminal.changed': z.object({ id, state: id, siteId: id, windowId: id.nullable(), online: z.boolean() }),
  'desktop.changed': z.object({ id, state: id, health: id, poolId: id, siteId: id.nullable() }),
  'gateway.changed': z.object({ id, health: id, siteId: id.nullable() }),
  'login.refused': z.object({ code: id, username: text, terminalId: id.nullable(), siteId: id.nullable(), poolId: id.nullable().optional() }),
  'rating.created': z.object({ id, siteId: id.nullable(), windowId: id.nullable(), level: z.number().int(), bad: z.boolean() }),
  'resource.changed': z.object({ resource: id, id, action: z.enum(['create', 'update', 'delete']), siteId: id.nullable() }),
  /** shown on the window page of that terminal (sent by an admin's `message` command) */
  'terminal.message': z.object({ terminalId: id, siteId: id, windowId: id.nullable(), commandId: id, text, level: id, durationSeconds: z.number() }),
  'terminal.command': z.object({ terminalId: id, siteId: id, commandId: id, type: id, outcome: z.enum(['ok', 'failed']) }),
  /** an alert raised, cleared or acknowledged (docs/ALERTS.md) */
  'alert.changed': z.object({ id, kind: id, state: id, siteId: id.nullable(), acknowledged: z.boolean() }),
};

export type LiveEventMap = { [K in keyof typeof liveEventData]: z.infer<(typeof liveEventData)[K]> };
export type LiveEventType = keyof LiveEventMap;

/** One event: `type` narrows `data` (a union over `T`, every type by default). */
export type LiveEvent<T extends LiveEventType = LiveEventType> = { [K in T]: { type: K; at: string; data: LiveEventMap[K] } }[T];

const at = z.string().max(40);
function eventOf<K extends LiveEventType>(type: K) {
  return z.object({ type: z.literal(type), at, data: liveEventData[type] });
}

/** Any live event (a broker process's, relayed over the cluster bus); an unknown type fails. */
export const liveEvent = z.discriminatedUnion('type', [
  eventOf('session.changed'),
  eventOf('terminal.changed'),
  eventOf('desktop.changed'),
  eventOf('gateway.changed'),
  eventOf('login.refused'),
  eventOf('rating.created'),
  eventOf('resource.changed'),
  eventOf('terminal.message'),
  eventOf('terminal.command'),
  eventOf('alert.changed'),
]);

/** What `/api/v1/events` sends a console: the broker's events plus the greeting on connect. */
export const liveFeedEvent = z.discriminatedUnion('type', [
  ...liveEvent.options,
  z.object({ type: z.literal('hello'), at, data: z.object({ username: text }) }),
]);
export type LiveFeedEvent = z.infer<typeof liveFeedEvent>;
