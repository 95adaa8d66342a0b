import type { CreationAttributes } from 'sequelize';
import type { Actor } from '../auth/actor.js';
import type { Clock } from '../lib/clock.js';
import { groupInsert } from '../db/group-batch.js';
import { AuditEvent } from './audit-event.model.js';

export interface AuditEntry {
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  siteId?: string | null;
  before?: object | null;
  after?: object | null;
  details?: object | null;
}

const SECRET_KEYS = /pass(word)?|secret|token|hash|key|credential/i;

/** Removes anything secret-looking, at any depth, before it is written to the audit log. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) ? '[redacted]' : redact(v)]),
    );
  }
  return value;
}

export class AuditService {
  /** rows recorded while a write is under way are stored together, in the order they were recorded */
  readonly #rows = groupInsert<CreationAttributes<AuditEvent>>((rows) => AuditEvent.bulkCreate(rows));

  constructor(private readonly clock: Clock) {}

  /** Resolves once the event is stored. */
  async record(actor: Actor | null, entry: AuditEntry): Promise<void> {
    await this.#rows.add({
      at: new Date(this.clock.now()),
      actorId: actor?.id ?? null,
      actorName: actor ? actor.username : null,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      siteId: entry.siteId ?? null,
      address: actor?.address ?? null,
      before: (redact(entry.before ?? null) as Record<string, unknown> | null) ?? null,
      after: (redact(entry.after ?? null) as Record<string, unknown> | null) ?? null,
      details: (redact(entry.details ?? null) as Record<string, unknown> | null) ?? null,
    });
  }
}
