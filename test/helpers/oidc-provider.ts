import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

/** A person the provider knows: `sub` and the claims it releases (profile scope). */
export interface ProviderUser {
  sub: string;
  preferred_username: string;
  name: string;
  groups: string[];
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** who signs in at the next interaction (the person at the provider's page) */
  signInAs(user: ProviderUser): void;
  /** the next token answer's `id_token` goes through `change` on its way to the broker (a man in the middle) */
  tamperNextIdToken(change: (idToken: string) => string): void;
  close(): Promise<void>;
}

/**
 * A real, certified OpenID provider (`oidc-provider`) on 127.0.0.1 port 0: code flow with PKCE
 * required, RS256 ID tokens, a confidential client whose redirect is the broker's callback. Its
 * login page is replaced by an interaction that signs in the person the test names (no form to
 * scrape); consent is implied, as for a first-party client.
 */
export async function startTestProvider(redirectUri: string): Promise<TestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const users = new Map<string, ProviderUser>();
  let current: ProviderUser | null = null;
  const clientId = 'yunzhuo';
  const clientSecret = randomBytes(24).toString('hex');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', use: 'sig', alg: 'RS256' }] },
    pkce: { required: () => true },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    // explicit lifetimes, s (the provider's defaults print a notice each)
    ttl: { Interaction: 600, Grant: 3600, Session: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'groups'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const user = users.get(sub);
      return user ? { accountId: sub, claims: () => ({ ...user }) } : undefined;
    },
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = session.grantIdFor(client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid profile');
      await grant.save();
      return grant;
    },
  });
  const callback = provider.callback();
  let tamper: ((idToken: string) => string) | null = null;
  server.on('request', (req, res) => {
    if (req.method === 'POST' && req.url?.startsWith('/token') && tamper) {
      const change = tamper;
      tamper = null;
      const end = res.end.bind(res) as (chunk: unknown) => typeof res;
      // koa answers with one res.end(body) before any header is sent: the body can still be swapped
      res.end = ((chunk: unknown) => {
        const answer = JSON.parse(String(chunk)) as { id_token?: string };
        if (answer.id_token) answer.id_token = change(answer.id_token);
        const text = JSON.stringify(answer);
        res.setHeader('content-length', Buffer.byteLength(text));
        return end(text);
      }) as typeof res.end;
    }
    if (!req.url?.startsWith('/interaction/')) return void callback(req, res);
    void (async () => {
      if (!current) throw new Error('the test named no one to sign in');
      users.set(current.sub, current);
      await provider.interactionDetails(req, res);
      await provider.interactionFinished(req, res, { login: { accountId: current.sub } }, { mergeWithLastSubmission: false });
    })().catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  return {
    issuer,
    clientId,
    clientSecret,
    signInAs(user) {
      current = user;
    },
    tamperNextIdToken(change) {
      tamper = change;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
