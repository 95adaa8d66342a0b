import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AppError } from '../lib/app-error.js';
import { sha256 } from '../lib/tokens.js';
import { Terminal } from '../terminals/terminal.model.js';

/** The columns the agent socket needs, as a plain row (5,000 reconnects should not build 5,000 model instances). */
export interface AgentTerminalRow {
  id: string;
  siteId: string;
  windowId: string | null;
  name: string;
  state: string;
  online: boolean;
  address: string | null;
  info: Record<string, unknown> | null;
}

const COLUMNS = ['id', 'siteId', 'windowId', 'name', 'state', 'online', 'address', 'info', 'secretHash'] as const;

/** `Authorization: Terminal <terminal id>.<secret>` on the upgrade request. */
export function credentialOfUpgrade(req: IncomingMessage): string | undefined {
  const match = /^Terminal\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

type StoredRow = AgentTerminalRow & { secretHash: string | null };
/** lookups per query at most (SQLite's bound-parameter limit is far above) */
const BATCH = 500;

/**
 * Checks agent credentials, looking rows up in batches: after a broker restart the whole fleet
 * reconnects within seconds, and one `SELECT … WHERE id IN (…)` per event-loop turn replaces
 * thousands of single-row queries queued on the database connection.
 */
export class AgentCredentials {
  #queue: Array<{ id: string; resolve(row: StoredRow | null): void; reject(err: unknown): void }> = [];
  #scheduled = false;

  /**
   * The same check as the window page's (terminals/terminal-auth.ts: sha256 of the secret compared in
   * constant time, TERMINAL_UNKNOWN for anything unknown or forged), with "awaiting approval" told
   * apart as TERMINAL_PENDING so the agent waits instead of giving up.
   */
  async verify(credential: string | undefined): Promise<AgentTerminalRow> {
    const [id, secret] = (credential ?? '').split('.');
    if (!id || !secret || !/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('TERMINAL_UNKNOWN');
    return checkSecret(await this.#lookup(id.toLowerCase()), secret);
  }

  #lookup(id: string): Promise<StoredRow | null> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ id, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => void this.#drain());
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, BATCH);
      try {
        const rows = (await Terminal.findAll({
          where: { id: [...new Set(batch.map((b) => b.id))] },
          raw: true,
          attributes: [...COLUMNS],
        })) as unknown as StoredRow[];
        const byId = new Map(rows.map((r) => [r.id, r]));
        for (const waiter of batch) waiter.resolve(byId.get(waiter.id) ?? null);
      } catch (err) {
        for (const waiter of batch) waiter.reject(err);
      }
    }
    this.#scheduled = false;
  }
}

function checkSecret(row: StoredRow | null, secret: string): AgentTerminalRow {
  const expected = Buffer.from(row?.secretHash ?? '0'.repeat(64), 'hex');
  const given = Buffer.from(sha256(secret), 'hex');
  if (!row || !row.secretHash || expected.length !== given.length || !timingSafeEqual(expected, given)) throw new AppError('TERMINAL_UNKNOWN');
  if (row.state === 'revoked') throw new AppError('TERMINAL_REVOKED');
  if (row.state === 'pending') throw new AppError('TERMINAL_PENDING');
  if (row.state !== 'active') throw new AppError('TERMINAL_UNKNOWN');
  const { secretHash: _hash, ...terminal } = row;
  return { ...terminal, online: Boolean(terminal.online), info: parseInfo(terminal.info) };
}

/** raw rows carry JSON columns as text on SQLite and as objects on PostgreSQL */
function parseInfo(value: unknown): Record<string, unknown> | null {
  if (typeof value !== 'string') return (value as Record<string, unknown> | null) ?? null;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
