import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { QueueSimulator } from '../../../broker/demo/queue-simulator.js';
import { Terminal } from '../../../broker/src/terminals/terminal.model.js';
import { ApiClient, assertError } from '../../helpers/api-client.js';
import { Factory } from '../../helpers/factories.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

describe('the rating pad (评价器): pairing, what it shows, ratings sent late and twice', () => {
  let broker: TestBroker;
  let f: Factory;
  const sim = new QueueSimulator();
  const clock = new ManualClock();
  let site: string;
  let seat: { client: ApiClient; sessionId: string; windowCode: string; terminalId: string };
  let pad: ApiClient;
  let credential: string;

  before(async () => {
    await sim.listen();
    // trusted proxy: the throttle tests guess from addresses of their own (x-forwarded-for)
    broker = await startTestBroker({ clock, env: { YUNZHUO_QUEUE_URL: sim.url, YUNZHUO_TRUST_PROXY: '1' } });
    f = new Factory(broker.admin);
    const hall = await f.hall({ desktops: 2 });
    site = hall.site.code;
    const clerk = await f.account({ departmentIds: [hall.department.id], homeSiteId: hall.site.id });
    const { window, terminal, client } = await f.windowWithTerminal(hall.site.id);
    const login = await client.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' });
    assert.equal(login.status, 201, JSON.stringify(login.body));
    seat = { client, sessionId: login.body.session.id, windowCode: window.code, terminalId: terminal.id };
    pad = new ApiClient(broker.url);
  });
  after(async () => {
    await broker.stop();
    await sim.close();
  });

  const asPad = (method: 'GET' | 'POST', path: string, body?: unknown, cred = credential) =>
    pad.request(method, path, body, { headers: { authorization: `Pad ${cred}` } });
  const pairFrom = (address: string, code: string) => pad.request('POST', '/api/v1/pad/pair', { code }, { headers: { 'x-forwarded-for': address } });
  const finish = async () => {
    sim.take(site);
    assert.equal((await seat.client.post('/api/v1/terminal/queue/call', { sessionId: seat.sessionId })).status, 200);
    const done = await seat.client.post('/api/v1/terminal/queue/finish', { sessionId: seat.sessionId, caseNumber: 'C-1', itemCode: 'I-1' });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    return done.body.invitation as { id: string; queueNumber: string };
  };

  it('pairs with the code the window shows, once; a wrong or expired code is refused', async () => {
    const made = await seat.client.post('/api/v1/terminal/rating-pads/pairing-code');
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.match(made.body.code, /^\d{8}$/);
    assert.equal(made.body.padUrl, `${broker.url}/pad#code=${made.body.code}`);
    assert.match(made.body.qrDataUrl, /^data:image\/png;base64,/);
    const wrong = made.body.code === '00000000' ? '00000001' : '00000000';
    assertError(await pad.post('/api/v1/pad/pair', { code: wrong }), 400, 'PAD_PAIRING_INVALID');
    assertError(await pad.post('/api/v1/pad/pair', { code: '12ab' }), 400, 'VALIDATION_FAILED');
    const paired = await pad.post('/api/v1/pad/pair', { code: made.body.code });
    assert.equal(paired.status, 201, JSON.stringify(paired.body));
    assert.equal(paired.body.windowCode, seat.windowCode);
    credential = paired.body.credential;
    assertError(await pad.post('/api/v1/pad/pair', { code: made.body.code }), 400, 'PAD_PAIRING_INVALID');
    // a code left too long stops working
    const late = await seat.client.post('/api/v1/terminal/rating-pads/pairing-code');
    clock.advance(300_000);
    assertError(await pad.post('/api/v1/pad/pair', { code: late.body.code }), 400, 'PAD_PAIRING_INVALID');
    const listed = await seat.client.get('/api/v1/terminal/rating-pads');
    assert.deepEqual(
      listed.body.items.map((p: { id: string }) => p.id),
      [paired.body.padId],
    );
    assertError(await asPad('GET', '/api/v1/pad/state', undefined, `${paired.body.padId}.wrong-secret`), 401, 'PAD_UNKNOWN');
    const audit = await broker.admin.get('/api/v1/audit-events?targetType=rating-pad');
    assert.deepEqual(
      audit.body.items.map((e: { action: string }) => e.action),
      ['rating-pad.pair'],
    );
  });

  it('shows the window and clerk; after 办结 the five-level card with the queue number, gone once rated', async () => {
    const idle = await asPad('GET', '/api/v1/pad/state');
    assert.equal(idle.status, 200, JSON.stringify(idle.body));
    assert.equal(idle.body.window.code, seat.windowCode);
    assert.ok(idle.body.clerk.displayName);
    assert.equal(idle.body.invitation, null);
    const invitation = await finish();
    const shown = (await asPad('GET', '/api/v1/pad/state')).body;
    assert.equal(shown.invitation.id, invitation.id);
    assert.equal(shown.invitation.queueNumber, invitation.queueNumber);
    assert.equal(shown.invitation.caseNumber, 'C-1');
    assert.ok(shown.invitation.tagSet.tags.some((t: { level: number }) => t.level === 1));
    const key = randomUUID();
    const body = {
      invitationId: invitation.id,
      level: 1,
      tagSetVersion: 1,
      tags: ['attitude'],
      idempotencyKey: key,
      ratedAt: new Date(clock.now()).toISOString(),
    };
    const rated = await asPad('POST', '/api/v1/pad/ratings', body);
    assert.equal(rated.status, 201, JSON.stringify(rated.body));
    assert.equal(rated.body.bad, true);
    // the same queued rating again (an answer lost on the way): the same rating, not a second one
    const again = await asPad('POST', '/api/v1/pad/ratings', body);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.id, rated.body.id);
    assertError(await asPad('POST', '/api/v1/pad/ratings', { ...body, idempotencyKey: randomUUID() }), 409, 'RATING_ALREADY_SUBMITTED');
    assert.equal((await asPad('GET', '/api/v1/pad/state')).body.invitation, null);
    const seen = await seat.client.get(`/api/v1/terminal/rating-invitations/${invitation.id}`);
    assert.deepEqual(seen.body, { id: invitation.id, rated: true, level: 1 });
    const orders = await broker.admin.get('/api/v1/rating-work-orders');
    assert.equal(orders.body.items.filter((o: { ratingId: string }) => o.ratingId === rated.body.id).length, 1, 'one work order for the 差评');
  });

  it('another terminal’s invitation is not the pad’s; nor is it rated from another pad', async () => {
    const other = await f.windowWithTerminal((await f.hall({ desktops: 1 })).site.id);
    const otherCode = (await other.client.post('/api/v1/terminal/rating-pads/pairing-code')).body.code;
    const otherPad = (await pad.post('/api/v1/pad/pair', { code: otherCode })).body;
    const invitation = await finish();
    assertError(
      await asPad(
        'POST',
        '/api/v1/pad/ratings',
        { invitationId: invitation.id, level: 5, tagSetVersion: 1, idempotencyKey: randomUUID(), ratedAt: new Date(clock.now()).toISOString() },
        otherPad.credential,
      ),
      404,
      'NOT_FOUND',
    );
  });

  it('a rating pressed in time but sent after the invitation expired (the broker was out of reach) is kept at its press time', async () => {
    const invitation = await finish();
    const pressedAt = new Date(clock.now() + 10_000).toISOString();
    const expired = await finish();
    clock.advance(400_000);
    const late = await asPad('POST', '/api/v1/pad/ratings', {
      invitationId: invitation.id,
      level: 5,
      tagSetVersion: 1,
      idempotencyKey: randomUUID(),
      ratedAt: pressedAt,
    });
    assert.equal(late.status, 201, JSON.stringify(late.body));
    assert.equal(late.body.createdAt, pressedAt);
    // pressed after the card had expired: refused
    assertError(
      await asPad('POST', '/api/v1/pad/ratings', {
        invitationId: expired.id,
        level: 5,
        tagSetVersion: 1,
        idempotencyKey: randomUUID(),
        ratedAt: new Date(clock.now()).toISOString(),
      }),
      410,
      'RATING_EXPIRED',
    );
  });

  it('an invitation made before the pad was paired is not the pad’s to rate', async () => {
    const before = await finish();
    clock.advance(1000);
    const code = (await seat.client.post('/api/v1/terminal/rating-pads/pairing-code')).body.code;
    const paired = await pad.post('/api/v1/pad/pair', { code });
    assert.equal(paired.status, 201, JSON.stringify(paired.body));
    credential = paired.body.credential;
    const rate = (invitationId: string) =>
      asPad('POST', '/api/v1/pad/ratings', {
        invitationId,
        level: 5,
        tagSetVersion: 1,
        idempotencyKey: randomUUID(),
        ratedAt: new Date(clock.now()).toISOString(),
      });
    assertError(await rate(before.id), 404, 'NOT_FOUND');
    const seen = await seat.client.get(`/api/v1/terminal/rating-invitations/${before.id}`);
    assert.equal(seen.body.rated, false);
    // one made since is
    const after = await finish();
    assert.equal((await rate(after.id)).status, 201);
  });

  it('a terminal out of service for a while keeps its pad paired: the pad hears TERMINAL_NOT_IN_SERVICE, not PAD_UNKNOWN', async () => {
    await Terminal.update({ state: 'pending' }, { where: { id: seat.terminalId } });
    try {
      assertError(await asPad('GET', '/api/v1/pad/state'), 409, 'TERMINAL_NOT_IN_SERVICE');
      const rating = { invitationId: randomUUID(), level: 5, tagSetVersion: 1, idempotencyKey: randomUUID(), ratedAt: new Date(clock.now()).toISOString() };
      const refused = await asPad('POST', '/api/v1/pad/ratings', rating);
      assertError(refused, 409, 'TERMINAL_NOT_IN_SERVICE');
      assert.match(refused.body.error.message, /暂停服务/);
    } finally {
      await Terminal.update({ state: 'active' }, { where: { id: seat.terminalId } });
    }
    const back = await asPad('GET', '/api/v1/pad/state');
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.equal(back.body.window.code, seat.windowCode);
  });

  it('unpairing at the window stops the pad at once, audited', async () => {
    const padId = credential.split('.')[0];
    const gone = await seat.client.delete(`/api/v1/terminal/rating-pads/${padId}`);
    assert.equal(gone.status, 204);
    assertError(await asPad('GET', '/api/v1/pad/state'), 401, 'PAD_UNKNOWN');
    assert.deepEqual((await seat.client.get('/api/v1/terminal/rating-pads')).body.items, []);
    const audit = await broker.admin.get('/api/v1/audit-events?targetType=rating-pad&action=rating-pad.unpair');
    assert.equal(audit.body.items.filter((e: { action: string }) => e.action === 'rating-pad.unpair').length, 1);
  });

  it('too many wrong codes from one address are refused for a while; another address is still answered', async () => {
    let last;
    for (let i = 0; i < 11; i++) last = await pad.post('/api/v1/pad/pair', { code: String(10_000_000 + i) });
    assertError(last!, 429, 'PAD_PAIRING_THROTTLED');
    assert.ok(last!.body.error.details.retryAfterSeconds > 0);
    assertError(await pairFrom('10.0.0.9', '10000099'), 400, 'PAD_PAIRING_INVALID');
  });

  it('200 wrong codes at once from one address: only the limit of them is looked up, the rest refused', async () => {
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => pairFrom('10.0.0.1', String(20_000_000 + i))));
    const codes = answers.map((r) => r.body.error?.code as string);
    assert.equal(codes.filter((c) => c === 'PAD_PAIRING_INVALID').length, 10, JSON.stringify(answers.find((r) => r.status !== 400 && r.status !== 429)?.body));
    assert.equal(codes.filter((c) => c === 'PAD_PAIRING_THROTTLED').length, 190);
  });

  it('a right code is not counted against its address', async () => {
    const other = await f.windowWithTerminal((await f.hall({ desktops: 1 })).site.id);
    for (let i = 0; i < 9; i++) assertError(await pairFrom('10.0.0.2', String(30_000_000 + i)), 400, 'PAD_PAIRING_INVALID');
    const code = (await other.client.post('/api/v1/terminal/rating-pads/pairing-code')).body.code;
    assert.equal((await pairFrom('10.0.0.2', code)).status, 201);
    assertError(await pairFrom('10.0.0.2', '30000099'), 400, 'PAD_PAIRING_INVALID');
    assertError(await pairFrom('10.0.0.2', '30000098'), 429, 'PAD_PAIRING_THROTTLED');
  });
});
