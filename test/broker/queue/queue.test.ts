import assert from 'node:assert/strict';
import { QueueSimulator } from '../../../broker/demo/queue-simulator.js';
import { assertError, type ApiClient } from '../../helpers/api-client.js';
import { Factory } from '../../helpers/factories.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

const TOKEN = 'queue-token-1';

describe('排队叫号 at the window: the broker against the queue simulator (generic HTTP API)', () => {
  let broker: TestBroker;
  let f: Factory;
  const sim = new QueueSimulator(TOKEN);
  const clock = new ManualClock();
  let site: string;
  let seat: { client: ApiClient; sessionId: string; windowCode: string; username: string };

  before(async () => {
    await sim.listen();
    broker = await startTestBroker({ clock, env: { YUNZHUO_QUEUE_URL: sim.url, YUNZHUO_QUEUE_TOKEN: TOKEN } });
    f = new Factory(broker.admin);
    const hall = await f.hall({ desktops: 2 });
    site = hall.site.code;
    const clerk = await f.account({ departmentIds: [hall.department.id], homeSiteId: hall.site.id });
    const { window, client } = await f.windowWithTerminal(hall.site.id);
    const login = await client.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' });
    assert.equal(login.status, 201, JSON.stringify(login.body));
    seat = { client, sessionId: login.body.session.id, windowCode: window.code, username: clerk.username };
  });
  after(async () => {
    await broker.stop();
    await sim.close();
  });

  const step = (name: string, more: Record<string, unknown> = {}) => seat.client.post(`/api/v1/terminal/queue/${name}`, { sessionId: seat.sessionId, ...more });
  const state = async () => (await seat.client.get(`/api/v1/terminal/queue?sessionId=${seat.sessionId}`)).body;

  it('叫号 with nobody waiting answers no ticket; then calls the first number, once, as this window and clerk', async () => {
    assert.deepEqual(await state(), { enabled: true, ticket: null, paused: null });
    const empty = await step('call');
    assert.equal(empty.status, 200, JSON.stringify(empty.body));
    assert.deepEqual(empty.body, { ticket: null });
    const first = sim.take(site, '社保');
    sim.take(site);
    // a double press: one number is taken, the other press is refused
    const [a, b] = await Promise.all([step('call'), step('call')]);
    const called = [a, b].find((r) => r.status === 200)!;
    assertError(
      [a, b].find((r) => r.status !== 200)!,
      409,
      'QUEUE_TICKET_OPEN',
    );
    assert.deepEqual(
      { number: called.body.ticket.number, service: called.body.ticket.service, state: called.body.ticket.state },
      { number: first, service: '社保', state: 'serving' },
    );
    assert.equal((await state()).ticket.number, first);
    assert.deepEqual(
      sim.log.filter((e) => e.number === first),
      [{ site, step: 'call', number: first, window: seat.windowCode, clerk: seat.username }],
    );
  });

  it('重呼 counts; 过号 ends the number; 转移 sends the next one to another window', async () => {
    const recalled = await step('recall');
    assert.equal(recalled.status, 200, JSON.stringify(recalled.body));
    assert.equal(recalled.body.recalls, 1);
    const skipped = await step('skip');
    assert.equal(skipped.body.state, 'skipped');
    assert.ok(skipped.body.endedAt);
    assertError(await step('recall'), 409, 'QUEUE_NO_TICKET');
    const second = (await step('call')).body.ticket.number;
    const moved = await step('transfer', { target: 'B-002' });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.state, 'transferred');
    assert.deepEqual(sim.waiting(site), [second], 'back in the queue, for B-002');
    assert.deepEqual(
      sim.log.slice(-4).map((e) => [e.step, e.target ?? null]),
      [
        ['recall', null],
        ['skip', null],
        ['call', null],
        ['transfer', 'B-002'],
      ],
    );
  });

  it('结束服务 closes the number and invites the rating with the queue number; each step is audited', async () => {
    const number = sim.take(site);
    assert.equal((await step('call')).body.ticket.number, number);
    const done = await step('finish', { caseNumber: '3703210012026120300099', itemCode: '11370321004345009R4000111' });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.ticket.state, 'finished');
    assert.equal(done.body.invitation.queueNumber, number);
    assert.equal(done.body.invitation.caseNumber, '3703210012026120300099');
    assert.equal(done.body.invitation.tagSet.version, 1);
    const rated = await seat.client.post('/api/v1/terminal/ratings', { invitationId: done.body.invitation.id, level: 5, tagSetVersion: 1 });
    assert.equal(rated.status, 201, JSON.stringify(rated.body));
    assert.equal((await state()).ticket, null);
    const audit = await broker.admin.get('/api/v1/audit-events?targetType=queue-ticket&pageSize=100');
    assert.equal(audit.status, 200, JSON.stringify(audit.body));
    const actions = audit.body.items.map((e: { action: string }) => e.action).sort();
    assert.deepEqual(actions, ['queue.call', 'queue.call', 'queue.call', 'queue.finish', 'queue.recall', 'queue.skip', 'queue.transfer']);
    const finish = audit.body.items.find((e: { action: string }) => e.action === 'queue.finish');
    assert.equal(finish.details.number, number);
    assert.equal(finish.details.invitationId, done.body.invitation.id);
  });

  it('暂停叫号: the queue system hears it, 叫号 is refused until 恢复叫号, the console sees it, each change audited once', async () => {
    clock.advance(1000);
    const paused = await step('pause');
    assert.equal(paused.status, 200, JSON.stringify(paused.body));
    assert.equal(paused.body.paused.pausedAt, new Date(clock.now()).toISOString());
    // a second press changes nothing (and is not audited again)
    assert.deepEqual((await step('pause')).body, paused.body);
    assert.deepEqual(sim.paused(site), [seat.windowCode]);
    assert.deepEqual((await state()).paused, paused.body.paused);
    sim.take(site);
    assertError(await step('call'), 409, 'QUEUE_PAUSED');
    const board = await broker.admin.get('/api/v1/queue-windows');
    assert.equal(board.status, 200, JSON.stringify(board.body));
    const row = board.body.items.find((w: { windowCode: string }) => w.windowCode === seat.windowCode);
    assert.equal(row.pausedAt, paused.body.paused.pausedAt);
    assert.ok(row.clerk);
    const resumed = await step('resume');
    assert.deepEqual(resumed.body, { paused: null });
    assert.deepEqual(sim.paused(site), []);
    assert.deepEqual((await step('resume')).body, { paused: null });
    assert.equal((await state()).paused, null);
    const called = await step('call');
    assert.equal(called.status, 200, JSON.stringify(called.body));
    assert.ok(called.body.ticket.number);
    assert.equal((await step('skip')).status, 200);
    const audit = await broker.admin.get('/api/v1/audit-events?targetType=window&pageSize=100');
    const actions = audit.body.items.map((e: { action: string }) => e.action).filter((a: string) => a.startsWith('queue.'));
    assert.deepEqual(actions.sort(), ['queue.pause', 'queue.resume']);
    assert.deepEqual(
      sim.log.filter((e) => e.step === 'pause' || e.step === 'resume').map((e) => [e.step, e.window, e.clerk]),
      [
        ['pause', seat.windowCode, seat.username],
        ['resume', seat.windowCode, seat.username],
      ],
    );
  });

  it('a queue system that is down or refuses: the clerk is told, nothing is recorded', async () => {
    sim.take(site);
    sim.failNext = 1;
    const down = await step('call');
    assertError(down, 502, 'QUEUE_UNAVAILABLE');
    assert.match(down.body.error.message, /排队叫号系统/);
    assert.equal((await state()).ticket, null);
    // the queue system closed the number behind the broker's back: its refusal reaches the clerk
    const called = (await step('call')).body.ticket.number;
    sim.failNext = 0;
    await fetch(`${sim.url}/sites/${site}/tickets/${called}/finish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ window: seat.windowCode, clerk: 'other' }),
    });
    const refused = await step('recall');
    assertError(refused, 409, 'QUEUE_REFUSED');
    assert.equal(refused.body.error.details.reason, '该号不在本窗口办理');
    assert.equal((await state()).ticket.recalls, 0);
  });

  it('only the terminal holding the session steps its queue; the body is validated', async () => {
    const other = await f.windowWithTerminal((await f.hall({ desktops: 1 })).site.id);
    assertError(await other.client.post('/api/v1/terminal/queue/call', { sessionId: seat.sessionId }), 404, 'NOT_FOUND');
    assertError(await step('transfer'), 400, 'VALIDATION_FAILED');
    assertError(await seat.client.post('/api/v1/terminal/queue/call', {}), 400, 'VALIDATION_FAILED');
  });
});

describe('排队叫号 without a queue system', () => {
  it('answers enabled: false and refuses every step with QUEUE_NOT_CONFIGURED', async () => {
    const broker = await startTestBroker();
    try {
      const f = new Factory(broker.admin);
      const hall = await f.hall({ desktops: 1 });
      const clerk = await f.account({ departmentIds: [hall.department.id], homeSiteId: hall.site.id });
      const { client } = await f.windowWithTerminal(hall.site.id);
      const login = await client.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' });
      const sessionId = login.body.session.id;
      assert.deepEqual((await client.get(`/api/v1/terminal/queue?sessionId=${sessionId}`)).body, { enabled: false, ticket: null, paused: null });
      assertError(await client.post('/api/v1/terminal/queue/call', { sessionId }), 409, 'QUEUE_NOT_CONFIGURED');
    } finally {
      await broker.stop();
    }
  });
});
