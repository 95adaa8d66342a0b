import type { Transaction } from 'sequelize';
import type { z } from 'zod';
import { oidcSourceCreate, oidcSourceOut, oidcSourceQuery, oidcSourceUpdate, type OidcSourceSettings } from '@yunzhuo/protocol/api/oidc';
import { Account } from '../accounts/account.model.js';
import type { Actor } from '../auth/actor.js';
import { assertRolesGrantable } from '../auth/policy.js';
import { requireRefs, requireWritableSite } from '../auth/references.js';
import { Department } from '../departments/department.model.js';
import type { ResourceDef } from '../http/crud.js';
import { iso } from '../http/refs.js';
import { AppError } from '../lib/app-error.js';
import type { SecretBox } from '../lib/secret-box.js';
import { Pool } from '../pools/pool.model.js';
import { OidcSource } from './oidc-source.model.js';
import { splitSettingsRow } from './settings-row.js';

type Create = z.output<typeof oidcSourceCreate>;
type Update = z.output<typeof oidcSourceUpdate>;

export function presentOidcSource(s: OidcSource): z.output<typeof oidcSourceOut> {
  return {
    id: s.id,
    name: s.name,
    siteId: s.siteId,
    enabled: s.enabled,
    ...s.settings,
    allowQr: s.settings.allowQr ?? false, // a source written before 扫码登录 has no flag
    hasClientSecret: s.clientSecretEnc !== null,
    createdAt: iso(s.createdAt)!,
    updatedAt: iso(s.updatedAt)!,
  };
}

function splitInput(input: Create | Update) {
  const {
    row,
    settings: { clientSecret, ...settings },
  } = splitSettingsRow(input);
  return { row, settings: settings as Partial<OidcSourceSettings>, clientSecret };
}

async function checkGrants(actor: Actor, settings: Partial<OidcSourceSettings>, t: Transaction): Promise<void> {
  for (const [i, m] of (settings.claimMappings ?? []).entries()) {
    await requireRefs(actor, Department, m.departmentIds, `claimMappings.${i}.departmentIds`, (d) => d.siteId, t);
    await requireRefs(actor, Pool, m.poolIds, `claimMappings.${i}.poolIds`, (p) => p.siteId, t);
    assertRolesGrantable(actor, m.roles);
  }
  assertRolesGrantable(actor, settings.defaultRoles);
}

/** `/identity-sources/oidc`: OpenID Connect providers; the client secret is sealed and never shown. */
export function oidcSourceResource(secrets: SecretBox): ResourceDef<OidcSource, Create, Update> {
  return {
    path: 'identity-sources/oidc',
    type: 'oidc-source',
    model: OidcSource,
    schemas: { create: oidcSourceCreate, update: oidcSourceUpdate, query: oidcSourceQuery, out: oidcSourceOut },
    scopeColumn: 'siteId',
    siteOf: (s) => s.siteId,
    async targetSite(actor, input, existing, t) {
      const siteId = input.siteId !== undefined ? input.siteId : (existing?.siteId ?? null);
      if (siteId) await requireWritableSite(actor, siteId, 'siteId', 'oidc-source', t);
      await checkGrants(actor, splitInput(input).settings, t);
      return siteId;
    },
    filters: (q) => (q.siteId ? { siteId: q.siteId } : {}),
    searchColumns: ['name'],
    present: presentOidcSource,
    async create(_actor, input, transaction) {
      const { row, settings, clientSecret } = splitInput(input);
      return OidcSource.create(
        {
          name: input.name,
          siteId: input.siteId,
          enabled: input.enabled,
          ...row,
          settings: settings as OidcSourceSettings,
          clientSecretEnc: clientSecret ? secrets.encrypt(clientSecret) : null,
        },
        { transaction },
      );
    },
    async update(_actor, existing, input, transaction) {
      const { row, settings, clientSecret } = splitInput(input);
      const clientSecretEnc = clientSecret ? secrets.encrypt(clientSecret) : existing.clientSecretEnc;
      return existing.update({ ...row, settings: { ...existing.settings, ...settings }, clientSecretEnc }, { transaction });
    },
    async remove(_actor, row, transaction) {
      const vouched = await Account.count({ where: { identitySourceId: row.id }, transaction });
      if (vouched > 0) throw new AppError('IN_USE', { resource: 'oidc-source', id: row.id, accounts: vouched });
      await row.destroy({ transaction });
    },
  };
}
