import type { CreationAttributes, Transaction } from 'sequelize';
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
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) ? '[redacted]' : redact(v)]));
  }
  return value;
}

export class AuditService {
  /** rows recorded while a write is under way are stored together, in the order they were recorded */
  readonly #rows = groupInsert<CreationAttributes<AuditEvent>>((rows) => AuditEvent.bulkCreate(rows));

  constructor(private readonly clock: Clock) {}

  /**
   * Resolves once the event is stored. Inside a write's transaction the event is part of it
   * (stored if and only if the write commits); else it joins the next group insert.
   */
  async record(actor: Actor | null, entry: AuditEntry, transaction?: Transaction): Promise<void> {
    const row = this.#row(actor, entry);
    if (transaction) await AuditEvent.create(row, { transaction });
    else await this.#rows.add(row);
  }

  /** Several events of one write, in its transaction, in order (a CSV import: one per row). */
  async recordMany(actor: Actor | null, entries: AuditEntry[], transaction: Transaction): Promise<void> {
    const rows = entries.map((entry) => this.#row(actor, entry));
    for (let i = 0; i < rows.length; i += 500) await AuditEvent.bulkCreate(rows.slice(i, i + 500), { transaction });
  }

  #row(actor: Actor | null, entry: AuditEntry): CreationAttributes<AuditEvent> {
    return {
      at: new Date(this.clock.now()),
      actorId: actor?.id || null, // a refused login names no account: no id
      actorName: actor ? actor.username : null,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      siteId: entry.siteId ?? null,
      address: actor?.address ?? null,
      before: (redact(entry.before ?? null) as Record<string, unknown> | null) ?? null,
      after: (redact(entry.after ?? null) as Record<string, unknown> | null) ?? null,
      details: (redact(entry.details ?? null) as Record<string, unknown> | null) ?? null,
    };
  }
}
