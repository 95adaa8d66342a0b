import assert from 'node:assert/strict';
import { eventually } from '../helpers/eventually.js';
import { AgentProcess, FAST, FleetBroker } from './agent-kit.js';

const AGENTS = 5;

describe('broker restart: every agent comes back within the backoff bound (real agent processes)', function () {
  this.timeout(90_000);
  let fleet: FleetBroker;
  const agents: AgentProcess[] = [];
  const ids: string[] = [];

  before(async () => {
    fleet = await FleetBroker.start();
    const site = await fleet.factory.site();
    const { token } = await fleet.joinToken(site.id, { maxUses: AGENTS });
    for (let i = 0; i < AGENTS; i++) agents.push(await AgentProcess.start(fleet.url, { joinToken: token }));
    ids.push(...(await Promise.all(agents.map((a) => a.terminalId()))));
    await Promise.all(ids.map((id) => fleet.waitOnline(id, true, 45_000)));
  });
  after(async () => {
    await Promise.all(agents.map((a) => a.dispose()));
    await fleet.stop();
  });

  it('reconnects all of them after a restart on the same port, and they take commands again', async () => {
    const connected = async () => {
      const states = await Promise.all(ids.map(async (id) => (await fleet.admin.get(`/api/v1/terminals/${id}/agent`)).body.connected as boolean));
      return states.every(Boolean);
    };
    await fleet.restart();
    const up = Date.now();
    // the agents saw "going away" while the broker stopped; each retries within [max/2, max] at worst
    await eventually(connected, { timeoutMs: FAST.backoffMaxMs + 2000, intervalMs: 20 });
    const backMs = Date.now() - up;
    assert.ok(backMs <= FAST.backoffMaxMs + 1000, `all back after ${backMs} ms`);
    await Promise.all(ids.map((id) => fleet.waitOnline(id)));
    for (const id of ids) assert.equal((await fleet.command(id, { type: 'unlock' })).status, 200);
    for (const a of agents) {
      assert.equal(a.exitCode, null);
      assert.match(a.stderr, /agent reconnecting/);
    }
  });

  it('comes back again after a second restart, the identity unchanged', async () => {
    await fleet.restart();
    await eventually(
      async () => (await Promise.all(ids.map(async (id) => (await fleet.admin.get(`/api/v1/terminals/${id}/agent`)).body.connected))).every(Boolean),
      { timeoutMs: FAST.backoffMaxMs + 2000 },
    );
    assert.deepEqual(
      agents.map((a) => a.identity.terminalId),
      ids,
    );
    const terminals = (await fleet.admin.get('/api/v1/terminals?pageSize=50')).body;
    assert.equal(terminals.total, AGENTS, 'nobody enrolled twice');
  });
});
