// The rating pad (评价器) in Chromium while its window's terminal is out of service for a while
// (pending approval again): the pad stays paired and says it waits, in Chinese; once the terminal
// is back it shows the window again with the same credential, no new code needed.
// Screenshot: test/e2e/artifacts/pad-out-of-service.png.
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { Terminal } from '../../broker/src/terminals/terminal.model.js';
import { ARTIFACTS, ConsoleHarness } from '../console/harness.js';

describe('the rating pad while its terminal is out of service (Chromium)', function () {
  this.timeout(180_000);
  let h: ConsoleHarness;
  let pad: Page;
  let terminalId: string;

  before(async () => {
    h = await ConsoleHarness.start();
    const hall = await h.factory.hall({ desktops: 1 });
    const seat = await h.factory.windowWithTerminal(hall.site.id, { code: 'C-021' });
    terminalId = seat.terminal.id;
    const made = await seat.client.post('/api/v1/terminal/rating-pads/pairing-code');
    assert.equal(made.status, 201, JSON.stringify(made.body));
    pad = (await h.newPage()).page;
    await pad.goto(`${h.url}/pad`);
    await pad.getByTestId('pad-code').fill(made.body.code);
    await pad.getByTestId('pad-pair').click();
    await pad.getByTestId('pad-window').filter({ hasText: 'C-021 号窗口' }).waitFor();
  });
  after(async () => {
    await Terminal.update({ state: 'active' }, { where: { id: terminalId } }).catch(() => undefined);
    await h?.stop();
  });
  afterEach(() => {
    assert.deepEqual(h.pageErrors.splice(0), [], 'no uncaught errors in the page');
  });

  it('waits, still paired, with its own message; resumes when the terminal is back', async () => {
    const credential = await pad.evaluate<string>('JSON.stringify(Object.entries(localStorage))');
    await Terminal.update({ state: 'pending' }, { where: { id: terminalId } });
    const waiting = pad.locator('[data-testid=pad-offline][data-reason=out-of-service]');
    await waiting.waitFor();
    assert.match(await waiting.innerText(), /窗口终端暂停服务：评价器保持配对/);
    assert.equal(await pad.getByTestId('pad-pairing').count(), 0, 'not back to the code screen');
    await pad.screenshot({ path: path.join(ARTIFACTS, 'pad-out-of-service.png') });
    await Terminal.update({ state: 'active' }, { where: { id: terminalId } });
    await pad.locator('[data-testid=pad-screen][data-online="true"]').waitFor();
    await pad.getByTestId('pad-window').filter({ hasText: 'C-021 号窗口' }).waitFor();
    assert.equal(await pad.evaluate<string>('JSON.stringify(Object.entries(localStorage))'), credential, 'the same credential kept');
  });
});
