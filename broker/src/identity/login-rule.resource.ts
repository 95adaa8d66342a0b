import type { z } from 'zod';
import { loginRuleCreate, loginRuleOut, loginRuleQuery, loginRuleUpdate, type LoginRuleSettings } from '@yunzhuo/protocol/api/identity';
import { Account } from '../accounts/account.model.js';
import { invalidField, requireRefs, requireWritableSite } from '../auth/references.js';
import { COUNTY_ACCOUNT } from '../auth/policy.js';
import { Department } from '../departments/department.model.js';
import type { ResourceDef } from '../http/crud.js';
import { iso } from '../http/refs.js';
import { Site } from '../sites/site.model.js';
import { LoginRule } from './login-rule.model.js';
import { assertNetworks } from './login-rules.js';
import { splitSettingsRow } from './settings-row.js';

type Create = z.output<typeof loginRuleCreate>;
type Update = z.output<typeof loginRuleUpdate>;

export function presentLoginRule(r: LoginRule): z.output<typeof loginRuleOut> {
  return { id: r.id, name: r.name, siteId: r.siteId, enabled: r.enabled, ...r.settings, createdAt: iso(r.createdAt)!, updatedAt: iso(r.updatedAt)! };
}

/** Login rules, scoped like any site row; every account, department and site they name must be visible. */
export const loginRuleResource: ResourceDef<LoginRule, Create, Update> = {
  path: 'login-rules',
  type: 'login-rule',
  model: LoginRule,
  schemas: { create: loginRuleCreate, update: loginRuleUpdate, query: loginRuleQuery, out: loginRuleOut },
  scopeColumn: 'siteId',
  siteOf: (r) => r.siteId,
  async targetSite(actor, input, existing, t) {
    const siteId = input.siteId !== undefined ? input.siteId : (existing?.siteId ?? null);
    if (siteId) await requireWritableSite(actor, siteId, 'siteId', 'login-rule', t);
    await requireRefs(actor, Department, input.departmentIds, 'departmentIds', (d) => d.siteId, t);
    await requireRefs(actor, Account, input.accountIds, 'accountIds', (a) => a.homeSiteId ?? COUNTY_ACCOUNT, t);
    await requireRefs(actor, Site, input.allowedSiteIds, 'allowedSiteIds', (s) => s.id, t);
    try {
      assertNetworks(input.consoleNetworks ?? []);
    } catch {
      throw invalidField('consoleNetworks', 'an IP address or CIDR such as 10.8.0.0/16');
    }
    return siteId;
  },
  filters: (q) => (q.siteId ? { siteId: q.siteId } : {}),
  searchColumns: ['name'],
  present: presentLoginRule,
  create: (_actor, input, transaction) => {
    const { settings } = splitSettingsRow(input);
    return LoginRule.create({ name: input.name, siteId: input.siteId, enabled: input.enabled, settings: settings as LoginRuleSettings }, { transaction });
  },
  update: (_actor, row, input, transaction) => {
    const { row: fields, settings } = splitSettingsRow(input);
    return row.update({ ...fields, settings: { ...row.settings, ...settings } }, { transaction });
  },
};
