import type { z } from 'zod';
import { desktopCreate, desktopOut, desktopQuery, desktopUpdate } from '@yunzhuo/protocol/api/resources';
import { Account } from '../accounts/account.model.js';
import type { ResourceDef } from '../http/crud.js';
import { iso } from '../http/refs.js';
import { invalidField, requireRef, requireWritableSite } from '../auth/references.js';
import { AppError } from '../lib/app-error.js';
import type { SecretBox } from '../lib/secret-box.js';
import { Pool } from '../pools/pool.model.js';
import { Desktop } from './desktop.model.js';

type Create = z.output<typeof desktopCreate>;
type Update = z.output<typeof desktopUpdate>;

export function presentDesktop(d: Desktop): z.output<typeof desktopOut> {
  return {
    id: d.id,
    poolId: d.poolId,
    siteId: d.siteId,
    name: d.name,
    host: d.host,
    port: d.port,
    rdpUsername: d.rdpUsername,
    state: d.state,
    health: d.health,
    drain: d.drain,
    ownerAccountId: d.ownerAccountId,
    sessionId: d.sessionId,
    stateReason: d.stateReason,
    lastReleasedAt: iso(d.lastReleasedAt),
    createdAt: iso(d.createdAt)!,
    updatedAt: iso(d.updatedAt)!,
  };
}

export function desktopResource(secrets: SecretBox): ResourceDef<Desktop, Create, Update> {
  return {
    path: 'desktops',
    type: 'desktop',
    model: Desktop,
    schemas: { create: desktopCreate, update: desktopUpdate, query: desktopQuery, out: desktopOut },
    scopeColumn: 'siteId',
    siteOf: (d) => d.siteId,
    async targetSite(actor, input, existing, t) {
      const pool = input.poolId ? await requireRef(actor, Pool, input.poolId, 'poolId', (p) => p.siteId, t) : null;
      if (input.siteId) await requireWritableSite(actor, input.siteId, 'siteId', 'desktop', t);
      if (input.ownerAccountId) await requireRef(actor, Account, input.ownerAccountId, 'ownerAccountId', (a) => a.homeSiteId, t);
      return input.siteId ?? pool?.siteId ?? existing!.siteId;
    },
    filters: (q) => ({
      ...(q.poolId ? { poolId: q.poolId } : {}),
      ...(q.siteId ? { siteId: q.siteId } : {}),
      ...(q.state ? { state: q.state } : {}),
      ...(q.health ? { health: q.health } : {}),
    }),
    searchColumns: ['name', 'host'],
    present: presentDesktop,
    async create(_actor, input, transaction) {
      const { rdpPassword, ...rest } = input;
      const pool = await Pool.findByPk(input.poolId, { transaction });
      if (!pool) throw invalidField('poolId', 'no such pool');
      return Desktop.create(
        {
          ...rest,
          siteId: input.siteId ?? pool.siteId,
          rdpPasswordEnc: secrets.encrypt(rdpPassword),
          sessionId: null,
          stateReason: null,
          stateChangedAt: new Date(),
          lastReleasedAt: null,
          lastCheckedAt: null,
        },
        { transaction },
      );
    },
    async update(_actor, row, input, transaction) {
      const { rdpPassword, state, ...rest } = input;
      if (state && row.state === 'assigned') throw new AppError('IN_USE', { reason: 'the desktop has a session; end it or use drain' });
      if (input.poolId && input.poolId !== row.poolId && row.sessionId) throw new AppError('IN_USE', { reason: 'the desktop has a session' });
      return row.update(
        {
          ...rest,
          ...(state ? { state, stateChangedAt: new Date(), stateReason: null } : {}),
          ...(rdpPassword ? { rdpPasswordEnc: secrets.encrypt(rdpPassword) } : {}),
        },
        { transaction },
      );
    },
    async remove(_actor, row, transaction) {
      if (row.sessionId) throw new AppError('IN_USE', { reason: 'the desktop has a session' });
      await row.destroy({ transaction });
    },
  };
}
