import assert from 'node:assert/strict';
import { AGENT_CLOSE } from '../../protocol/src/agent/close-codes.js';
import { Terminal } from '../../broker/src/terminals/terminal.model.js';
import { eventually } from '../helpers/eventually.js';
import { AgentProcess, FleetBroker, agentHeaders, rawAgentSocket, watch } from './agent-kit.js';

const heartbeat = (seq: number, overrides: Record<string, unknown> = {}) => ({
  type: 'heartbeat',
  seq,
  intervalMs: 250,
  lifecycle: 'ready',
  info: {
    agentVersion: '9.9.9',
    hostname: 'raw',
    os: 'test',
    uptimeSeconds: 1,
    load: [0, 0, 0],
    memory: { totalBytes: 1, freeBytes: 1 },
    addresses: [],
    screen: null,
    kiosk: 'disabled',
    hardwareId: null,
    ...overrides,
  },
});

describe('agent lockout: forged, unsupported, revoked and misbehaving agents', function () {
  this.timeout(60_000);
  let fleet: FleetBroker;
  let siteId: string;
  const agents: AgentProcess[] = [];

  before(async () => {
    fleet = await FleetBroker.start();
    siteId = (await fleet.factory.site()).id;
  });
  after(async () => {
    await Promise.all(agents.map((a) => a.dispose()));
    await fleet.stop();
  });

  it('refuses a forged credential before the upgrade, with a JSON error', async () => {
    const terminal = await fleet.factory.terminal(siteId, null);
    const forged = `${terminal.id}.${'A'.repeat(43)}`;
    for (const credential of [forged, 'not-a-credential', `00000000-0000-4000-8000-000000000000.${'x'.repeat(43)}`]) {
      const res = await rawAgentSocket(fleet.url, agentHeaders(credential));
      assert.equal(res.status, 401);
      assert.equal(res.body?.error?.code, 'TERMINAL_UNKNOWN');
    }
    const none = await rawAgentSocket(fleet.url, { 'yunzhuo-agent-protocol': '1.0' });
    assert.deepEqual([none.status, none.body?.error?.code], [401, 'TERMINAL_UNKNOWN']);
    assert.equal((await fleet.terminal(terminal.id)).online, false);
  });

  it('refuses a missing or unsupported protocol version before the upgrade', async () => {
    const terminal = await fleet.factory.terminal(siteId, null);
    for (const version of ['2.0', 'one', '']) {
      const res = await rawAgentSocket(fleet.url, agentHeaders(terminal.credential, version));
      assert.deepEqual([res.status, res.body?.error?.code], [400, 'AGENT_VERSION_UNSUPPORTED'], version);
    }
    const ok = await rawAgentSocket(fleet.url, agentHeaders(terminal.credential, '1.7')); // a newer minor only adds
    assert.equal(ok.status, 101);
    ok.ws!.close();
  });

  it('revoking a terminal closes its socket at once and locks the agent out for good', async () => {
    const a = await AgentProcess.start(fleet.url, { joinToken: (await fleet.joinToken(siteId)).token });
    agents.push(a);
    const id = await a.terminalId();
    await fleet.waitOnline(id);
    const { credential } = a.identity;
    const revoked = await fleet.admin.post(`/api/v1/terminals/${id}/revoke`);
    assert.equal(revoked.body.state, 'revoked');
    assert.equal(await a.exited(5000), 3, 'the agent stops with exit code 3 and does not retry');
    assert.match(a.stderr, /refused this terminal for good/);
    await fleet.waitOnline(id, false);
    const again = await rawAgentSocket(fleet.url, agentHeaders(credential));
    assert.equal(again.status, 401);
    // the credential is erased, not just suspended: putting the state back does not revive it
    await fleet.admin.patch(`/api/v1/terminals/${id}`, { state: 'active' });
    const revived = await rawAgentSocket(fleet.url, agentHeaders(credential));
    assert.deepEqual([revived.status, revived.body?.error?.code], [401, 'TERMINAL_UNKNOWN']);
    const audit = (await fleet.admin.get(`/api/v1/audit-events?action=terminal.revoke&targetId=${id}`)).body;
    assert.equal(audit.total, 1);
  });

  it('revoking through PATCH /terminals/:id also closes the socket at once', async () => {
    const terminal = await fleet.factory.terminal(siteId, null);
    const raw = await rawAgentSocket(fleet.url, agentHeaders(terminal.credential));
    const seen = watch(raw.ws!);
    await fleet.waitOnline(terminal.id);
    await fleet.admin.patch(`/api/v1/terminals/${terminal.id}`, { state: 'revoked' });
    const closed = await seen.closed;
    assert.equal(closed.code, AGENT_CLOSE.REVOKED);
    const again = await rawAgentSocket(fleet.url, agentHeaders(terminal.credential));
    assert.deepEqual([again.status, again.body?.error?.code], [401, 'TERMINAL_REVOKED']);
  });

  it("a revocation this broker was not told of (another broker's, its bus message lost) closes the socket at the next beat", async () => {
    const terminal = await fleet.factory.terminal(siteId, null);
    const raw = await rawAgentSocket(fleet.url, agentHeaders(terminal.credential));
    const ws = raw.ws!;
    const seen = watch(ws);
    // a live agent: it beats every 250 ms, as it says, until the broker closes it
    let seq = 1;
    const beat = () => ws.readyState === ws.OPEN && ws.send(JSON.stringify(heartbeat(seq++)));
    beat();
    const beating = setInterval(beat, 250);
    try {
      await fleet.waitOnline(terminal.id);
      // what another broker process's revoke writes, without the live event that reaches this one
      await Terminal.update({ state: 'revoked', secretHash: null, online: false }, { where: { id: terminal.id } });
      const tooLate = new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000).unref());
      const closed = await Promise.race([seen.closed, tooLate]);
      assert.equal(closed?.code, AGENT_CLOSE.REVOKED, 'closed as revoked, not left open while it beats');
    } finally {
      clearInterval(beating);
    }
    const stored = await Terminal.findByPk(terminal.id, { raw: true });
    assert.deepEqual([stored?.state, Boolean(stored?.online)], ['revoked', false], 'no beat wrote the revoked row back online');
    assert.equal((await fleet.terminal(terminal.id)).online, false);
  });

  it('a schema-invalid message closes that one socket (4400) and changes nothing', async () => {
    const good = await AgentProcess.start(fleet.url, { joinToken: (await fleet.joinToken(siteId)).token });
    agents.push(good);
    const goodId = await good.terminalId();
    await fleet.waitOnline(goodId);

    const terminal = await fleet.factory.terminal(siteId, null);
    const raw = await rawAgentSocket(fleet.url, agentHeaders(terminal.credential));
    const seen = watch(raw.ws!);
    raw.ws!.send(JSON.stringify(heartbeat(0)));
    await eventually(() => seen.messages.some((m) => m.type === 'heartbeat-ack'));
    await eventually(async () => (await fleet.admin.get(`/api/v1/terminals/${terminal.id}`)).body.agentVersion === '9.9.9');
    const before = (await fleet.admin.get(`/api/v1/terminals/${terminal.id}/agent`)).body;

    // a heartbeat whose info breaks the schema (and would change the version if applied)
    raw.ws!.send(JSON.stringify(heartbeat(1, { agentVersion: '6.6.6', memory: { totalBytes: -1, freeBytes: 1 } })));
    const closed = await seen.closed;
    assert.equal(closed.code, AGENT_CLOSE.PROTOCOL_VIOLATION);
    assert.match(closed.reason, /^schema: info\.memory\.totalBytes/);
    const after = (await fleet.admin.get(`/api/v1/terminals/${terminal.id}/agent`)).body;
    assert.equal(after.info.agentVersion, '9.9.9');
    assert.equal(after.lastHeartbeatAt, before.lastHeartbeatAt);
    assert.equal((await fleet.admin.get(`/api/v1/terminals/${terminal.id}`)).body.agentVersion, '9.9.9');

    for (const junk of ['{not json', JSON.stringify({ type: 'launch-missiles' })]) {
      const again = await rawAgentSocket(fleet.url, agentHeaders(terminal.credential));
      const w = watch(again.ws!);
      again.ws!.send(junk);
      assert.equal((await w.closed).code, AGENT_CLOSE.PROTOCOL_VIOLATION);
    }
    // the well-behaved agent never noticed
    const status = (await fleet.admin.get(`/api/v1/terminals/${goodId}/agent`)).body;
    assert.equal(status.connected, true);
    assert.equal(good.exitCode, null);
    assert.equal((await fleet.command(goodId, { type: 'lock' })).status, 200);
  });
});
