import { z } from 'zod';
import { idSchema, listQueryBase, patchOf, roleSchema, text } from './common.js';

const stamp = { createdAt: z.string(), updatedAt: z.string() };
const dnSchema = z.string().trim().min(3).max(500).regex(/=/, 'an LDAP DN such as ou=people,dc=county,dc=gov');
const ldapUrl = z
  .string()
  .trim()
  .max(300)
  .regex(/^ldaps?:\/\/[^\s/?#]+\/?$/, 'ldap://host:389 or ldaps://host:636');

/** Directory groups (by DN) → what their members get; an account gets the union of its groups' grants. */
export const groupMappingSchema = z
  .object({
    groupDn: dnSchema,
    departmentIds: z.array(idSchema).max(50).default([]),
    poolIds: z.array(idSchema).max(50).default([]),
    roles: z.array(roleSchema).max(4).default([]),
  })
  .strict();

/**
 * An LDAP / Active Directory identity source. `flavor: ad` finds nested groups with AD's
 * in-chain rule (1.2.840.113556.1.4.1941); `openldap` walks member/memberOf itself.
 * `bindMode: user` binds as `userDnTemplate` with {username}; `search` finds the entry with the
 * service account first (its password is sealed at rest and never returned).
 */
export const identitySourceCreate = z
  .object({
    name: text(200),
    siteId: idSchema.nullable().default(null),
    enabled: z.boolean().default(true),
    flavor: z.enum(['openldap', 'ad']).default('openldap'),
    /** one or two servers; the second is asked when the first does not answer */
    urls: z.array(ldapUrl).min(1).max(2),
    startTls: z.boolean().default(false),
    /** PEM of the CA that signed the directory's certificate (LDAPS / StartTLS) */
    caCertificate: z
      .string()
      .max(20_000)
      .regex(/-----BEGIN CERTIFICATE-----/, 'a PEM certificate')
      .nullable()
      .default(null),
    timeoutMs: z.number().int().min(200).max(60_000).default(5000),
    baseDn: dnSchema,
    bindMode: z.enum(['user', 'search']).default('search'),
    userDnTemplate: z
      .string()
      .trim()
      .max(500)
      .regex(/\{username\}/, 'contains {username}')
      .nullable()
      .default(null),
    serviceDn: dnSchema.nullable().default(null),
    servicePassword: z.string().min(1).max(500).optional(),
    userFilter: z
      .string()
      .trim()
      .max(500)
      .regex(/^\(.*\{username\}.*\)$/, 'an LDAP filter with {username}')
      .default('(uid={username})'),
    loginAttribute: z
      .string()
      .trim()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/)
      .default('uid'),
    displayNameAttribute: z
      .string()
      .trim()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/)
      .default('cn'),
    groupBaseDn: dnSchema.nullable().default(null),
    groupMappings: z.array(groupMappingSchema).max(200).default([]),
    /** roles of an account no mapped group grants a role */
    defaultRoles: z.array(roleSchema).max(4).default(['clerk']),
    syncIntervalMinutes: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60)
      .default(60),
  })
  .strict();
export const identitySourceUpdate = patchOf(identitySourceCreate);
export const identitySourceQuery = z
  .object({ ...listQueryBase, sort: z.enum(['name', 'createdAt']).default('name'), siteId: idSchema.optional(), q: z.string().max(100).optional() })
  .strict();
export const identitySourceOut = z.object({
  id: z.string(),
  name: z.string(),
  siteId: z.string().nullable(),
  enabled: z.boolean(),
  flavor: z.string(),
  urls: z.array(z.string()),
  startTls: z.boolean(),
  caCertificate: z.string().nullable(),
  timeoutMs: z.number(),
  baseDn: z.string(),
  bindMode: z.string(),
  userDnTemplate: z.string().nullable(),
  serviceDn: z.string().nullable(),
  hasServicePassword: z.boolean(),
  userFilter: z.string(),
  loginAttribute: z.string(),
  displayNameAttribute: z.string(),
  groupBaseDn: z.string().nullable(),
  groupMappings: z.array(z.object({ groupDn: z.string(), departmentIds: z.array(z.string()), poolIds: z.array(z.string()), roles: z.array(z.string()) })),
  defaultRoles: z.array(z.string()),
  syncIntervalMinutes: z.number(),
  lastSyncAt: z.string().nullable(),
  ...stamp,
});
export type IdentitySourceSettings = Omit<z.output<typeof identitySourceCreate>, 'name' | 'siteId' | 'enabled' | 'servicePassword'>;
export const identitySourceSyncOut = z.object({ checked: z.number().int(), disabled: z.number().int() });

/* ---------- login rules ---------- */
function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
const cidrSchema = z
  .string()
  .trim()
  .max(64)
  .regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, 'an IP address or CIDR such as 10.8.0.0/16');

/**
 * Who may log in where and when. A rule applies to the accounts of its site's subtree (every
 * account when county-wide) that have one of `roles`, one of `departmentIds` or are listed in
 * `accountIds` (all of them when the three are empty). Every restriction set must hold.
 */
export const loginRuleCreate = z
  .object({
    name: text(200),
    siteId: idSchema.nullable().default(null),
    enabled: z.boolean().default(true),
    roles: z.array(roleSchema).max(4).default([]),
    departmentIds: z.array(idSchema).max(50).default([]),
    accountIds: z.array(idSchema).max(200).default([]),
    /** window logins only at windows of the account's home site (or its subtree) */
    windowsAtHomeSite: z.boolean().default(false),
    /** window logins only at windows of these sites (or their subtrees) */
    allowedSiteIds: z.array(idSchema).max(50).default([]),
    /** only between `from` and `to` local time, on working days (the holiday calendar) when `workingDaysOnly` */
    hours: z
      .object({
        from: hhmm,
        to: hhmm,
        workingDaysOnly: z.boolean().default(true),
        timeZone: z.string().min(1).max(64).refine(validTimeZone, 'an IANA time zone such as Asia/Shanghai').default('Asia/Shanghai'),
      })
      .strict()
      .nullable()
      .default(null),
    /** console sign-in only from these client networks */
    consoleNetworks: z.array(cidrSchema).max(50).default([]),
  })
  .strict();
export const loginRuleUpdate = patchOf(loginRuleCreate);
export const loginRuleQuery = z
  .object({ ...listQueryBase, sort: z.enum(['name', 'createdAt']).default('name'), siteId: idSchema.optional(), q: z.string().max(100).optional() })
  .strict();
export const loginRuleOut = z.object({
  id: z.string(),
  name: z.string(),
  siteId: z.string().nullable(),
  enabled: z.boolean(),
  roles: z.array(z.string()),
  departmentIds: z.array(z.string()),
  accountIds: z.array(z.string()),
  windowsAtHomeSite: z.boolean(),
  allowedSiteIds: z.array(z.string()),
  hours: z.object({ from: z.string(), to: z.string(), workingDaysOnly: z.boolean(), timeZone: z.string() }).nullable(),
  consoleNetworks: z.array(z.string()),
  ...stamp,
});
export type LoginRuleSettings = Omit<z.output<typeof loginRuleCreate>, 'name' | 'siteId' | 'enabled'>;

/** `POST /identity-sources/{id}/test` (测试连接): each server asked, and the users a sync would check */
export const identitySourceTestOut = z.object({
  ok: z.boolean(),
  servers: z.array(z.object({ url: z.string(), ok: z.boolean(), ms: z.number(), error: z.string().nullable() })),
  users: z.number().int().nullable(),
});
