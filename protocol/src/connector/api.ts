import { z } from 'zod';

/** `GET /api/v1/connectors`: the town connectors an admin may see, with their health */
export const connectorQuery = z
  .object({
    siteId: z.string().uuid().optional(),
  })
  .strict();
export const connectorOut = z.object({
  id: z.string(),
  siteId: z.string(),
  name: z.string(),
  state: z.enum(['active', 'revoked']),
  connectorVersion: z.string().nullable(),
  address: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
  /** round trip on its link, ms, as the connector last measured it */
  rttMs: z.number().nullable(),
  /** bytes per second towards the town's desktops and back, over the last report period */
  throughputUpBps: z.number().nullable(),
  throughputDownBps: z.number().nullable(),
  streams: z.number().int(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
  /** live links to the broker process that answered (each process holds its own) */
  links: z.number().int(),
  /** desktops of its site it carries (pools with `viaConnector`) */
  desktops: z.number().int(),
});
export type ConnectorOutput = z.infer<typeof connectorOut>;
export const connectorListOut = z.object({ items: z.array(connectorOut) });
