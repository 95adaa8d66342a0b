// Bulk terminal actions (issue 17): one command to every terminal of a site or of one hall area,
// through the per-terminal command path, with real agent processes answering.
import assert from 'node:assert/strict';
import { ApiClient, assertError } from '../helpers/api-client.js';
import { eventually } from '../helpers/eventually.js';
import { AgentProcess, FleetBroker, fakeWindowPage } from './agent-kit.js';

type Result = {
  terminalId: string;
  terminalName: string;
  windowCode: string | null;
  outcome: string;
  error: { code: string; agentCode: string | null } | null;
};

describe('bulk terminal actions by site or area (real agents)', function () {
  this.timeout(120_000);
  let fleet: FleetBroker;
  let siteId: string;
  const agents: Record<'a1' | 'a2' | 'b1' | 'other', { agent: AgentProcess; id: string }> = {} as never;

  before(async () => {
    fleet = await FleetBroker.start();
    const county = await fleet.factory.site({ code: 'BULK', name: '批量中心' });
    siteId = county.id;
    const town = await fleet.factory.site({ code: 'BULK-T', kind: 'town', parentId: county.id });
    const windows = {
      a1: await fleet.factory.window(siteId, { code: 'A-01', area: 'A区' }),
      a2: await fleet.factory.window(siteId, { code: 'A-02', area: 'A区' }),
      b1: await fleet.factory.window(siteId, { code: 'B-01', area: 'B区' }),
      off: await fleet.factory.window(siteId, { code: 'A-09', area: 'A区' }),
    };
    const token = (await fleet.joinToken(siteId, { maxUses: 3 })).token;
    const townToken = (await fleet.joinToken(town.id)).token;
    for (const key of ['a1', 'a2', 'b1', 'other'] as const) {
      const agent = await AgentProcess.start(fleet.url, { joinToken: key === 'other' ? townToken : token, name: `终端-${key}` });
      const id = await agent.terminalId();
      await fleet.waitOnline(id, true, 30_000);
      if (key !== 'other') assert.equal((await fleet.admin.patch(`/api/v1/terminals/${id}`, { windowId: windows[key].id })).status, 200);
      agents[key] = { agent, id };
    }
    // a terminal in service whose thin client never connected
    await fleet.factory.terminal(siteId, windows.off.id, { name: '终端-off' });
  });
  after(async () => {
    await Promise.all(Object.values(agents).map((a) => a.agent.dispose()));
    await fleet?.stop();
  });

  const send = (body: Record<string, unknown>, client: ApiClient = fleet.admin) => client.post('/api/v1/terminal-commands', body);
  const byName = (results: Result[]) => Object.fromEntries(results.map((r) => [r.terminalName, r]));

  it('lock at a whole site: every terminal answers, the offline one is reported offline, each is audited with the bulk id', async () => {
    const res = await send({ siteId, command: { type: 'lock' }, timeoutSeconds: 30 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const results = byName(res.body.results);
    assert.deepEqual(Object.keys(results).sort(), ['终端-a1', '终端-a2', '终端-b1', '终端-off'], 'the town terminal is not part of the county site');
    for (const name of ['终端-a1', '终端-a2', '终端-b1']) assert.equal(results[name]!.outcome, 'ok', JSON.stringify(results[name]));
    assert.deepEqual([results['终端-off']!.outcome, results['终端-off']!.error?.code], ['offline', 'TERMINAL_OFFLINE']);
    assert.deepEqual([res.body.total, res.body.succeeded], [4, 3]);
    assert.equal(results['终端-b1']!.windowCode, 'B-01');
    for (const key of ['a1', 'a2', 'b1'] as const) await eventually(() => agents[key].agent.records().some((r) => r.action === 'screen.lock'));

    const rows = (await fleet.admin.get(`/api/v1/audit-events?action=terminal.command&pageSize=100`)).body.items.filter(
      (e: { details: { bulkId?: string } }) => e.details.bulkId === res.body.bulkId,
    );
    assert.equal(rows.length, 4, 'one terminal.command row per terminal, the offline one included');
    const [summary] = (await fleet.admin.get(`/api/v1/audit-events?action=terminal.bulk-command&targetId=${siteId}`)).body.items;
    assert.deepEqual([summary.details.bulkId, summary.details.total, summary.details.counts.ok, summary.details.counts.offline], [res.body.bulkId, 4, 3, 1]);
  });

  it('a message to one area: a window page that shows it is ok, a terminal without one says NOT_SHOWN, area B hears nothing', async () => {
    assert.equal((await fleet.command(agents.a1.id, { type: 'open-kiosk' })).status, 200);
    const url = String(
      agents.a1.agent
        .records()
        .filter((r) => r.action === 'kiosk.open')
        .at(-1)?.args.url,
    );
    const page = await fakeWindowPage(url);
    const res = await send({ siteId, area: 'A区', command: { type: 'message', text: '今晚 20:00 系统维护', level: 'warning' }, timeoutSeconds: 30 });
    await page.close();
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const results = byName(res.body.results);
    assert.deepEqual(Object.keys(results).sort(), ['终端-a1', '终端-a2', '终端-off']);
    assert.equal(results['终端-a1']!.outcome, 'ok');
    assert.deepEqual(results['终端-a2']!.error, { code: 'COMMAND_FAILED', agentCode: 'NOT_SHOWN' });
    assert.equal(results['终端-a2']!.outcome, 'failed');
    assert.equal(results['终端-off']!.outcome, 'offline');
    assert.deepEqual(
      page.messages.map((m) => m.text),
      ['今晚 20:00 系统维护'],
    );
  });

  it('reboot area B reboots only its terminal; restart the window page reaches the kiosk', async () => {
    const reboot = await send({ siteId, area: 'B区', command: { type: 'reboot', delaySeconds: 60 }, timeoutSeconds: 30 });
    assert.deepEqual(
      reboot.body.results.map((r: Result) => [r.terminalName, r.outcome]),
      [['终端-b1', 'ok']],
    );
    await eventually(() => agents.b1.agent.records().some((r) => r.action === 'power.reboot' && r.args.delaySeconds === 60));
    assert.ok(!agents.a1.agent.records().some((r) => r.action === 'power.reboot'));
    const restart = await send({ siteId, area: 'B区', command: { type: 'restart-kiosk' }, timeoutSeconds: 30 });
    assert.equal(restart.body.results[0].outcome, 'ok', JSON.stringify(restart.body));
    await eventually(() => agents.b1.agent.records().some((r) => r.action === 'kiosk.restart'));
  });

  it('site-scoped: a town admin cannot reach the county site; other commands and bad bodies are refused', async () => {
    const town = (await fleet.admin.get(`/api/v1/terminals/${agents.other.id}`)).body.siteId;
    await fleet.factory.account({ username: 'bulk-town', roles: ['site-admin'], homeSiteId: town, password: 'Town-admin-1' });
    const client = new ApiClient(fleet.url);
    assert.equal((await client.login('bulk-town', 'Town-admin-1')).status, 200);
    assertError(await send({ siteId, command: { type: 'lock' } }, client), 404, 'NOT_FOUND');
    const own = await send({ siteId: town, command: { type: 'unlock' }, timeoutSeconds: 30 }, client);
    assert.deepEqual(
      own.body.results.map((r: Result) => [r.terminalName, r.outcome]),
      [['终端-other', 'ok']],
    );
    assertError(await send({ siteId, command: { type: 'set-config', settings: { heartbeatMs: 5000 } } }), 400, 'VALIDATION_FAILED');
    assertError(await send({ command: { type: 'lock' } }), 400, 'VALIDATION_FAILED');
  });
});
