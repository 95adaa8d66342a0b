import assert from 'node:assert/strict';
import type { Clock } from '../../../broker/src/lib/clock.js';
import type { ApiClient } from '../../helpers/api-client.js';
import { Factory } from '../../helpers/factories.js';
import { startTestProvider, type TestProvider } from '../../helpers/oidc-provider.js';
import { RedirectBrowser } from '../../helpers/redirect-browser.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

export type Seat = Awaited<ReturnType<Factory['windowWithTerminal']>>;
export type Hall = Awaited<ReturnType<Factory['hall']>>;

/** A broker, a real OpenID provider (oidc-provider on port 0) and the county's provider row mapping `hall-clerks` to the hall's department. */
export interface OidcKit {
  broker: TestBroker;
  provider: TestProvider;
  f: Factory;
  hall: Hall;
  sourceId: string;
  /** the callback registered with the provider (the broker's own, or the one `callbackBase` named) */
  redirectUri: string;
  close(): Promise<void>;
}

/**
 * The setup of the window's single sign-on tests. `callbackBase`: the origin the provider answers to,
 * known once the broker is up (another broker on its database, as behind a county's load balancer).
 */
export async function startOidcKit(
  opts: { clock?: Clock; dialect?: 'sqlite' | 'postgres'; desktops?: number; callbackBase?: (broker: TestBroker) => Promise<string> } = {},
): Promise<OidcKit> {
  const broker = await startTestBroker({ ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.dialect ? { dialect: opts.dialect } : {}) });
  try {
    const redirectUri = `${opts.callbackBase ? await opts.callbackBase(broker) : broker.url}/api/v1/auth/oidc/callback`;
    const provider = await startTestProvider(redirectUri);
    const f = new Factory(broker.admin);
    const hall = await f.hall({ desktops: opts.desktops ?? 1 });
    const source = await broker.admin.create('/api/v1/identity-sources/oidc', {
      name: '省统一身份认证平台',
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      redirectUri,
      claimMappings: [{ claim: 'groups', value: 'hall-clerks', departmentIds: [hall.department.id], roles: ['clerk'] }],
    });
    return {
      broker,
      provider,
      f,
      hall,
      sourceId: source.id,
      redirectUri,
      async close() {
        await provider.close();
        await broker.stop();
      },
    };
  } catch (err) {
    await broker.stop();
    throw err;
  }
}

/** The window button: `seat` starts at `client`'s broker, the kiosk browser goes round the provider and stops at the window page with its ticket. */
export async function windowTicket(seat: Seat, sourceId: string, client: ApiClient = seat.client): Promise<string> {
  const start = await client.post('/api/v1/terminal/oidc/start', { sourceId });
  assert.equal(start.status, 200, JSON.stringify(start.body));
  const end = await new RedirectBrowser().open(start.body.authorizationUrl, (u) => u.pathname === '/terminal');
  assert.equal(end.stopped, true, `${end.status} ${end.body}`);
  const ticket = new URLSearchParams(end.url.hash.slice(1)).get('oidcTicket');
  assert.ok(ticket, end.url.href);
  return ticket;
}

export interface IssuedQr {
  id: string;
  url: string;
  qrDataUrl: string;
  expiresAt: string;
  ttlMs: number;
}

/** 扫码登录: a QR code for the terminal of `client` */
export async function issueQr(client: ApiClient, sourceId: string): Promise<IssuedQr> {
  const issued = await client.post('/api/v1/terminal/oidc/qr', { sourceId });
  assert.equal(issued.status, 201, JSON.stringify(issued.body));
  return issued.body as IssuedQr;
}

/** the window's poll of its QR code */
export const pollQr = (client: ApiClient, id: string) => client.get(`/api/v1/terminal/oidc/qr/${id}`);

/** the phone's page (a small Chinese page, never JSON) */
export function assertPhonePage(page: { status: number; body: string }, status: number, text: RegExp): void {
  assert.equal(page.status, status, page.body);
  assert.match(page.body, /^<!doctype html>/, 'a page, never JSON');
  assert.match(page.body, text);
}
