import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { assertError, ApiClient } from '../helpers/api-client.js';
import { eventually } from '../helpers/eventually.js';
import { AgentProcess, FleetBroker } from './agent-kit.js';

describe('agent enrollment with join tokens (real agent processes)', function () {
  this.timeout(60_000);
  let fleet: FleetBroker;
  let siteId: string;
  const agents: AgentProcess[] = [];
  const agent = async (opts: AgentProcess['opts']) => {
    const a = await AgentProcess.start(fleet.url, opts);
    agents.push(a);
    return a;
  };
  const refusals = async (code: string) =>
    (await fleet.admin.get(`/api/v1/audit-events?action=agent.enroll.refused&pageSize=100`)).body.items.filter(
      (e: { details: { code: string } }) => e.details.code === code,
    );

  before(async () => {
    fleet = await FleetBroker.start();
    siteId = (await fleet.factory.site({ kind: 'county' })).id;
  });
  after(async () => {
    await Promise.all(agents.map((a) => a.dispose()));
    await fleet.stop();
  });

  it('enrolls once with a good token, keeps the identity 0600, and reuses it after a restart', async () => {
    const { token, id: tokenId } = await fleet.joinToken(siteId, { maxUses: 5, label: '一楼大厅' });
    const a = await agent({ joinToken: token, hardwareId: 'machine-id:good' });
    const terminalId = await a.terminalId();
    await fleet.waitOnline(terminalId);
    assert.equal(statSync(path.join(a.stateDir, 'identity.json')).mode & 0o777, 0o600);
    const terminal = await fleet.terminal(terminalId);
    assert.equal(terminal.siteId, siteId);
    assert.equal(terminal.state, 'active');
    assert.equal((await fleet.admin.get(`/api/v1/terminals/${terminalId}`)).body.hardwareId, 'machine-id:good');

    assert.equal(await a.stop(), 0);
    await fleet.waitOnline(terminalId, false); // a drained agent is offline at once, not after missed beats
    a.spawn({ YUNZHUO_AGENT_JOIN_TOKEN: '' }); // no token any more: the stored identity must be enough
    await fleet.waitOnline(terminalId);
    assert.equal(a.exitCode, null);
    assert.equal(a.identity.terminalId, terminalId);
    const tokens = (await fleet.admin.get(`/api/v1/join-tokens?siteId=${siteId}`)).body.items;
    assert.equal(tokens.find((t: { id: string }) => t.id === tokenId).uses, 1, 'the restart did not enroll again');
    const enrolled = (await fleet.admin.get(`/api/v1/audit-events?action=agent.enroll&targetId=${terminalId}`)).body;
    assert.equal(enrolled.total, 1);
  });

  it('refuses an expired token with JOIN_TOKEN_EXPIRED, audited, and the agent exits 2', async () => {
    const { token, id } = await fleet.joinToken(siteId, { expiresInHours: 0.0003 }); // about a second
    await eventually(async () => (await fleet.admin.get(`/api/v1/join-tokens?state=expired`)).body.items.some((t: { id: string }) => t.id === id), {
      intervalMs: 100,
    });
    const a = await agent({ joinToken: token });
    assert.equal(await a.exited(), 2);
    assert.match(a.stderr, /JOIN_TOKEN_EXPIRED/);
    assert.equal((await refusals('JOIN_TOKEN_EXPIRED')).length, 1);
    assertError(await new ApiClient(fleet.url).post('/api/v1/agent/enroll', { joinToken: token, hardwareId: 'x', name: 'x' }), 401, 'JOIN_TOKEN_EXPIRED');
  });

  it('refuses a revoked token with JOIN_TOKEN_REVOKED', async () => {
    const { token, id } = await fleet.joinToken(siteId);
    const revoked = await fleet.admin.post(`/api/v1/join-tokens/${id}/revoke`);
    assert.equal(revoked.body.state, 'revoked');
    const a = await agent({ joinToken: token });
    assert.equal(await a.exited(), 2);
    assert.match(a.stderr, /JOIN_TOKEN_REVOKED/);
    const rows = await refusals('JOIN_TOKEN_REVOKED');
    assert.equal(rows.length, 1);
    assert.equal(rows[0].siteId, siteId);
    assert.equal(rows[0].targetId, id);
  });

  it('refuses a used-up token with JOIN_TOKEN_USED_UP once its uses are gone', async () => {
    const { token, id } = await fleet.joinToken(siteId, { maxUses: 1 });
    const first = await agent({ joinToken: token });
    await fleet.waitOnline(await first.terminalId());
    const second = await agent({ joinToken: token });
    assert.equal(await second.exited(), 2);
    assert.match(second.stderr, /JOIN_TOKEN_USED_UP/);
    assert.equal((await refusals('JOIN_TOKEN_USED_UP')).length, 1);
    const listed = (await fleet.admin.get(`/api/v1/join-tokens?state=used-up`)).body.items.find((t: { id: string }) => t.id === id);
    assert.deepEqual([listed.uses, listed.maxUses], [1, 1]);
  });

  it('never hands out more uses than the token has, under concurrent enrollment', async () => {
    const { token } = await fleet.joinToken(siteId, { maxUses: 3 });
    const anonymous = new ApiClient(fleet.url);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => anonymous.post('/api/v1/agent/enroll', { joinToken: token, hardwareId: `race-${i}`, name: `race-${i}` })),
    );
    assert.equal(results.filter((r) => r.status === 201).length, 3);
    for (const r of results.filter((x) => x.status !== 201)) assertError(r, 401, 'JOIN_TOKEN_USED_UP');
  });

  it('refuses an unknown token with JOIN_TOKEN_INVALID and never echoes the token', async () => {
    const res = await new ApiClient(fleet.url).post('/api/v1/agent/enroll', { joinToken: 'yzj_not-a-real-token-at-all', hardwareId: 'hw', name: 'n' });
    assertError(res, 401, 'JOIN_TOKEN_INVALID');
    const rows = await refusals('JOIN_TOKEN_INVALID');
    assert.equal(rows.length, 1);
    assert.doesNotMatch(JSON.stringify(rows), /not-a-real-token/);
  });

  it('keeps towns apart: a town admin manages only its own tokens and terminals', async () => {
    const townA = await fleet.factory.site({ kind: 'town', parentId: siteId });
    const townB = await fleet.factory.site({ kind: 'town', parentId: siteId });
    await fleet.factory.account({ username: 'town-b-admin', password: 'town-b-pass-1', roles: ['site-admin'], homeSiteId: townB.id });
    const b = new ApiClient(fleet.url);
    assert.equal((await b.login('town-b-admin', 'town-b-pass-1')).status, 200);

    const { token, id: tokenA } = await fleet.joinToken(townA.id);
    assertError(await b.post('/api/v1/join-tokens', { siteId: townA.id }), 403, 'FORBIDDEN');
    assertError(await b.post(`/api/v1/join-tokens/${tokenA}/revoke`), 404, 'NOT_FOUND');
    const own = await b.create('/api/v1/join-tokens', { siteId: townB.id, maxUses: 3 });
    const visible = (await b.get('/api/v1/join-tokens')).body.items.map((t: { id: string }) => t.id);
    assert.deepEqual(visible, [own.id]);

    // a box enrolled with town A's token lands in town A, out of town B's sight and reach
    const a = await agent({ joinToken: token });
    const terminalId = await a.terminalId();
    await fleet.waitOnline(terminalId);
    assert.equal((await fleet.terminal(terminalId)).siteId, townA.id);
    assertError(await b.get(`/api/v1/terminals/${terminalId}`), 404, 'NOT_FOUND');
    assertError(await b.post(`/api/v1/terminals/${terminalId}/commands`, { command: { type: 'lock' } }), 404, 'NOT_FOUND');
    assert.equal(a.records().filter((r) => r.action === 'screen.lock').length, 0);
  });

  it('holds a terminal in pending until an admin approves it, then it connects', async () => {
    const { token } = await fleet.joinToken(siteId, { requireApproval: true });
    const a = await agent({ joinToken: token });
    const terminalId = await a.terminalId();
    await eventually(() => /awaiting-approval/.test(a.stderr), { timeoutMs: 8000 });
    const pending = await fleet.terminal(terminalId);
    assert.deepEqual([pending.state, pending.online], ['pending', false]);
    const approved = await fleet.admin.post(`/api/v1/terminals/${terminalId}/approve`);
    assert.equal(approved.body.state, 'active');
    await fleet.waitOnline(terminalId);
    assertError(await fleet.admin.post(`/api/v1/terminals/${terminalId}/approve`), 409, 'CONFLICT');
  });
});
