import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import type { AnyBody, ApiResponse } from '../../helpers/api-client.js';
import { whileAuditFails } from '../../helpers/audit-fault.js';
import { assertUnchanged, snapshotDatabase } from '../../helpers/db-snapshot.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { eventually } from '../../helpers/eventually.js';
import { Factory } from '../../helpers/factories.js';
import { freePort } from '../../helpers/free-port.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';
import { testDialect } from '../../helpers/test-database.js';

/**
 * Issue 13, the admin's actions on sessions and desktops (finding 2's "rows and their audit event
 * in one transaction") and same-instant PUTs of a new calendar date (finding 9). The audit insert
 * is made to fail in the database itself: the action must then leave every table as it was.
 */
const FAKE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${'A'.repeat(70)}\n-----END OPENSSH PRIVATE KEY-----\n`;

type Held = { sessionId: string; desktopId: string };

/** the fault's answer: SQLite reports a trigger's RAISE as a constraint (409), PostgreSQL as an error (500) */
function assertFaultAnswer(res: ApiResponse): void {
  assert.ok([409, 500].includes(res.status), `${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.body.error.code, res.status === 409 ? 'CONFLICT' : 'INTERNAL');
}

interface ActionCase {
  what: string;
  /** the audit event written last by the action, after every row it changes */
  failAt: string;
  send(h: Held): Promise<ApiResponse>;
  /** after the fault is gone: the action's effect and its audit */
  done(h: Held, res: ApiResponse): Promise<void>;
}

