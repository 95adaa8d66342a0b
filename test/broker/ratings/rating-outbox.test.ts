import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { outboxSignature } from '../../../broker/src/ratings/rating-outbox.js';
import { RatingOutboxItem } from '../../../broker/src/ratings/rating-outbox.model.js';
import { ApiClient, assertError } from '../../helpers/api-client.js';
import { Factory } from '../../helpers/factories.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

const SECRET = 'province-shared-secret-0001';

interface Received {
  key: string;
  windowId: string | null;
  ratingId: string;
  changeNo: number;
  kind: string;
  signed: boolean;
  answered: number;
}

/**
 * The province, on loopback: window A's first three requests fail (500), then it accepts; window
 * B never accepts. Every request's signature is checked against the raw body.
 */
function province(windowB: () => string) {
  const log: Received[] = [];
  let failuresLeftA = 3;
  const state = { acceptB: false };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = JSON.parse(raw) as { idempotencyKey: string; ratingId: string; changeNo: number; kind: string; rating: { windowId: string | null } };
      const ts = String(req.headers['x-yunzhuo-timestamp']);
      const signed =
        req.headers['x-yunzhuo-signature'] === `sha256=${outboxSignature(SECRET, ts, raw)}` && req.headers['idempotency-key'] === body.idempotencyKey;
      const fromB = body.rating.windowId === windowB();
      const answered = fromB ? (state.acceptB ? 200 : 503) : failuresLeftA-- > 0 ? 500 : 200;
      log.push({
        key: body.idempotencyKey,
        windowId: body.rating.windowId,
        ratingId: body.ratingId,
        changeNo: body.changeNo,
        kind: body.kind,
        signed,
        answered,
      });
      res.writeHead(answered).end();
    });
  });
  return { log, server, state };
}

