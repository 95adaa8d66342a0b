import { z } from 'zod';
import { idSchema, text } from './common.js';
import { caseNumberSchema, itemCodeSchema, ratingInvitationOut } from './ratings.js';

/** 排队叫号 at the window (docs/RATINGS.md, "The queue at the window"). */

export const QUEUE_TICKET_STATES = ['serving', 'skipped', 'transferred', 'finished'] as const;

/** A ticket number as a hall's queue system prints it: A001, 2-015… */
export const ticketNumberSchema = z
  .string()
  .regex(/^[0-9A-Za-z-]{1,16}$/, '号码只能包含字母、数字和连字符，最长 16 位')
  .max(16);

/** What the queue system answers for a ticket (the generic HTTP API of docs/RATINGS.md). */
export const queueSystemTicket = z.object({ number: ticketNumberSchema, service: z.string().max(64).nullable().optional() });
export const queueSystemCallAnswer = z.object({ ticket: queueSystemTicket.nullable() });

/** Every window-page step names the session the clerk holds here (window login = queue login). */
export const queueStepBody = z.object({ sessionId: idSchema }).strict();
export const queueTransferBody = z.object({ sessionId: idSchema, target: text(32) }).strict();
export const queueFinishBody = z.object({ sessionId: idSchema, caseNumber: caseNumberSchema.optional(), itemCode: itemCodeSchema.optional() }).strict();
export const queueStateQuery = z.object({ sessionId: idSchema }).strict();

export const queueTicketOut = z.object({
  id: z.string(),
  number: z.string(),
  service: z.string().nullable(),
  state: z.enum(QUEUE_TICKET_STATES),
  recalls: z.number().int(),
  calledAt: z.string(),
  endedAt: z.string().nullable(),
});

/** 暂停叫号 since `pausedAt` (null: calling) */
export const queuePauseOut = z.object({ pausedAt: z.string() });
export const queueStateOut = z.object({ enabled: z.boolean(), ticket: queueTicketOut.nullable(), paused: queuePauseOut.nullable() });

/** The console's view of the hall's counters: every window serving a number or paused. */
export const queueWindowsQuery = z.object({ siteId: idSchema.optional() }).strict();
export const queueWindowOut = z.object({
  windowId: z.string(),
  windowCode: z.string(),
  siteId: z.string().nullable(),
  /** the number served now */
  serving: z.string().nullable(),
  pausedAt: z.string().nullable(),
  /** the clerk who paused, or who serves the number */
  clerk: z.string().nullable(),
});
export const queueWindowsOut = z.object({ enabled: z.boolean(), items: z.array(queueWindowOut) });
export const queueFinishOut = z.object({ ticket: queueTicketOut, invitation: ratingInvitationOut.extend({ queueNumber: z.string().nullable() }) });
