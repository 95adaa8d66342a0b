import type { z } from 'zod';
import type { queueTicketOut } from '@yunzhuo/protocol/api/queue';
import { iso } from '../http/refs.js';
import type { QueueTicket } from './queue-ticket.model.js';

export function presentQueueTicket(t: QueueTicket): z.output<typeof queueTicketOut> {
  return {
    id: t.id,
    number: t.number,
    service: t.service,
    state: t.state,
    recalls: t.recalls ?? 0,
    calledAt: iso(t.calledAt)!,
    endedAt: iso(t.endedAt ?? null),
  };
}
