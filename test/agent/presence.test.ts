import assert from 'node:assert/strict';
import { AGENT_PROTOCOL_VERSION } from '@yunzhuo/protocol/agent/version';
import type { LiveEvent } from '../../broker/src/lib/live-events.js';
import { Terminal } from '../../broker/src/terminals/terminal.model.js';
import { eventually } from '../helpers/eventually.js';
import { AgentProcess, FAST, FleetBroker } from './agent-kit.js';

describe('agent presence: heartbeat → online → offline (real agent processes)', function () {
  this.timeout(60_000);
  let fleet: FleetBroker;
  let siteId: string;
  let token: string;
  const agents: AgentProcess[] = [];
  const events: LiveEvent[] = [];
  let unsubscribe: () => void;

  before(async () => {
    fleet = await FleetBroker.start();
    siteId = (await fleet.factory.site()).id;
    token = (await fleet.joinToken(siteId, { maxUses: 10 })).token;
    unsubscribe = fleet.broker.events.subscribe((e) => events.push(e));
  });
  after(async () => {
    unsubscribe();
    await Promise.all(agents.map((a) => a.dispose()));
    await fleet.stop();
  });

  const changesOf = (id: string) => events.filter((e): e is LiveEvent<'terminal.changed'> => e.type === 'terminal.changed' && e.data.id === id);
  /** online transitions after enrollment (which announces the new terminal offline) */
  const changes = (id: string) =>
    changesOf(id)
      .slice(1)
      .map((e) => e.data.online);

  it('goes online within two heartbeats of connecting, with its info, and keeps lastSeenAt moving', async () => {
    const a = await AgentProcess.start(fleet.url, { joinToken: token });
    agents.push(a);
    const id = await a.terminalId();
    const status = await eventually(async () => {
      const s = (await fleet.admin.get(`/api/v1/terminals/${id}/agent`)).body;
      return s.connected && s.info ? s : false;
    });
    await fleet.waitOnline(id);
    const onlineEvent = events.find((e) => e.type === 'terminal.changed' && e.data.id === id && e.data.online);
    assert.ok(onlineEvent, 'a terminal.changed online event');
    assert.ok(
      Date.parse(onlineEvent.at) - Date.parse(status.connectedAt) <= 2 * FAST.heartbeatMs,
      `online ${Date.parse(onlineEvent.at) - Date.parse(status.connectedAt)} ms after connecting`,
    );
    assert.equal(status.lifecycle, 'ready');
    assert.equal(status.protocolVersion, AGENT_PROTOCOL_VERSION);
    assert.equal(status.heartbeatMs, FAST.heartbeatMs);
    assert.deepEqual(status.info.screen, { width: 1920, height: 1080 });
    assert.equal(status.info.kiosk, 'running');
    assert.ok(status.info.memory.totalBytes > 0 && status.info.addresses.length >= 0 && status.info.uptimeSeconds > 0);

    const first = (await fleet.terminal(id)).lastSeenAt!;
    await eventually(async () => (await fleet.terminal(id)).lastSeenAt! > first);
    const row = (await fleet.admin.get(`/api/v1/terminals/${id}`)).body;
    assert.equal(row.agentVersion, status.info.agentVersion);
  });

  it('writes no audit row per heartbeat', async () => {
    const count = async () => (await fleet.admin.get('/api/v1/audit-events?pageSize=1')).body.total as number;
    const a = agents[0]!;
    const before = await count();
    const beats = (await fleet.admin.get(`/api/v1/terminals/${a.identity.terminalId}/agent`)).body.lastHeartbeatAt;
    await eventually(async () => (await fleet.admin.get(`/api/v1/terminals/${a.identity.terminalId}/agent`)).body.lastHeartbeatAt !== beats);
    await eventually(async () => (await fleet.admin.get(`/api/v1/terminals/${a.identity.terminalId}/agent`)).body.lastHeartbeatAt !== beats);
    assert.equal(await count(), before);
  });

  it('goes offline only after three missed heartbeats when the agent dies without a word', async () => {
    const a = await AgentProcess.start(fleet.url, { joinToken: token });
    agents.push(a);
    const id = await a.terminalId();
    await fleet.waitOnline(id);
    const lastBeat = async () => Date.parse((await fleet.admin.get(`/api/v1/terminals/${id}/agent`)).body.lastHeartbeatAt);
    await a.kill();
    const last = await lastBeat();
    // still online right after the kill: one missed beat is not an outage
    assert.equal((await fleet.terminal(id)).online, true);
    await fleet.waitOnline(id, false);
    const offlineEvent = changesOf(id).at(-1)!;
    assert.equal(offlineEvent.data.online, false);
    const silentMs = Date.parse(offlineEvent.at) - last;
    assert.ok(silentMs >= 3 * FAST.heartbeatMs, `offline after ${silentMs} ms of silence, before three beats were missed`);
    assert.deepEqual(changes(id), [true, false]);
  });

  it('reconnects the same terminal after it comes back, online again', async () => {
    const a = agents[1]!;
    a.spawn();
    await fleet.waitOnline(a.identity.terminalId);
    assert.deepEqual(changes(a.identity.terminalId), [true, false, true]);
  });

  it("a terminal connected here is this process's to expire; whoever declares it offline is answered with online", async () => {
    const a = await AgentProcess.start(fleet.url, { joinToken: token });
    agents.push(a);
    const id = await a.terminalId();
    await fleet.waitOnline(id);
    // the reconciler's stale-terminal repair skips what this process's presence tracks
    assert.equal(fleet.broker.desktopLifecycle.terminalTrackedHere(id), true);
    assert.equal(fleet.broker.desktopLifecycle.terminalTrackedHere('00000000-0000-4000-8000-000000000000'), false);

    // stored and announced offline in this very process (a reconciler run, an admin's database fix)
    const before = changesOf(id).length;
    await Terminal.update({ online: false }, { where: { id } });
    fleet.broker.events.publish('terminal.changed', { id, state: 'ready', siteId, windowId: null, online: false });
    await fleet.waitOnline(id);
    await eventually(() =>
      changesOf(id)
        .slice(before)
        .some((e) => e.data.online),
    );
    assert.deepEqual(
      changesOf(id)
        .slice(before)
        .map((e) => e.data.online),
      [false, true],
    );
  });
});
