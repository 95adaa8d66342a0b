// Bulk terminal actions in the console (issue 17): pick a site and an area, lock every terminal
// there, and see each terminal's outcome; real agent processes answer. Screenshot:
// test/e2e/artifacts/console-bulk-results.png.
import assert from 'node:assert/strict';
import { AgentProcess } from '../agent/agent-kit.js';
import { ConsoleHarness, textMatching } from '../console/harness.js';
import { eventually } from '../helpers/eventually.js';

describe('console: bulk terminal actions by site and area (issue 17)', function () {
  this.timeout(180_000);
  let h: ConsoleHarness;
  const agents: AgentProcess[] = [];

  before(async () => {
    h = await ConsoleHarness.start();
  });
  after(async () => {
    await Promise.all(agents.map((a) => a.dispose()));
    await h?.stop();
  });

  it('locks every terminal of one area and lists each result, an offline one as 离线', async () => {
    const site = await h.factory.site({ code: 'BULK-UI', name: '批量大厅' });
    const token = (await h.broker.admin.create('/api/v1/join-tokens', { siteId: site.id, maxUses: 3 })).token as string;
    const names = ['东-1', '东-2', '西-1'];
    for (const [i, name] of names.entries()) {
      const window = await h.factory.window(site.id, { code: `W-${i + 1}`, area: name.startsWith('东') ? '东区' : '西区' });
      const agent = await AgentProcess.start(h.url, { joinToken: token, name: `终端${name}` });
      agents.push(agent);
      const id = await agent.terminalId(30_000);
      await eventually(async () => (await h.broker.admin.get(`/api/v1/terminals/${id}`)).body.online === true, { timeoutMs: 30_000 });
      assert.equal((await h.broker.admin.patch(`/api/v1/terminals/${id}`, { windowId: window.id })).status, 200);
    }
    const offWindow = await h.factory.window(site.id, { code: 'W-9', area: '东区' });
    await h.factory.terminal(site.id, offWindow.id, { name: '终端东-离线' });

    const { context, page } = await h.newPage();
    await h.login(page);
    await h.open(page, '/terminals', 'page-terminals');
    const card = page.getByTestId('bulk-commands');
    await card.getByTestId('bulk-site').selectOption(site.id);
    await card.getByTestId('bulk-area').locator('option', { hasText: '东区' }).waitFor({ state: 'attached' });
    await card.getByTestId('bulk-area').selectOption('东区');
    await card.getByTestId('bulk-type').selectOption('lock');
    await card.getByTestId('bulk-send').click();
    await textMatching(page.getByTestId('confirm-dialog'), /批量大厅 · 东区[\s\S]*锁屏/);
    await page.getByTestId('confirm-ok').click();
    await card.getByTestId('bulk-summary').waitFor({ timeout: 60_000 });
    assert.equal(await card.getByTestId('bulk-summary').innerText(), '2 / 3 台终端执行成功');
    const rows = await card.locator('[data-testid=bulk-results] tbody tr').allInnerTexts();
    assert.equal(rows.length, 3);
    assert.match(
      rows.find((r) => r.includes('终端东-1'))!,
      /W-1[\s\S]*成功/,
    );
    assert.match(
      rows.find((r) => r.includes('终端东-2'))!,
      /W-2[\s\S]*成功/,
    );
    assert.match(
      rows.find((r) => r.includes('终端东-离线'))!,
      /W-9[\s\S]*离线[\s\S]*云终端不在线/,
    );
    assert.ok(!rows.some((r) => r.includes('终端西-1')), 'the other area is left alone');
    await eventually(() => agents[0]!.records().some((r) => r.action === 'screen.lock'));
    assert.ok(!agents[2]!.records().some((r) => r.action === 'screen.lock'));
    await h.shot(page, 'bulk-results');
    assert.deepEqual(h.pageErrors.splice(0), []);
    await context.close();
  });
});
