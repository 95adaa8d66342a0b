import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { LiveEvent } from '../../broker/src/lib/live-events.js';
import { assertError, ApiClient } from '../helpers/api-client.js';
import { eventually } from '../helpers/eventually.js';
import { AgentProcess, FleetBroker, agentHeaders, fakeWindowPage, rawAgentSocket, watch } from './agent-kit.js';

describe('agent commands: every command round trip (real agent, recording OS adapter)', function () {
  this.timeout(60_000);
  let fleet: FleetBroker;
  let siteId: string;
  let agent: AgentProcess;
  let id: string;
  const events: LiveEvent[] = [];
  let unsubscribe: () => void;

  before(async () => {
    fleet = await FleetBroker.start();
    siteId = (await fleet.factory.site()).id;
    agent = await AgentProcess.start(fleet.url, { joinToken: (await fleet.joinToken(siteId)).token });
    id = await agent.terminalId();
    await fleet.waitOnline(id);
    unsubscribe = fleet.broker.events.subscribe((e) => events.push(e));
  });
  after(async () => {
    unsubscribe();
    await agent.dispose();
    await fleet.stop();
  });

  /** sends a command, expects success, returns the result and the OS actions it caused */
  async function roundTrip(command: Record<string, unknown>) {
    const before = agent.records().length;
    const res = await fleet.command(id, command);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.ok, true);
    assert.equal(res.body.type, command.type);
    const audit = await eventually(
      async () => (await fleet.admin.get(`/api/v1/audit-events?action=terminal.command&targetId=${id}&order=desc&pageSize=1`)).body.items[0],
    );
    assert.deepEqual([audit.details.commandId, audit.details.outcome], [res.body.commandId, 'ok']);
    return { result: res.body.result, actions: () => agent.records().slice(before) };
  }

  it('lock and unlock the screen', async () => {
    const locked = await roundTrip({ type: 'lock' });
    assert.deepEqual(locked.result, { locked: true, shownOnWindow: false }, 'no window page open: the result says so');
    assert.deepEqual(
      locked.actions().map((a) => a.action),
      ['screen.lock'],
    );
    const unlocked = await roundTrip({ type: 'unlock' });
    assert.deepEqual(
      unlocked.actions().map((a) => a.action),
      ['screen.unlock'],
    );
  });

  it('reboot and shutdown: answered, then done (or scheduled with a delay)', async () => {
    const now = await roundTrip({ type: 'reboot' });
    assert.deepEqual(now.result, { scheduledInSeconds: 0 });
    await eventually(() => now.actions().some((a) => a.action === 'power.reboot' && a.args.delaySeconds === 0));
    const later = await roundTrip({ type: 'reboot', delaySeconds: 120 });
    assert.deepEqual(
      later.actions().map((a) => [a.action, a.args.delaySeconds]),
      [['power.reboot', 120]],
    );
    const off = await roundTrip({ type: 'shutdown' });
    await eventually(() => off.actions().some((a) => a.action === 'power.shutdown'));
  });

  /** the window page the agent opened (the recording OS keeps the URL) */
  const kioskUrl = () =>
    String(
      agent
        .records()
        .filter((a) => a.action === 'kiosk.open' || a.action === 'kiosk.restart')
        .at(-1)?.args.url,
    );

  it('message: shown on the window page (its screen channel), which says so; without a page it fails, saying why', async () => {
    const page = await fakeWindowPage(kioskUrl());
    const sent = await roundTrip({ type: 'message', text: '系统将于 12:00 维护，请保存工作', level: 'warning', durationSeconds: 60 });
    assert.equal(sent.result.shownBy, 'window-page');
    assert.deepEqual(
      page.messages.map(({ id: _id, ...m }) => m),
      [{ type: 'notice', text: '系统将于 12:00 维护，请保存工作', level: 'warning', durationSeconds: 60 }],
    );
    await page.close();
    const unseen = await fleet.command(id, { type: 'message', text: '没有页面时' });
    assertError(unseen, 502, 'COMMAND_FAILED');
    assert.equal(unseen.body.error.details.agentCode, 'NOT_SHOWN');
    const pushed = events.find((e): e is LiveEvent<'terminal.message'> => e.type === 'terminal.message')!;
    assert.deepEqual(
      {
        terminalId: pushed.data.terminalId,
        siteId: pushed.data.siteId,
        text: pushed.data.text,
        level: pushed.data.level,
        durationSeconds: pushed.data.durationSeconds,
      },
      { terminalId: id, siteId, text: '系统将于 12:00 维护，请保存工作', level: 'warning', durationSeconds: 60 },
    );
    assert.deepEqual(
      sent.actions().map((a) => a.action),
      ['notice.show', 'notice.show'],
      'shown, then tried again with no page',
    );
  });

  it('open-kiosk and restart-kiosk open the window page with the terminal credential', async () => {
    const url = kioskUrl();
    assert.match(url, new RegExp(`^${fleet.url}/terminal#credential=${agent.identity.credential}&screen=\\d+\\.[A-Za-z0-9_-]+$`));
    const opened = await roundTrip({ type: 'open-kiosk' });
    assert.equal(opened.result.kiosk, 'running');
    assert.deepEqual(
      opened.actions().map((a) => [a.action, a.args.url]),
      [['kiosk.open', url]],
    );
    const restarted = await roundTrip({ type: 'restart-kiosk' });
    assert.deepEqual(
      restarted.actions().map((a) => [a.action, a.args.url]),
      [['kiosk.restart', url]],
    );
  });

  it('set-config changes the heartbeat at once and keeps it (0600) across restarts', async () => {
    const set = await roundTrip({ type: 'set-config', settings: { heartbeatMs: 1000 } });
    assert.deepEqual(set.result.settings, { heartbeatMs: 1000 });
    await eventually(async () => (await fleet.admin.get(`/api/v1/terminals/${id}/agent`)).body.heartbeatMs === 1000);
    const file = path.join(agent.stateDir, 'settings.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).remote.heartbeatMs, 1000);
    assert.equal(await agent.stop(), 0);
    await fleet.waitOnline(id, false);
    agent.spawn();
    await fleet.waitOnline(id);
    await eventually(async () => (await fleet.admin.get(`/api/v1/terminals/${id}/agent`)).body.heartbeatMs === 1000);
  });

  it('a command the agent cannot carry out answers COMMAND_FAILED with the agent code, audited', async () => {
    const off = await roundTrip({ type: 'set-config', settings: { kioskEnabled: false } });
    assert.deepEqual(
      off.actions().map((a) => a.action),
      ['kiosk.close'],
    );
    const res = await fleet.command(id, { type: 'open-kiosk' });
    assertError(res, 502, 'COMMAND_FAILED');
    assert.equal(res.body.error.details.agentCode, 'INVALID_PARAMS');
    const audit = (await fleet.admin.get(`/api/v1/audit-events?action=terminal.command&targetId=${id}&order=desc&pageSize=1`)).body.items[0];
    assert.equal(audit.details.outcome, 'failed');
    await roundTrip({ type: 'set-config', settings: { kioskEnabled: true } });
  });

  it('bind-window binds the terminal to a window of its own site only', async () => {
    const window = await fleet.factory.window(siteId, { code: 'A-012' });
    const page = await fakeWindowPage(kioskUrl());
    const bound = await roundTrip({ type: 'bind-window', windowId: window.id });
    assert.deepEqual(bound.result, { windowId: window.id, shownOnWindow: true });
    assert.deepEqual(
      page.messages.map(({ id: _id, ...m }) => m),
      [{ type: 'window-bound', windowId: window.id }],
      'the open page heard of it (no kiosk restart)',
    );
    assert.deepEqual(
      bound.actions().map((a) => a.action),
      [],
    );
    await page.close();
    assert.equal((await fleet.terminal(id)).windowId, window.id);
    assert.equal(JSON.parse(readFileSync(path.join(agent.stateDir, 'settings.json'), 'utf8')).windowId, window.id);
    const elsewhere = await fleet.factory.window((await fleet.factory.site()).id);
    assertError(await fleet.command(id, { type: 'bind-window', windowId: elsewhere.id }), 400, 'VALIDATION_FAILED');
    assert.equal((await fleet.terminal(id)).windowId, window.id);
  });

  it('refuses a malformed command and an auditor, before anything is sent', async () => {
    const before = agent.records().length;
    assertError(await fleet.command(id, { type: 'format-disk' }), 400, 'VALIDATION_FAILED');
    assertError(await fleet.command(id, { type: 'message', text: '' }), 400, 'VALIDATION_FAILED');
    await fleet.factory.account({ username: 'auditor1', password: 'auditor-pass-1', roles: ['auditor'] });
    const auditor = new ApiClient(fleet.url);
    await auditor.login('auditor1', 'auditor-pass-1');
    assertError(await auditor.post(`/api/v1/terminals/${id}/commands`, { command: { type: 'lock' } }), 403, 'FORBIDDEN');
    assert.equal(agent.records().length, before);
  });

  it('an offline terminal answers TERMINAL_OFFLINE (409), audited', async () => {
    const terminal = await fleet.factory.terminal(siteId, null);
    assertError(await fleet.command(terminal.id, { type: 'lock' }), 409, 'TERMINAL_OFFLINE');
    const audit = (await fleet.admin.get(`/api/v1/audit-events?action=terminal.command&targetId=${terminal.id}`)).body.items[0];
    assert.equal(audit.details.outcome, 'offline');
  });

  it('an agent that never answers gives COMMAND_TIMEOUT (504) after the timeout', async () => {
    const terminal = await fleet.factory.terminal(siteId, null);
    const raw = await rawAgentSocket(fleet.url, agentHeaders(terminal.credential));
    const seen = watch(raw.ws!);
    const started = Date.now();
    const res = await fleet.command(terminal.id, { type: 'lock' }, { timeoutSeconds: 1 });
    assertError(res, 504, 'COMMAND_TIMEOUT');
    assert.ok(Date.now() - started >= 990, 'the broker waited for the timeout');
    assert.ok(
      seen.messages.some((m) => m.type === 'command'),
      'the command reached the socket',
    );
    const audit = (await fleet.admin.get(`/api/v1/audit-events?action=terminal.command&targetId=${terminal.id}`)).body.items[0];
    assert.equal(audit.details.outcome, 'timeout');
    raw.ws!.close();
  });
});
