import type { z } from 'zod';
import type {
  identitySourceCreate,
  identitySourceOut,
  identitySourceQuery,
  identitySourceSyncOut,
  identitySourceTestOut,
  identitySourceUpdate,
  loginRuleCreate,
  loginRuleOut,
  loginRuleQuery,
  loginRuleUpdate,
} from '@yunzhuo/protocol/api/identity';
import type { oidcSourceCreate, oidcSourceOut, oidcSourceQuery, oidcSourceTestOut, oidcSourceUpdate } from '@yunzhuo/protocol/api/oidc';
import { api } from './client';
import { crudResource } from './resource';

export type LdapSource = z.output<typeof identitySourceOut>;
export type OidcSource = z.output<typeof oidcSourceOut>;
export type LoginRule = z.output<typeof loginRuleOut>;
export type LdapProbe = z.output<typeof identitySourceTestOut>;
export type OidcProbe = z.output<typeof oidcSourceTestOut>;
export type DirectorySyncResult = z.output<typeof identitySourceSyncOut>;

/** Identity sources (docs/IDENTITY.md): LDAP / AD directories, OpenID Connect providers, login rules. */
export const ldapSources = crudResource<
  LdapSource,
  z.input<typeof identitySourceCreate>,
  z.input<typeof identitySourceUpdate>,
  z.input<typeof identitySourceQuery>
>('identity-sources');
export const oidcSources = crudResource<OidcSource, z.input<typeof oidcSourceCreate>, z.input<typeof oidcSourceUpdate>, z.input<typeof oidcSourceQuery>>(
  'identity-sources/oidc',
);
export const loginRules = crudResource<LoginRule, z.input<typeof loginRuleCreate>, z.input<typeof loginRuleUpdate>, z.input<typeof loginRuleQuery>>(
  'login-rules',
);

export const identityApi = {
  testLdap: (id: string) => api.post<LdapProbe>(`/identity-sources/${encodeURIComponent(id)}/test`),
  syncLdap: (id: string) => api.post<DirectorySyncResult>(`/identity-sources/${encodeURIComponent(id)}/sync`),
  testOidc: (id: string) => api.post<OidcProbe>(`/identity-sources/oidc/${encodeURIComponent(id)}/test`),
};