describe('rating outbox to the province: same transaction, signed, in order per window, retried, dead letter', () => {
  const clock = new ManualClock();
  let broker: TestBroker;
  let receiver: ReturnType<typeof province>;
  let windowA: string;
  let windowB: string;
  let seats: Record<'A' | 'B', { client: ApiClient; sessionId: string }>;
  let auditor: ApiClient;
  let siteAdmin: ApiClient;

  before(async () => {
    receiver = province(() => windowB);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.server.address() as AddressInfo;
    broker = await startTestBroker({
      clock,
      env: {
        YUNZHUO_RATING_OUTBOX_URL: `http://127.0.0.1:${port}/ratings`,
        YUNZHUO_RATING_OUTBOX_SECRET: SECRET,
        YUNZHUO_RATING_OUTBOX_MAX_ATTEMPTS: '5',
        YUNZHUO_RATING_OUTBOX_BACKOFF_SECONDS: '1',
        YUNZHUO_RATING_OUTBOX_POLL_SECONDS: '1',
      },
    });
    const f = new Factory(broker.admin);
    const hall = await f.hall({ desktops: 2 });
    const sit = async () => {
      const clerk = await f.account({ departmentIds: [hall.department.id], homeSiteId: hall.site.id });
      const seat = await f.windowWithTerminal(hall.site.id);
      const login = await seat.client.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' });
      assert.equal(login.status, 201, JSON.stringify(login.body));
      return { windowId: seat.window.id as string, client: seat.client, sessionId: login.body.session.id as string };
    };
    const a = await sit();
    const b = await sit();
    windowA = a.windowId;
    windowB = b.windowId;
    seats = { A: a, B: b };
    const signIn = async (roles: string[], extra: Record<string, unknown>) => {
      const account = await f.account({ roles, password: 'other-pass-1', ...extra });
      const client = new ApiClient(broker.url);
      assert.equal((await client.login(account.username, 'other-pass-1')).status, 200);
      return client;
    };
    auditor = await signIn(['auditor'], {});
    siteAdmin = await signIn(['site-admin'], { homeSiteId: hall.site.id });
  });
  after(async () => {
    await broker.stop();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  async function rate(seat: 'A' | 'B', level: number): Promise<string> {
    const { client, sessionId } = seats[seat];
    const invitation = await client.post('/api/v1/terminal/rating-invitations', { sessionId });
    const res = await client.post('/api/v1/terminal/ratings', { invitationId: invitation.body.id, level, tagSetVersion: 1, tags: [] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id;
  }

  it('delivers each change exactly once, in order per window; a window that never succeeds goes dead without holding the other back', async () => {
    const a1 = await rate('A', 5);
    const b1 = await rate('B', 2);
    const a2 = await rate('A', 1);
    const b2 = await rate('B', 3);
    const a3 = await rate('A', 4);
    const orders = await broker.admin.get(`/api/v1/rating-work-orders?pageSize=50`);
    const orderA = orders.body.items.find((o: { ratingId: string }) => o.ratingId === a2);
    assert.equal((await broker.admin.post(`/api/v1/rating-work-orders/${orderA.id}/visit`, { note: '已电话回访' })).status, 200);

    // every change has its row, committed with it, before anything is sent
    const rows = await RatingOutboxItem.findAll({ order: [['seq', 'ASC']] });
    assert.deepEqual(
      rows.map((r) => [r.ratingId, r.changeNo, r.kind, r.state]),
      [
        [a1, 1, 'rating.created', 'pending'],
        [b1, 1, 'rating.created', 'pending'],
        [a2, 1, 'rating.created', 'pending'],
        [b2, 1, 'rating.created', 'pending'],
        [a3, 1, 'rating.created', 'pending'],
        [a2, 2, 'work-order.visit', 'pending'],
      ],
    );
    assert.equal(receiver.log.length, 0);

    for (let pass = 0; pass < 12; pass++) {
      clock.advance(20_000);
      await broker.ratingOutbox?.runOnce();
    }

    const accepted = receiver.log.filter((r) => r.answered === 200);
    assert.ok(
      receiver.log.every((r) => r.signed),
      'every signature verifies',
    );
    // window A: three failures of its head, then everything once, in order
    assert.deepEqual(
      receiver.log.filter((r) => r.windowId === windowA).map((r) => [r.key, r.answered]),
      [
        [`${a1}:1`, 500],
        [`${a1}:1`, 500],
        [`${a1}:1`, 500],
        [`${a1}:1`, 200],
        [`${a2}:1`, 200],
        [`${a3}:1`, 200],
        [`${a2}:2`, 200],
      ],
    );
    assert.equal(new Set(accepted.map((r) => r.key)).size, accepted.length, 'no change accepted twice');
    // window B: its head is tried five times before its second item is ever sent
    assert.deepEqual(
      receiver.log.filter((r) => r.windowId === windowB).map((r) => r.key),
      [...Array(5).fill(`${b1}:1`), ...Array(5).fill(`${b2}:1`)],
    );
    // A was delivered while B was still failing
    const lastOfA = receiver.log.findIndex((r) => r.key === `${a2}:2`);
    const lastOfB = receiver.log.length - 1 - [...receiver.log].reverse().findIndex((r) => r.windowId === windowB);
    assert.ok(lastOfA < lastOfB, 'window B never held window A back');

    const after = await RatingOutboxItem.findAll({ order: [['seq', 'ASC']] });
    assert.deepEqual(
      after.map((r) => [r.ratingId, r.state, r.attempts]),
      [
        [a1, 'delivered', 4],
        [b1, 'dead', 5],
        [a2, 'delivered', 1],
        [b2, 'dead', 5],
        [a3, 'delivered', 1],
        [a2, 'delivered', 1],
      ],
    );
    assert.equal(after[1]?.lastError, 'HTTP 503');
  });

  it('lists by state for the county (admin, auditor); a county admin sends a dead item again (audited)', async () => {
    const dead = await auditor.get('/api/v1/rating-outbox?state=dead');
    assert.equal(dead.status, 200, JSON.stringify(dead.body));
    assert.equal(dead.body.total, 2);
    assert.deepEqual(
      dead.body.items.map((i: { state: string; attempts: number; windowId: string; lastError: string }) => [i.state, i.attempts, i.windowId, i.lastError]),
      [
        ['dead', 5, windowB, 'HTTP 503'],
        ['dead', 5, windowB, 'HTTP 503'],
      ],
    );
    assert.equal((await broker.admin.get('/api/v1/rating-outbox?state=delivered')).body.total, 4);
    assert.equal((await broker.admin.get('/api/v1/rating-outbox?state=pending')).body.total, 0);
    assertError(await broker.admin.get('/api/v1/rating-outbox?state=lost'), 400, 'VALIDATION_FAILED');
    // a hall's admin neither reads nor retries the county's outbox; the auditor only reads
    assertError(await siteAdmin.get('/api/v1/rating-outbox'), 403, 'FORBIDDEN');
    const first = dead.body.items[0];
    assertError(await siteAdmin.post(`/api/v1/rating-outbox/${first.id}/retry`), 403, 'FORBIDDEN');
    assertError(await auditor.post(`/api/v1/rating-outbox/${first.id}/retry`), 403, 'FORBIDDEN');
    const delivered = (await broker.admin.get('/api/v1/rating-outbox?state=delivered')).body.items[0];
    assertError(await broker.admin.post(`/api/v1/rating-outbox/${delivered.id}/retry`), 409, 'RATING_OUTBOX_NOT_DEAD');
    assertError(await broker.admin.post('/api/v1/rating-outbox/999999/retry'), 404, 'NOT_FOUND');

    receiver.state.acceptB = true;
    const retried = await broker.admin.post(`/api/v1/rating-outbox/${first.id}/retry`);
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    assert.deepEqual([retried.body.state, retried.body.attempts], ['pending', 0]);
    const audit = await broker.admin.get(`/api/v1/audit-events?action=rating-outbox.retry&targetId=${first.id}`);
    assert.equal(audit.body.total, 1, JSON.stringify(audit.body));
    assert.deepEqual(audit.body.items[0].before.state, 'dead');

    const sentBefore = receiver.log.length;
    clock.advance(2_000);
    await broker.ratingOutbox?.runOnce();
    assert.deepEqual(
      receiver.log.slice(sentBefore).map((r) => [r.key, r.answered, r.signed]),
      [[first.idempotencyKey, 200, true]],
    );
    const after = await broker.admin.get('/api/v1/rating-outbox?state=dead');
    assert.deepEqual(
      after.body.items.map((i: { id: number }) => i.id),
      [dead.body.items[1].id],
      'only the retried item left the dead letters',
    );
  });
});
