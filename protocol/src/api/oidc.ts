import { z } from 'zod';
import { windowLoginOut } from './window.js';
import { idSchema, listQueryBase, patchOf, roleSchema, text } from './common.js';

const claimName = z
  .string()
  .trim()
  .regex(/^[A-Za-z_][A-Za-z0-9_.:-]{0,99}$/, 'a claim name such as groups or preferred_username');

/** A claim value (or one of an array claim's values) → what the user gets; the union over every hit. */
export const claimMappingSchema = z
  .object({
    claim: claimName.default('groups'),
    value: z.string().trim().min(1).max(300),
    departmentIds: z.array(idSchema).max(50).default([]),
    poolIds: z.array(idSchema).max(50).default([]),
    roles: z.array(roleSchema).max(4).default([]),
  })
  .strict();

/**
 * An OpenID Connect provider (the province's 统一身份认证 platform): authorization code + PKCE,
 * state and nonce checked. A user whose claims hit no mapping is refused; one that hits is made
 * an account at the first sign-in (just in time). The client secret is sealed and never returned.
 */
export const oidcSourceCreate = z
  .object({
    name: text(200),
    siteId: idSchema.nullable().default(null),
    enabled: z.boolean().default(true),
    issuer: z.string().trim().url().max(500),
    clientId: z.string().trim().min(1).max(200),
    clientSecret: z.string().min(1).max(500).optional(),
    /** the broker's callback as registered with the provider: https://yunzhuo.county.gov.cn/api/v1/auth/oidc/callback */
    redirectUri: z
      .string()
      .trim()
      .url()
      .max(500)
      .regex(/\/api\/v1\/auth\/oidc\/callback$/, 'ends with /api/v1/auth/oidc/callback'),
    scopes: z
      .array(z.string().regex(/^[\x21-\x7e]{1,64}$/))
      .max(20)
      .default(['openid', 'profile']),
    usernameClaim: claimName.default('preferred_username'),
    displayNameClaim: claimName.default('name'),
    claimMappings: z.array(claimMappingSchema).min(1).max(200),
    /** roles of a mapped user whose mappings give none */
    defaultRoles: z.array(roleSchema).max(4).default(['clerk']),
    /** 扫码登录: the window page may show a QR code that the provincial app on a phone signs in with */
    allowQr: z.boolean().default(false),
  })
  .strict();
export const oidcSourceUpdate = patchOf(oidcSourceCreate);
export const oidcSourceQuery = z
  .object({ ...listQueryBase, sort: z.enum(['name', 'createdAt']).default('name'), siteId: idSchema.optional(), q: z.string().max(100).optional() })
  .strict();
export const oidcSourceOut = z.object({
  id: z.string(),
  name: z.string(),
  siteId: z.string().nullable(),
  enabled: z.boolean(),
  issuer: z.string(),
  clientId: z.string(),
  hasClientSecret: z.boolean(),
  redirectUri: z.string(),
  scopes: z.array(z.string()),
  usernameClaim: z.string(),
  displayNameClaim: z.string(),
  claimMappings: z.array(
    z.object({ claim: z.string(), value: z.string(), departmentIds: z.array(z.string()), poolIds: z.array(z.string()), roles: z.array(z.string()) }),
  ),
  defaultRoles: z.array(z.string()),
  allowQr: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OidcSourceSettings = Omit<z.output<typeof oidcSourceCreate>, 'name' | 'siteId' | 'enabled' | 'clientSecret'>;

/** `GET /api/v1/auth/oidc/{id}/start`: where the browser goes back to after a console sign-in (a path of ours) */
export const oidcStartQuery = z
  .object({
    returnTo: z
      .string()
      .regex(/^\/(?!\/)[\x21-\x7e]{0,300}$/, 'a path on this server')
      .default('/console/'),
  })
  .strict();
export const oidcCallbackQuery = z.object({ state: z.string().min(1).max(200) }).passthrough();

/** The window page's single sign-on (the clerk at a thin client): start at the terminal, come back with a ticket. */
export const windowOidcStartBody = z
  .object({
    sourceId: idSchema,
    returnTo: z
      .string()
      .regex(/^\/(?!\/)[\x21-\x7e]{0,300}$/, 'a path on this server')
      .default('/terminal'),
  })
  .strict();
export const windowOidcStartOut = z.object({ authorizationUrl: z.string() });
/** the ticket from the page's `#oidcTicket=…`, redeemed by the terminal it was issued for */
export const windowOidcLoginBody = z
  .object({
    ticket: z.string().min(20).max(100),
    poolId: idSchema.optional(),
    exceptPoolIds: z.array(idSchema).max(20).optional(),
  })
  .strict();

/** `POST /identity-sources/oidc/{id}/test` (测试连接): the provider's discovery document read */
export const oidcSourceTestOut = z.object({
  ok: z.boolean(),
  ms: z.number(),
  issuer: z.string().nullable(),
  authorizationEndpoint: z.string().nullable(),
  error: z.string().nullable(),
});
/** `GET /terminal/oidc/sources`: the providers offered at this terminal's site (its own, an ancestor's, or county-wide) */
export const windowOidcSourcesOut = z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), qr: z.boolean() })) });
/** a window's single sign-on answered like a password login, with the login name the provider gave (for the window's bar) */
export const windowOidcLoginOut = windowLoginOut.extend({ username: z.string() });

/** 扫码登录 (docs/IDENTITY.md): the window page asks for a QR code of a provider that allows it */
export const windowQrBody = z.object({ sourceId: idSchema }).strict();
/** the id (≥128 bits, single use) is a path segment of `url`, the short broker URL the QR code shows */
export const qrIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22,64}$/, 'a QR sign-in id');
export const qrParams = z.object({ id: qrIdSchema }).strict();
export const windowQrOut = z.object({ id: z.string(), url: z.string(), qrDataUrl: z.string(), expiresAt: z.string(), ttlMs: z.number().int() });
/** the window polls its QR code: waiting (shown), scanned (the phone is at the provider), signed-in (with the one-time ticket) */
export const windowQrPollOut = z.discriminatedUnion('state', [
  z.object({ state: z.literal('waiting'), expiresAt: z.string() }),
  z.object({ state: z.literal('scanned'), expiresAt: z.string() }),
  z.object({ state: z.literal('signed-in'), ticket: z.string() }),
]);