describe('security of admin actions (issue 13: rows and audit in one transaction; concurrent calendar PUTs)', function () {
  this.timeout(60_000);
  let broker: TestBroker;
  let f: Factory;

  before(async () => {
    // a clock that stands still: no background pass writes a row between two snapshots
    broker = await startTestBroker({ clock: new ManualClock() });
    f = new Factory(broker.admin);
  });
  after(() => broker?.stop());

  const sessionOf = async (id: string) => (await broker.admin.get(`/api/v1/sessions/${id}`)).body;
  const desktopOf = async (id: string) => (await broker.admin.get(`/api/v1/desktops/${id}`)).body;
  const auditOf = async (action: string, targetId: string) =>
    (await broker.admin.get(`/api/v1/audit-events?action=${action}&targetId=${targetId}&order=asc&pageSize=100`)).body.items;

  /** a clerk's active session on a fresh one-desktop hall (tunnel events sent as the relay would) */
  async function activeSession(): Promise<Held & { poolId: string }> {
    const hall = await f.hall({ desktops: 1 });
    const clerk = await f.account({ departmentIds: [hall.department.id] });
    const { client } = await f.windowWithTerminal(hall.site.id);
    const login = await client.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' });
    assert.equal(login.status, 201, JSON.stringify(login.body));
    const sessionId: string = login.body.session.id;
    await broker.lifecycle.redeemToken(login.body.tunnel.token);
    await broker.lifecycle.markConnecting(sessionId, hall.gateway.id);
    await broker.lifecycle.markActive(sessionId, '$c');
    assert.equal((await sessionOf(sessionId)).state, 'active');
    return { sessionId, desktopId: hall.desktops[0].id, poolId: hall.pool.id };
  }

  /** by the county admin, as the audit must name it */
  async function audited(action: string, targetId: string): Promise<Record<string, AnyBody>> {
    const [event] = await auditOf(action, targetId);
    assert.ok(event, `no ${action} event for ${targetId}`);
    assert.equal(event.actorName, 'admin');
    return event;
  }

  const cases: ActionCase[] = [
    {
      what: 'POST /sessions/{id}/disconnect',
      failAt: 'session.disconnected',
      send: (h) => broker.admin.post(`/api/v1/sessions/${h.sessionId}/disconnect`),
      async done(h, res) {
        assert.equal(res.body.state, 'disconnected');
        assert.equal((await desktopOf(h.desktopId)).sessionId, h.sessionId, 'the desktop is kept for the grace period');
        assert.equal((await audited('session.disconnected', h.sessionId)).details.reason, 'admin');
      },
    },
    {
      what: 'POST /sessions/{id}/end',
      failAt: 'session.ended',
      send: (h) => broker.admin.post(`/api/v1/sessions/${h.sessionId}/end`),
      async done(h, res) {
        assert.deepEqual([res.body.state, res.body.endReason], ['ended', 'ended-by-admin']);
        const desktop = await desktopOf(h.desktopId);
        assert.deepEqual([desktop.state, desktop.sessionId], ['free', null]);
        assert.equal((await audited('session.ended', h.sessionId)).details.reason, 'ended-by-admin');
      },
    },
    {
      what: 'POST /sessions/{id}/reset',
      failAt: 'session.reset',
      send: (h) => broker.admin.post(`/api/v1/sessions/${h.sessionId}/reset`, { reason: '窗口反映卡死' }),
      async done(h, res) {
        assert.deepEqual([res.body.state, res.body.endReason], ['ended', 'reset-by-admin']);
        assert.deepEqual([(await desktopOf(h.desktopId)).state, (await desktopOf(h.desktopId)).sessionId], ['free', null]);
        assert.equal((await audited('session.ended', h.sessionId)).details.reason, 'reset-by-admin');
        const reset = await audited('session.reset', h.sessionId);
        assert.deepEqual([reset.details.reason, reset.details.stateBefore], ['窗口反映卡死', 'active']);
      },
    },
    {
      what: 'POST /desktops/{id}/reset',
      failAt: 'desktop.maintenance',
      send: (h) => broker.admin.post(`/api/v1/desktops/${h.desktopId}/reset`, { to: 'maintenance', reason: '重装系统' }),
      async done(h, res) {
        assert.deepEqual([res.body.state, res.body.sessionId, res.body.stateReason], ['maintenance', null, '重装系统']);
        assert.equal((await sessionOf(h.sessionId)).endReason, 'desktop-reset-by-admin');
        assert.deepEqual((await audited('desktop.maintenance', h.desktopId)).details.endedSessions, [h.sessionId]);
        await audited('session.ended', h.sessionId);
      },
    },
  ];

  for (const c of cases) {
    it(`${c.what}: a failed audit insert leaves the session and desktop as they were; then it works and is audited`, async () => {
      const held = await activeSession();
      const before = await snapshotDatabase(broker.sequelize);
      const refused = await whileAuditFails(broker.sequelize, c.failAt, () => c.send(held));
      assertFaultAnswer(refused);
      assertUnchanged(before, await snapshotDatabase(broker.sequelize), `${c.what} whose audit failed`);
      assert.equal((await sessionOf(held.sessionId)).state, 'active');

      const res = await c.send(held);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      await c.done(held, res);
    });
  }

  it('POST /desktops/{id}/actions: a failed audit insert stores no run and leaves the desktop as it was; then the run is recorded, audited, and takes the desktop out of service', async () => {
    const hall = await f.hall({ desktops: 1 });
    const desktopId: string = hall.desktops[0].id;
    const sshHost = await broker.admin.create('/api/v1/ssh-hosts', {
      name: 'kvm-closed',
      siteId: hall.site.id,
      host: '127.0.0.1',
      port: await freePort(),
      username: 'ops',
      privateKey: FAKE_KEY,
    });
    await broker.admin.create('/api/v1/pool-actions', { poolId: hall.pool.id, point: 'on-release', sshHostId: sshHost.id, command: 'true' });
    // a desktop being cleaned after use: its on-release action cannot reach its host
    await broker.sequelize.query(`UPDATE desktops SET state = 'resetting' WHERE id = :id`, { replacements: { id: desktopId }, type: QueryTypes.UPDATE });
    const run = () => broker.admin.post(`/api/v1/desktops/${desktopId}/actions`, { point: 'on-release' });

    const before = await snapshotDatabase(broker.sequelize);
    const refused = await whileAuditFails(broker.sequelize, 'desktop.error', run);
    assertFaultAnswer(refused);
    assertUnchanged(before, await snapshotDatabase(broker.sequelize), 'a run whose audit failed');

    const res = await run();
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.notEqual(res.body.outcome, 'ok');
    const desktop = await desktopOf(desktopId);
    assert.equal(desktop.state, 'error');
    assert.match(desktop.stateReason, /^on-release action /);
    assert.equal((await audited('desktop.action', desktopId)).details.runId, res.body.id);
    assert.equal((await audited('desktop.error', desktopId)).details.runId, res.body.id);
    const runs = (await broker.admin.get(`/api/v1/action-runs?desktopId=${desktopId}`)).body.items;
    assert.deepEqual(
      runs.map((r: { id: string }) => r.id),
      [res.body.id],
      'one run recorded: the refused one left none',
    );
  });

  it('CRUD, import, lifecycle settings and calendar writes: a failed audit insert stores nothing; then each is stored and audited', async () => {
    const hall = await f.hall({ desktops: 0 });
    const siteCode: string = hall.site.code;
    const writes: Array<[string, string, () => Promise<ApiResponse>]> = [
      ['POST /windows', 'window.create', () => broker.admin.post('/api/v1/windows', { siteId: hall.site.id, code: 'AUD-1' })],
      [
        'POST /imports/windows',
        'windows.import',
        () =>
          broker.admin.request('POST', '/api/v1/imports/windows?dryRun=false', undefined, {
            raw: `站点编码,窗口编号\r\n${siteCode},AUD-2\r\n`,
            contentType: 'text/csv',
          }),
      ],
      [
        'PUT /pools/{id}/lifecycle',
        'pool.lifecycle',
        () =>
          broker.admin.request('PUT', `/api/v1/pools/${hall.pool.id}/lifecycle`, {
            probeDesktops: false,
            resetTimeoutSeconds: 700,
            startTimeoutSeconds: 900,
            warmup: null,
          }),
      ],
      [
        'PUT /calendar-days/{date}',
        'calendar-day.set',
        () => broker.admin.request('PUT', '/api/v1/calendar-days/2027-05-01', { kind: 'holiday', label: '劳动节' }),
      ],
    ];
    for (const [what, failAt, send] of writes) {
      const before = await snapshotDatabase(broker.sequelize);
      const refused = await whileAuditFails(broker.sequelize, failAt, send);
      assertFaultAnswer(refused);
      assertUnchanged(before, await snapshotDatabase(broker.sequelize), `${what} whose audit failed`);
      const res = await send();
      assert.ok([200, 201].includes(res.status), `${what}: ${res.status} ${JSON.stringify(res.body)}`);
      const [event] = (await broker.admin.get(`/api/v1/audit-events?action=${failAt}&order=asc&pageSize=100`)).body.items;
      assert.equal(event?.actorName, 'admin', `${what} is audited`);
    }
  });

  it('same-instant PUTs of a new calendar date all succeed in turn, each audited with what it replaced; the last one stands', async () => {
    const date = '2027-10-08';
    const labels = ['国庆节', '国庆节调休', '中秋节', '国庆假期', '假期', '节日'];
    const put = (label: string) => broker.admin.request('PUT', `/api/v1/calendar-days/${date}`, { kind: 'holiday', label });
    let answers: ApiResponse[];
    if (testDialect() === 'postgres') {
      // every PUT is held at the table until all of them are inside their transaction, then let go
      // at once: without a lock on the key each finds no row and inserts, and all but one collide
      const hold = await broker.sequelize.transaction();
      let sent: Promise<ApiResponse[]>;
      try {
        await broker.sequelize.query('LOCK TABLE calendar_days IN EXCLUSIVE MODE', { transaction: hold });
        sent = Promise.all(labels.map(put));
        await eventually(
          async () => {
            const [row] = await broker.sequelize.query<{ waiting: string }>(
              `SELECT count(*) AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
              { type: QueryTypes.SELECT },
            );
            return Number(row?.waiting) === labels.length;
          },
          { timeoutMs: 20_000 },
        );
      } finally {
        await hold.commit();
      }
      answers = await sent;
    } else {
      answers = await Promise.all(labels.map(put));
    }
    assert.deepEqual(
      answers.map((a) => a.status),
      labels.map(() => 200),
      JSON.stringify(answers.map((a) => a.body)),
    );

    const events = await auditOf('calendar-day.set', date);
    assert.equal(events.length, labels.length, 'every PUT is audited');
    assert.equal(events[0].before, null, 'the first one created the date');
    for (let i = 1; i < events.length; i++) assert.deepEqual(events[i].before, events[i - 1].after, 'each replaced what the one before it wrote');
    assert.deepEqual([...events.map((e: { after: { label: string } }) => e.after.label)].sort(), [...labels].sort());
    const stored = (await broker.admin.get(`/api/v1/calendar-days?from=${date}&to=${date}`)).body.items;
    assert.deepEqual(stored, [events.at(-1).after], 'the last one audited is the one that stands');
  });
});
