import assert from 'node:assert/strict';
import { AuditEvent } from '../../../broker/src/audit/audit-event.model.js';
import { QR_MS } from '../../../broker/src/identity/oidc-qr.js';
import { systemClock, type Clock } from '../../../broker/src/lib/clock.js';
import { DesktopSession } from '../../../broker/src/sessions/session.model.js';
import { ApiClient, assertError } from '../../helpers/api-client.js';
import { startBrokerProcess, type BrokerProcess } from '../../helpers/broker-process.js';
import { RedirectBrowser } from '../../helpers/redirect-browser.js';
import { ADMIN_PASSWORD } from '../../helpers/start-broker.js';
import { assertPhonePage, issueQr, pollQr, startOidcKit, windowTicket, type OidcKit, type Seat } from './oidc-test-kit.js';

/**
 * Issue 18, 扫码登录 in a county that runs several brokers on one PostgreSQL behind a load balancer
 * (PostgreSQL only by nature: `.mocharc.json` runs it, `.mocharc.postgres.json` leaves it out). Broker A
 * runs in this process (its clock can be moved), broker B is its own OS process on the same database
 * and data directory; the provider answers B (the registered callback), the phone and the window reach
 * either. Nothing of a sign-in may live in one broker's memory.
 */
describe('扫码登录 across two brokers on one PostgreSQL', function () {
  this.timeout(120_000);
  /** broker A's clock: the system's, moved on by the test (a code issued on B runs out on A) */
  let aheadMs = 0;
  const clockA: Clock = { ...systemClock, now: () => Date.now() + aheadMs };
  let kit: OidcKit;
  let b: BrokerProcess | undefined;
  const atProvider = (u: URL) => u.origin === new URL(kit.provider.issuer).origin;
  const atCallback = (u: URL) => u.pathname === '/api/v1/auth/oidc/callback';
  /** the same path on another broker (where the load balancer sent this request) */
  const on = (broker: { url: string }, url: string) => {
    const moved = new URL(url);
    return `${broker.url}${moved.pathname}${moved.search}`;
  };
  /** a window: its page talks to A (`seat.client`) or to B (`atB`) with the one credential */
  const seatOf = async () => {
    const seat = await kit.f.windowWithTerminal(kit.hall.site.id);
    return { ...seat, atB: ApiClient.forTerminal(b!.url, seat.terminal.credential) };
  };
  const eventsAt = async (action: string, seat: Seat) =>
    (await AuditEvent.findAll({ where: { action } })).filter((e) => e.details?.terminalId === seat.terminal.id);

  before(async () => {
    kit = await startOidcKit({
      clock: clockA,
      dialect: 'postgres',
      desktops: 3,
      callbackBase: async (a) => {
        b = await startBrokerProcess({
          YUNZHUO_DATA_DIR: a.dataDir,
          YUNZHUO_DATABASE_URL: a.databaseUrl,
          YUNZHUO_ADMIN_PASSWORD: ADMIN_PASSWORD,
          YUNZHUO_RECONCILE_INTERVAL_SECONDS: '3600',
        });
        return b.url;
      },
    });
    await kit.broker.admin.patch(`/api/v1/identity-sources/oidc/${kit.sourceId}`, { allowQr: true });
  });
  after(async () => {
    await b?.stop();
    await kit?.close();
  });

  it('code from A, scan on A, callback on B, polls on both at once: the terminal gets its ticket and its session exactly once', async () => {
    kit.provider.signInAs({ sub: '4001', preferred_username: 'fengjing', name: '冯静', groups: ['hall-clerks'] });
    const seat = await seatOf();
    const qr = await issueQr(seat.client, kit.sourceId);
    assert.equal(qr.url, `${b!.url}/api/v1/oidc/qr/${qr.id}`, "the QR code names the registered callback's origin");

    const phone = new RedirectBrowser();
    const toProvider = await phone.open(on(kit.broker, qr.url), atProvider);
    assert.equal(toProvider.stopped, true, `${toProvider.status} ${toProvider.body}`);
    assert.equal((await pollQr(seat.atB, qr.id)).body.state, 'scanned');
    assertPhonePage(await new RedirectBrowser().open(qr.url), 409, /OIDC_QR_USED/);

    const back = await phone.open(toProvider.url.href, atCallback);
    assert.equal(back.url.origin, b!.url, 'the provider answers B');
    assertPhonePage(await phone.open(back.url.href), 200, /已登录，请回到窗口/);
    const replayed = await phone.open(on(kit.broker, back.url.href), () => true);
    assert.equal(replayed.url.hash, '#oidcError=OIDC_STATE_INVALID', 'the state was used on B');

    const polls = await Promise.all([pollQr(seat.client, qr.id), pollQr(seat.atB, qr.id)]);
    const signedIn = polls.filter((p) => p.body.state === 'signed-in');
    assert.equal(signedIn.length, 1, JSON.stringify(polls.map((p) => p.body)));
    for (const p of polls.filter((p) => p !== signedIn[0])) assertError(p, 404, 'NOT_FOUND');
    const ticket = signedIn[0]!.body.ticket as string;

    const tries = await Promise.all([
      seat.atB.post('/api/v1/terminal/sessions/oidc', { ticket }),
      seat.client.post('/api/v1/terminal/sessions/oidc', { ticket }),
    ]);
    const logins = tries.filter((t) => t.status === 201);
    assert.equal(logins.length, 1, JSON.stringify(tries.map((t) => t.body)));
    assert.equal(logins[0]!.body.username, 'fengjing');
    for (const t of tries.filter((t) => t !== logins[0])) assertError(t, 400, 'OIDC_STATE_INVALID');
    assert.equal(await DesktopSession.count({ where: { terminalId: seat.terminal.id } }), 1);
    const audited = await eventsAt('auth.oidc.window', seat);
    assert.deepEqual(
      audited.map((e) => [e.actorName, e.details?.channel]),
      [['fengjing', 'qr']],
    );
  });

  it('two phones open one code on A and on B at once: one goes to the provider, the other is told the code is used', async () => {
    kit.provider.signInAs({ sub: '4002', preferred_username: 'tangwei', name: '唐伟', groups: ['hall-clerks'] });
    const seat = await seatOf();
    const qr = await issueQr(seat.atB, kit.sourceId);
    const [onA, onB] = await Promise.all([new RedirectBrowser().open(on(kit.broker, qr.url), atProvider), new RedirectBrowser().open(qr.url, atProvider)]);
    const scans = [onA, onB];
    assert.equal(scans.filter((s) => s.stopped).length, 1, scans.map((s) => `${s.status} ${s.url.href}`).join('\n'));
    const used = scans.find((s) => !s.stopped)!;
    assertPhonePage(used, 409, /OIDC_QR_USED/);
    assert.equal((await pollQr(seat.client, qr.id)).body.state, 'scanned');
  });

  it('the window button: started on A, answered on B, redeemed on A; audited once', async () => {
    kit.provider.signInAs({ sub: '4003', preferred_username: 'lujia', name: '陆佳', groups: ['hall-clerks'] });
    const seat = await seatOf();
    const ticket = await windowTicket(seat, kit.sourceId);
    const login = await seat.client.post('/api/v1/terminal/sessions/oidc', { ticket });
    assert.equal(login.status, 201, JSON.stringify(login.body));
    assertError(await seat.atB.post('/api/v1/terminal/sessions/oidc', { ticket }), 400, 'OIDC_STATE_INVALID');
    assert.deepEqual(
      (await eventsAt('auth.oidc.window', seat)).map((e) => [e.actorName, e.details?.channel]),
      [['lujia', 'button']],
    );
  });

  it('a code issued on B that has run out is refused on A with OIDC_QR_EXPIRED, to the window and to the phone', async () => {
    const seat = await seatOf();
    const qr = await issueQr(seat.atB, kit.sourceId);
    assert.equal((await pollQr(seat.client, qr.id)).body.state, 'waiting');
    aheadMs = QR_MS; // A's time is now at least the code's expiry (issued on B at the real time, which has moved on since)
    assertError(await pollQr(seat.client, qr.id), 410, 'OIDC_QR_EXPIRED');
    assertPhonePage(await new RedirectBrowser().open(on(kit.broker, qr.url)), 410, /二维码已过期/);
    aheadMs = 0;
  });
});
