import type { Transaction } from 'sequelize';
import type { Actor } from '../../auth/actor.js';
import type { AuditService } from '../../audit/audit.service.js';
import { writeTransaction } from '../../db/write-transaction.js';
import type { Clock } from '../../lib/clock.js';
import { SshKnownHost } from './ssh-host.model.js';

export type PinCheck = 'pinned-now' | 'matches' | 'conflict';

/**
 * The pinned host key of every SSH endpoint. A key is pinned by an admin or at first use;
 * after that any other key is refused until an admin replaces or forgets the pin.
 */
export class KnownHosts {
  constructor(
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async pinned(host: string, port: number): Promise<string | null> {
    return (await SshKnownHost.findOne({ where: { host, port } }))?.fingerprint ?? null;
  }

  /** Records the key seen at first use; a concurrent first use of another key loses (`conflict`). */
  async pinFirstUse(host: string, port: number, fingerprint: string): Promise<PinCheck> {
    try {
      const row = await SshKnownHost.create({ host, port, fingerprint, source: 'first-use', pinnedAt: new Date(this.clock.now()) });
      await this.audit.record(null, {
        action: 'ssh.host-key-pinned',
        targetType: 'ssh-known-host',
        targetId: row.id,
        details: { host, port, fingerprint, source: 'first-use' },
      });
      return 'pinned-now';
    } catch (err) {
      if ((err as Error).name !== 'SequelizeUniqueConstraintError') throw err;
      return (await this.pinned(host, port)) === fingerprint ? 'matches' : 'conflict';
    }
  }

  /** An admin's pin replaces whatever was there. */
  /** An admin's pin replaces whatever was there; given a write's transaction, it joins it. */
  async set(actor: Actor | null, host: string, port: number, fingerprint: string, transaction?: Transaction): Promise<SshKnownHost> {
    const write = (t: Transaction) => this.#set(actor, host, port, fingerprint, t);
    return transaction ? write(transaction) : writeTransaction(SshKnownHost.sequelize!, write);
  }

  async #set(actor: Actor | null, host: string, port: number, fingerprint: string, transaction: Transaction): Promise<SshKnownHost> {
    const existing = await SshKnownHost.findOne({ where: { host, port }, transaction, lock: true });
    const before = existing ? { fingerprint: existing.fingerprint, source: existing.source } : null;
    const row = existing
      ? await existing.update({ fingerprint, source: 'admin', pinnedAt: new Date(this.clock.now()) }, { transaction })
      : await SshKnownHost.create({ host, port, fingerprint, source: 'admin', pinnedAt: new Date(this.clock.now()) }, { transaction });
    await this.audit.record(
      actor,
      {
        action: 'ssh.host-key-pinned',
        targetType: 'ssh-known-host',
        targetId: row.id,
        before,
        after: { fingerprint, source: 'admin' },
        details: { host, port },
      },
      transaction,
    );
    return row;
  }

  async forget(actor: Actor | null, row: SshKnownHost, transaction?: Transaction): Promise<void> {
    const write = async (t: Transaction) => {
      await row.destroy({ transaction: t });
      await this.audit.record(
        actor,
        {
          action: 'ssh.host-key-forgotten',
          targetType: 'ssh-known-host',
          targetId: row.id,
          details: { host: row.host, port: row.port, fingerprint: row.fingerprint },
        },
        t,
      );
    };
    await (transaction ? write(transaction) : writeTransaction(SshKnownHost.sequelize!, write));
  }
}
