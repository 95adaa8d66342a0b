import assert from 'node:assert/strict';
import { z } from 'zod';
import { auditOut, desktopOut } from '@yunzhuo/protocol/api/resources';
import { assertError, itemsOf, type ApiClient } from '../../helpers/api-client.js';
import { Factory } from '../../helpers/factories.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';
import { DesktopSession } from '../../../broker/src/sessions/session.model.js';

const PASS = 'clerk-pass-1';

describe('brokering engine: the rules', () => {
  let broker: TestBroker;
  let f: Factory;
  const clock = new ManualClock();

  before(async () => {
    broker = await startTestBroker({ clock });
    f = new Factory(broker.admin);
  });
  after(() => broker.stop());

  const login = (client: ApiClient, username: string, poolId?: string) =>
    client.post('/api/v1/terminal/sessions', { username, password: PASS, ...(poolId ? { poolId } : {}) });
  const desktopOf = async (token: string) => (await broker.lifecycle.redeemToken(token)).desktop.id;
  /** a clerk's session on a one-desktop hall, its tunnel connected and the desktop on screen */
  const activeSession = async (poolOverrides: Record<string, unknown> = {}) => {
    const hall = await f.hall({ desktops: 1, poolOverrides });
    const clerk = await f.account({ departmentIds: [hall.department.id] });
    const { client } = await f.windowWithTerminal(hall.site.id);
    const res = await login(client, clerk.username);
    const id: string = res.body.session.id;
    await broker.lifecycle.redeemToken(res.body.tunnel.token);
    await broker.lifecycle.markActive(id, '$c');
    return { hall, client, id };
  };

  it('roaming: the clerk gets the same desktop back at another window, the first window loses it', async () => {
    const hall = await f.hall({ desktops: 3 });
    const clerk = await f.account({ departmentIds: [hall.department.id] });
    const a = await f.windowWithTerminal(hall.site.id, { code: 'A-001' });
    const b = await f.windowWithTerminal(hall.site.id, { code: 'A-014' });
    const first = await login(a.client, clerk.username);
    assert.equal(first.status, 201);
    const desktop = await desktopOf(first.body.tunnel.token);
    await broker.lifecycle.markActive(first.body.session.id, '$conn-1');

    const second = await login(b.client, clerk.username);
    assert.equal(second.status, 201);
    assert.equal(second.body.session.id, first.body.session.id);
    assert.equal(second.body.session.reconnected, true);
    assert.equal(await desktopOf(second.body.tunnel.token), desktop);
    // the first window can no longer reach the session
    assertError(await a.client.post(`/api/v1/terminal/sessions/${first.body.session.id}/tunnel-token`), 404, 'NOT_FOUND');
    const row = await broker.admin.get(`/api/v1/sessions/${first.body.session.id}`);
    assert.equal(row.body.windowId, b.window.id);
  });

  it('a clerk of department A never receives a desktop of department B', async () => {
    const hallA = await f.hall({ desktops: 1 });
    const hallB = await f.hall({ desktops: 5 });
    const clerk = await f.account({ departmentIds: [hallA.department.id] });
    const { client } = await f.windowWithTerminal(hallA.site.id);
    const ok = await login(client, clerk.username);
    assert.equal(await desktopOf(ok.body.tunnel.token), hallA.desktops[0].id);
    const other = await f.account({ departmentIds: [hallA.department.id] });
    assertError(await login(client, other.username), 503, 'POOL_EXHAUSTED');
    assertError(await login(client, other.username, hallB.pool.id), 403, 'NOT_ENTITLED');
    const refused = await broker.admin.get(`/api/v1/audit-events?action=login.refused&targetId=${other.id}`);
    assert.deepEqual(
      itemsOf(auditOut, refused)
        .map((e) => e.details?.code)
        .sort(),
      ['NOT_ENTITLED', 'POOL_EXHAUSTED'],
    );
  });

  it('POOL_EXHAUSTED says which pool and how many are in use', async () => {
    const hall = await f.hall({ desktops: 1 });
    const [c1, c2] = [await f.account({ departmentIds: [hall.department.id] }), await f.account({ departmentIds: [hall.department.id] })];
    const { client } = await f.windowWithTerminal(hall.site.id);
    assert.equal((await login(client, c1.username)).status, 201);
    const res = await login(client, c2.username);
    assertError(res, 503, 'POOL_EXHAUSTED');
    assert.equal(res.body.error.details.poolId, hall.pool.id);
    assert.equal(res.body.error.details.inUse, 1);
    assert.equal(res.body.error.details.total, 1);
    assert.match(res.body.error.message, /无可用桌面/);
  });

  it('a town terminal prefers town desktops, falls back to county ones only when the pool allows it', async () => {
    const hall = await f.hall({ desktops: 1 });
    const town = await f.site({ parentId: hall.site.id, kind: 'town', name: '镇便民服务中心' });
    const townDesktop = await f.desktop(hall.pool.id, { siteId: town.id });
    const t = await f.windowWithTerminal(town.id);
    const c = () => f.account({ departmentIds: [hall.department.id] });
    assert.equal(await desktopOf((await login(t.client, (await c()).username)).body.tunnel.token), townDesktop.id);
    assert.equal(await desktopOf((await login(t.client, (await c()).username)).body.tunnel.token), hall.desktops[0].id);

    const strict = await f.pool(hall.department.id, hall.site.id, [hall.gateway.id], { allowOtherSites: false });
    await f.desktop(strict.id);
    const onlyStrict = await f.account({ poolIds: [strict.id] });
    assertError(await login(t.client, onlyStrict.username), 503, 'POOL_EXHAUSTED');
  });

  it('grace expiry ends a disconnected session and frees the floating desktop', async () => {
    const { hall, id } = await activeSession({ graceSeconds: 600 });
    await broker.lifecycle.markClosed(id, 'browser-closed');
    assert.equal((await broker.admin.get(`/api/v1/sessions/${id}`)).body.state, 'disconnected');
    clock.advance(599_000);
    await broker.lifecycle.sweep();
    assert.equal((await broker.admin.get(`/api/v1/sessions/${id}`)).body.state, 'disconnected');
    clock.advance(2_000);
    await broker.lifecycle.sweep();
    const ended = (await broker.admin.get(`/api/v1/sessions/${id}`)).body;
    assert.equal(ended.state, 'ended');
    assert.equal(ended.endReason, 'grace-expired');
    const desktop = (await broker.admin.get(`/api/v1/desktops/${hall.desktops[0].id}`)).body;
    assert.equal(desktop.state, 'free');
    assert.equal(desktop.sessionId, null);
  });

  it('a tunnel closing in one broker process leaves a session alone whose tunnel now runs in another', async () => {
    const { client, id } = await activeSession();
    // the takeover's new tunnel connected in process B (it stamped the session), then A's old one closes
    await DesktopSession.update({ brokerInstance: 'process-b' }, { where: { id } });
    await broker.lifecycle.markClosed(id, 'taken-over', 'process-a');
    assert.equal((await broker.admin.get(`/api/v1/sessions/${id}`)).body.state, 'active');
    // B's own tunnel closing does put it under grace
    await broker.lifecycle.redeemToken((await client.post(`/api/v1/terminal/sessions/${id}/tunnel-token`)).body.token);
    await broker.lifecycle.markClosed(id, 'browser-closed', 'process-b');
    assert.equal((await broker.admin.get(`/api/v1/sessions/${id}`)).body.state, 'disconnected');
  });

  it('what an admin changes reaches the very next login (the rows a login reads are cached only until changed)', async () => {
    const hall = await f.hall({ desktops: 2 });
    const clerk = await f.account({ departmentIds: [hall.department.id] });
    const { client, terminal } = await f.windowWithTerminal(hall.site.id);
    const first = await login(client, clerk.username);
    assert.equal(first.status, 201);
    await client.post(`/api/v1/terminal/sessions/${first.body.session.id}/logoff`);
    // the terminal moves to another window
    const other = await f.window(hall.site.id);
    await broker.admin.patch(`/api/v1/terminals/${terminal.id}`, { windowId: other.id });
    const moved = await login(client, clerk.username);
    assert.equal((await broker.admin.get(`/api/v1/sessions/${moved.body.session.id}`)).body.windowId, other.id);
    await client.post(`/api/v1/terminal/sessions/${moved.body.session.id}/logoff`);
    // the clerk leaves the department
    const elsewhere = await f.department();
    await broker.admin.patch(`/api/v1/accounts/${clerk.id}`, { departmentIds: [elsewhere.id] });
    assertError(await login(client, clerk.username), 403, 'NOT_ENTITLED');
    await broker.admin.patch(`/api/v1/accounts/${clerk.id}`, { departmentIds: [hall.department.id] });
    // the pool is drained
    await broker.admin.patch(`/api/v1/pools/${hall.pool.id}`, { state: 'draining' });
    assertError(await login(client, clerk.username), 503, 'POOL_UNAVAILABLE');
    await broker.admin.patch(`/api/v1/pools/${hall.pool.id}`, { state: 'active' });
    // the terminal is revoked
    assert.equal((await broker.admin.post(`/api/v1/terminals/${terminal.id}/revoke`)).status, 200);
    assertError(await login(client, clerk.username), 401, 'TERMINAL_UNKNOWN'); // its secret is gone with the revocation
  });

  it('idle limits end forgotten sessions', async () => {
    const hall = await f.hall({ desktops: 1, poolOverrides: { idleSeconds: 1800 } });
    const clerk = await f.account({ departmentIds: [hall.department.id] });
    const { client } = await f.windowWithTerminal(hall.site.id);
    const { body } = await login(client, clerk.username);
    clock.advance(1_801_000);
    await broker.lifecycle.sweep();
    const s = (await broker.admin.get(`/api/v1/sessions/${body.session.id}`)).body;
    assert.equal(s.state, 'ended');
    assert.equal(s.endReason, 'idle-timeout');
  });

  it('a used or expired token is refused', async () => {
    const hall = await f.hall({ desktops: 1 });
    const clerk = await f.account({ departmentIds: [hall.department.id] });
    const { client } = await f.windowWithTerminal(hall.site.id);
    const { body } = await login(client, clerk.username);
    clock.advance(61_000);
    await assert.rejects(broker.lifecycle.redeemToken(body.tunnel.token), { code: 'TOKEN_EXPIRED' });
    const fresh = await client.post(`/api/v1/terminal/sessions/${body.session.id}/tunnel-token`);
    assert.equal(fresh.status, 201);
    await broker.lifecycle.redeemToken(fresh.body.token);
    await assert.rejects(broker.lifecycle.redeemToken(fresh.body.token), { code: 'TOKEN_USED' });
    await assert.rejects(broker.lifecycle.redeemToken('x'.repeat(43)), { code: 'TOKEN_INVALID' });
  });

  it('several pools: the answer lists them; a named pool must be entitled; one session per pool', async () => {
    const hall = await f.hall({ desktops: 1 });
    const dep2 = await f.department({ name: '社保' });
    const pool2 = await f.pool(dep2.id, hall.site.id, [hall.gateway.id]);
    await f.desktop(pool2.id);
    const clerk = await f.account({ departmentIds: [hall.department.id, dep2.id] });
    const { client } = await f.windowWithTerminal(hall.site.id);
    const choice = await login(client, clerk.username);
    assertError(choice, 409, 'POOL_CHOICE_REQUIRED');
    const offered = z.array(z.object({ id: z.string() })).parse(choice.body.error.details.pools);
    assert.deepEqual(offered.map((p) => p.id).sort(), [hall.pool.id, pool2.id].sort());
    const s1 = await login(client, clerk.username, hall.pool.id);
    const s2 = await login(client, clerk.username, pool2.id);
    assert.equal(s1.status, 201);
    assert.equal(s2.status, 201);
    assert.notEqual(s1.body.session.id, s2.body.session.id);
    const held = await client.get('/api/v1/terminal/sessions');
    assert.equal(held.body.items.length, 2);
  });

  it('a dedicated pool assigns a desktop on first use and keeps it for that clerk', async () => {
    const hall = await f.hall({ desktops: 2, poolOverrides: { kind: 'dedicated' } });
    const [c1, c2] = [await f.account({ departmentIds: [hall.department.id] }), await f.account({ departmentIds: [hall.department.id] })];
    const { client } = await f.windowWithTerminal(hall.site.id);
    const first = await login(client, c1.username);
    const mine = await desktopOf(first.body.tunnel.token);
    assert.equal((await client.post(`/api/v1/terminal/sessions/${first.body.session.id}/logoff`)).status, 200);
    const other = await login(client, c2.username);
    assert.notEqual(await desktopOf(other.body.tunnel.token), mine);
    const again = await login(client, c1.username);
    assert.notEqual(again.body.session.id, first.body.session.id);
    assert.equal(await desktopOf(again.body.tunnel.token), mine);
    assert.equal((await broker.admin.get(`/api/v1/desktops/${mine}`)).body.ownerAccountId, c1.id);
  });

  it('concurrent first logins of one clerk to a dedicated pool leave it owning exactly one desktop', async () => {
    const hall = await f.hall({ desktops: 3, poolOverrides: { kind: 'dedicated' } });
    const clerk = await f.account({ departmentIds: [hall.department.id] });
    const { client } = await f.windowWithTerminal(hall.site.id);
    const results = await Promise.all(Array.from({ length: 8 }, () => login(client, clerk.username)));
    assert.deepEqual(
      results.map((r) => r.status),
      Array(8).fill(201),
    );
    assert.equal(new Set(results.map((r) => r.body.session.id)).size, 1);
    const owned = itemsOf(desktopOut, await broker.admin.get(`/api/v1/desktops?poolId=${hall.pool.id}`)).filter((d) => d.ownerAccountId === clerk.id);
    assert.equal(owned.length, 1, 'the losing logins gave their desktops back unowned');
  });

  it('max sessions, drain and maintenance hold', async () => {
    const hall = await f.hall({ desktops: 3, poolOverrides: { maxSessions: 1 } });
    const c = () => f.account({ departmentIds: [hall.department.id] });
    const { client } = await f.windowWithTerminal(hall.site.id);
    const kept = await c();
    const keptLogin = await login(client, kept.username);
    assert.equal(keptLogin.status, 201);
    const keptDesktop = await desktopOf(keptLogin.body.tunnel.token);
    const [other1, other2] = z
      .array(desktopOut)
      .parse(hall.desktops)
      .filter((d) => d.id !== keptDesktop);
    assert.ok(other1 && other2);
    assertError(await login(client, (await c()).username), 503, 'POOL_EXHAUSTED');
    await broker.admin.patch(`/api/v1/pools/${hall.pool.id}`, { maxSessions: null, state: 'draining' });
    assertError(await login(client, (await c()).username), 503, 'POOL_UNAVAILABLE');
    assert.equal((await login(client, kept.username)).body.session.reconnected, true, 'live sessions continue while draining');
    await broker.admin.patch(`/api/v1/pools/${hall.pool.id}`, { state: 'active' });
    assert.equal((await broker.admin.patch(`/api/v1/desktops/${other1.id}`, { drain: true })).status, 200);
    assert.equal((await broker.admin.patch(`/api/v1/desktops/${other2.id}`, { state: 'maintenance' })).status, 200);
    assertError(await login(client, (await c()).username), 503, 'POOL_EXHAUSTED');
  });

  it('admins end or disconnect sessions; logoff releases the desktop', async () => {
    const hall = await f.hall({ desktops: 1 });
    const clerk = await f.account({ departmentIds: [hall.department.id] });
    const { client } = await f.windowWithTerminal(hall.site.id);
    const { body } = await login(client, clerk.username);
    await broker.lifecycle.markActive(body.session.id, '$c');
    const d = await broker.admin.post(`/api/v1/sessions/${body.session.id}/disconnect`);
    assert.equal(d.body.state, 'disconnected');
    const e = await broker.admin.post(`/api/v1/sessions/${body.session.id}/end`);
    assert.equal(e.body.state, 'ended');
    assert.equal(e.body.endReason, 'ended-by-admin');
    assert.equal((await broker.admin.get(`/api/v1/desktops/${hall.desktops[0].id}`)).body.state, 'free');
    const trail = await broker.admin.get(`/api/v1/audit-events?targetId=${body.session.id}&order=asc`);
    assert.deepEqual(
      itemsOf(auditOut, trail).map((x) => x.action),
      ['session.requested', 'session.active', 'session.disconnected', 'session.ended'],
    );
  });
});
