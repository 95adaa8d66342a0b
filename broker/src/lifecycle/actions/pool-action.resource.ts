import type { z } from 'zod';
import { poolActionCreate, poolActionOut, poolActionQuery, poolActionUpdate } from '@yunzhuo/protocol/api/lifecycle';
import { canAccess } from '../../auth/policy.js';
import type { ResourceDef } from '../../http/crud.js';
import { invalidField, requireRef } from '../../auth/references.js';
import { AppError } from '../../lib/app-error.js';
import { Pool } from '../../pools/pool.model.js';
import { unknownPlaceholders } from './command-template.js';
import { presentPoolAction } from '../lifecycle.presenters.js';
import { PoolAction } from './pool-action.model.js';
import { SshHost } from '../ssh/ssh-host.model.js';

type Create = z.output<typeof poolActionCreate>;
type Update = z.output<typeof poolActionUpdate>;

function checkCommand(command: string | undefined): void {
  const unknown = command ? unknownPlaceholders(command) : [];
  if (unknown.length > 0) throw invalidField('command', `unknown placeholder(s): ${unknown.map((n) => `{{${n}}}`).join(', ')}`);
}

/** A pool's SSH action at one lifecycle point; one per pool and point (chain commands in it). */
export const poolActionResource: ResourceDef<PoolAction, Create, Update> = {
  path: 'pool-actions',
  type: 'pool-action',
  model: PoolAction,
  schemas: { create: poolActionCreate, update: poolActionUpdate, query: poolActionQuery, out: poolActionOut },
  scopeColumn: 'siteId',
  countyWideRows: false,
  siteOf: (a) => a.siteId,
  async targetSite(actor, input, existing, t) {
    if (input.sshHostId) {
      const host = await requireRef(actor, SshHost, input.sshHostId, 'sshHostId', (h) => h.siteId, t);
      // an action runs commands with the host's key: only an admin who may change that host may use it
      if (!canAccess(actor, 'write', host.siteId))
        throw new AppError('FORBIDDEN', { resource: 'ssh-host', id: host.id, reason: 'a county SSH host is used by county admins only' });
    }
    if (existing) return existing.siteId;
    const pool = await requireRef(actor, Pool, (input as Create).poolId, 'poolId', (p) => p.siteId, t);
    return pool.siteId;
  },
  filters: (q) => ({ ...(q.poolId ? { poolId: q.poolId } : {}), ...(q.point ? { point: q.point } : {}) }),
  present: presentPoolAction,
  async create(_actor, input, transaction) {
    checkCommand(input.command);
    const pool = await Pool.findByPk(input.poolId, { transaction });
    if (!pool) throw invalidField('poolId', 'no such pool');
    try {
      return await PoolAction.create({ ...input, siteId: pool.siteId }, { transaction });
    } catch (err) {
      if ((err as Error).name === 'SequelizeUniqueConstraintError')
        throw new AppError('CONFLICT', { reason: `the pool already has a ${input.point} action`, poolId: input.poolId, point: input.point });
      throw err;
    }
  },
  async update(_actor, row, input, transaction) {
    checkCommand(input.command);
    return row.update(input, { transaction });
  },
};
