import type { Sequelize } from 'sequelize';
import type { z } from 'zod';
import type { identitySourceSyncOut } from '@yunzhuo/protocol/api/identity';
import { Account } from '../accounts/account.model.js';
import { systemActor, type Actor } from '../auth/actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { writeTransaction } from '../db/write-transaction.js';
import { every, type Clock } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';
import type { Logger } from '../lib/logger.js';
import type { DirectoryLogin } from './directory-login.js';
import { IdentitySource } from './identity-source.model.js';
import type { DirectoryProbe } from './ldap-directory.js';
import { dnKey } from './ldap-text.js';

/** How often the broker looks for a source whose sync is due (each has its own interval). */
const TICK_MS = 60_000;

/**
 * Disables the accounts whose directory entry is gone (the clerk left), each audited. A listing
 * with no user at all disables nobody: that is a wrong base DN or filter, not a county emptied.
 */
export class DirectorySync {
  #running = false;
  #stop: (() => void) | null = null;

  constructor(
    private readonly deps: { sequelize: Sequelize; directory: DirectoryLogin; audit: AuditService; events: LiveEvents; clock: Clock; logger: Logger },
  ) {}

  start(): void {
    this.#stop = every(this.deps.clock, TICK_MS, () => void this.syncDue());
  }

  close(): void {
    this.#stop?.();
  }

  /** Every enabled source whose interval has passed since its last sync, one after another. */
  async syncDue(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      const now = this.deps.clock.now();
      for (const source of await IdentitySource.findAll({ where: { enabled: true } })) {
        const due = !source.lastSyncAt || now - source.lastSyncAt.getTime() >= source.settings.syncIntervalMinutes * 60_000;
        if (!due) continue;
        await this.syncSource(source).catch((err: unknown) => this.deps.logger.warn({ err, source: source.id }, 'directory sync failed'));
      }
    } finally {
      this.#running = false;
    }
  }

  /** 测试连接 from the console: every server of the source asked now. */
  probeSource(source: IdentitySource): Promise<DirectoryProbe> {
    return this.deps.directory.directoryOf(source).probe();
  }

  async syncSource(source: IdentitySource, actor: Actor = systemActor()): Promise<z.output<typeof identitySourceSyncOut>> {
    const present = await this.deps.directory.directoryOf(source).listUserDns();
    const accounts = await Account.findAll({ where: { identitySourceId: source.id, disabled: false } });
    const left = present.size === 0 ? [] : accounts.filter((a) => a.externalDn && !present.has(dnKey(a.externalDn)));
    if (present.size === 0 && accounts.length > 0) this.deps.logger.warn({ source: source.id }, 'directory sync listed no user: nobody disabled');
    for (const account of left) {
      // the account and its audit event together: nobody sees one without the other
      await writeTransaction(this.deps.sequelize, async (transaction) => {
        await account.update({ disabled: true }, { transaction });
        await this.deps.audit.record(
          actor,
          {
            action: 'account.disable',
            targetType: 'account',
            targetId: account.id,
            siteId: account.homeSiteId,
            before: { disabled: false },
            after: { disabled: true },
            details: { reason: 'left-directory', identitySourceId: source.id, dn: account.externalDn },
          },
          transaction,
        );
      });
      this.deps.events.publish('resource.changed', { resource: 'accounts', id: account.id, action: 'update', siteId: account.homeSiteId });
    }
    await source.update({ lastSyncAt: new Date(this.deps.clock.now()) });
    return { checked: accounts.length, disabled: left.length };
  }
}
