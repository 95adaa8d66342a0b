import { z } from 'zod';

/**
 * The window screen channel (issue 17): the agent tells the window page what an admin's command
 * puts on the screen — a notice, a lock, a new window binding — over a WebSocket on the
 * terminal's loopback (address and secret in the kiosk URL's fragment, `screen=<port>.<secret>`).
 * The page answers `shown` once it is on the screen, so the console's 成功 means the clerk saw it.
 */
const id = z.string().min(1).max(64);
export const windowScreenMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('notice'),
    id,
    text: z.string().min(1).max(500),
    level: z.enum(['info', 'warning', 'urgent']),
    durationSeconds: z.number().int().min(0).max(3600),
  }),
  z.object({ type: z.literal('lock'), id }),
  z.object({ type: z.literal('unlock'), id }),
  z.object({ type: z.literal('window-bound'), id, windowId: z.string().nullable() }),
]);
export type WindowScreenMessage = z.infer<typeof windowScreenMessage>;
/** what a message asks the page to show, before the channel gives it an id */
export type WindowScreenShow = WindowScreenMessage extends infer M ? (M extends { id: string } ? Omit<M, 'id'> : never) : never;

export const windowScreenAck = z.object({ type: z.literal('shown'), id });
export type WindowScreenAck = z.infer<typeof windowScreenAck>;

/** the fragment key the agent puts in the kiosk URL */
export const WINDOW_SCREEN_FRAGMENT = 'screen';
