import type { Transaction } from 'sequelize';
import type { z } from 'zod';
import {
  identitySourceCreate,
  identitySourceOut,
  identitySourceQuery,
  identitySourceUpdate,
  type IdentitySourceSettings,
} from '@yunzhuo/protocol/api/identity';
import { Account } from '../accounts/account.model.js';
import type { Actor } from '../auth/actor.js';
import { assertRolesGrantable } from '../auth/policy.js';
import { invalidField, requireRefs, requireWritableSite } from '../auth/references.js';
import { Department } from '../departments/department.model.js';
import type { ResourceDef } from '../http/crud.js';
import { iso } from '../http/refs.js';
import { AppError } from '../lib/app-error.js';
import type { SecretBox } from '../lib/secret-box.js';
import { Pool } from '../pools/pool.model.js';
import { IdentitySource } from './identity-source.model.js';
import { splitSettingsRow, type RowColumns } from './settings-row.js';

type Create = z.output<typeof identitySourceCreate>;
type Update = z.output<typeof identitySourceUpdate>;

export function presentIdentitySource(s: IdentitySource): z.output<typeof identitySourceOut> {
  const { settings } = s;
  return {
    id: s.id,
    name: s.name,
    siteId: s.siteId,
    enabled: s.enabled,
    ...settings,
    hasServicePassword: s.servicePasswordEnc !== null,
    lastSyncAt: iso(s.lastSyncAt),
    createdAt: iso(s.createdAt)!,
    updatedAt: iso(s.updatedAt)!,
  };
}

function splitInput(input: Create | Update): { row: RowColumns; settings: Partial<IdentitySourceSettings>; servicePassword: string | undefined } {
  const {
    row,
    settings: { servicePassword, ...settings },
  } = splitSettingsRow(input);
  return { row, settings: settings as Partial<IdentitySourceSettings>, servicePassword };
}

/** Every department, pool and role a mapping grants must be the actor's to grant. */
async function checkGrants(actor: Actor, settings: Partial<IdentitySourceSettings>, t: Transaction): Promise<void> {
  for (const [i, m] of (settings.groupMappings ?? []).entries()) {
    await requireRefs(actor, Department, m.departmentIds, `groupMappings.${i}.departmentIds`, (d) => d.siteId, t);
    await requireRefs(actor, Pool, m.poolIds, `groupMappings.${i}.poolIds`, (p) => p.siteId, t);
    assertRolesGrantable(actor, m.roles);
  }
  assertRolesGrantable(actor, settings.defaultRoles);
}

function checkBinding(settings: IdentitySourceSettings, hasServicePassword: boolean): void {
  if (settings.bindMode === 'user' && !settings.userDnTemplate) throw invalidField('userDnTemplate', 'bindMode user needs a DN template with {username}');
  if (settings.bindMode === 'search' && (!settings.serviceDn || !hasServicePassword)) {
    throw invalidField('serviceDn', 'bindMode search needs a service account (serviceDn and servicePassword)');
  }
}

/** LDAP / AD sources: the service account's password is sealed with the SecretBox and never shown. */
export function identitySourceResource(secrets: SecretBox): ResourceDef<IdentitySource, Create, Update> {
  return {
    path: 'identity-sources',
    type: 'identity-source',
    model: IdentitySource,
    schemas: { create: identitySourceCreate, update: identitySourceUpdate, query: identitySourceQuery, out: identitySourceOut },
    scopeColumn: 'siteId',
    siteOf: (s) => s.siteId,
    async targetSite(actor, input, existing, t) {
      const siteId = input.siteId !== undefined ? input.siteId : (existing?.siteId ?? null);
      if (siteId) await requireWritableSite(actor, siteId, 'siteId', 'identity-source', t);
      await checkGrants(actor, splitInput(input).settings, t);
      return siteId;
    },
    filters: (q) => (q.siteId ? { siteId: q.siteId } : {}),
    searchColumns: ['name'],
    present: presentIdentitySource,
    async create(_actor, input, transaction) {
      const { row, settings, servicePassword } = splitInput(input);
      const full = settings as IdentitySourceSettings;
      checkBinding(full, servicePassword !== undefined);
      return IdentitySource.create(
        {
          name: input.name,
          siteId: input.siteId,
          enabled: input.enabled,
          ...row,
          settings: full,
          servicePasswordEnc: servicePassword ? secrets.encrypt(servicePassword) : null,
          lastSyncAt: null,
        },
        { transaction },
      );
    },
    async update(_actor, existing, input, transaction) {
      const { row, settings, servicePassword } = splitInput(input);
      const merged: IdentitySourceSettings = { ...existing.settings, ...settings };
      const servicePasswordEnc = servicePassword ? secrets.encrypt(servicePassword) : existing.servicePasswordEnc;
      checkBinding(merged, servicePasswordEnc !== null);
      return existing.update({ ...row, settings: merged, servicePasswordEnc }, { transaction });
    },
    async remove(_actor, row, transaction) {
      const vouched = await Account.count({ where: { identitySourceId: row.id }, transaction });
      if (vouched > 0) throw new AppError('IN_USE', { resource: 'identity-source', id: row.id, accounts: vouched });
      await row.destroy({ transaction });
    },
  };
}
