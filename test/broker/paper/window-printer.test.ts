import assert from 'node:assert/strict';
import { assertError } from '../../helpers/api-client.js';
import { Factory } from '../../helpers/factories.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

describe('paper: the window printer in the API, and the audit of each print', () => {
  let broker: TestBroker;
  let f: Factory;

  before(async () => {
    broker = await startTestBroker();
    f = new Factory(broker.admin);
  });
  after(() => broker.stop());

  it('stores a window printer with its defaults, changes it as one value and takes it away with null', async () => {
    const site = await f.site();
    const window = await f.window(site.id, { printer: { name: 'counter-A4' } });
    assert.deepEqual(window.printer, { name: 'counter-A4', paper: 'A4', copies: 1, duplex: false });

    const receipt = await broker.admin.patch(`/api/v1/windows/${window.id}`, { printer: { name: 'receipt', paper: 'receipt80', copies: 2 } });
    assert.equal(receipt.status, 200, JSON.stringify(receipt.body));
    assert.deepEqual(receipt.body.printer, { name: 'receipt', paper: 'receipt80', copies: 2, duplex: false });

    const untouched = await broker.admin.patch(`/api/v1/windows/${window.id}`, { label: '综合受理' });
    assert.deepEqual(untouched.body.printer, receipt.body.printer, 'a patch without printer keeps it');

    const none = await broker.admin.patch(`/api/v1/windows/${window.id}`, { printer: null });
    assert.equal(none.status, 200);
    assert.equal(none.body.printer, null);
    const plain = await f.window(site.id);
    assert.equal(plain.printer, null, 'a window made without one has none');
  });

  it('refuses a queue name CUPS would refuse, a bad paper, copies out of range and a two-sided receipt, storing nothing', async () => {
    const site = await f.site();
    const window = await f.window(site.id, { printer: { name: 'counter' } });
    for (const printer of [
      { name: 'counter A4' },
      { name: '' },
      { name: 'counter', paper: 'A3' },
      { name: 'counter', copies: 0 },
      { name: 'counter', copies: 10 },
      { name: 'counter', paper: 'receipt80', duplex: true },
      { name: 'counter', color: true },
    ]) {
      const res = await broker.admin.patch(`/api/v1/windows/${window.id}`, { printer });
      assertError(res, 400, 'VALIDATION_FAILED');
    }
    const stored = await broker.admin.get(`/api/v1/windows/${window.id}`);
    assert.deepEqual(stored.body.printer, { name: 'counter', paper: 'A4', copies: 1, duplex: false });
  });

  it("gives the window page its window's printer in the terminal context, and null for a window without one", async () => {
    const site = await f.site();
    const withPrinter = await f.windowWithTerminal(site.id, { printer: { name: 'counter', paper: 'A4', copies: 2, duplex: true } });
    const context = await withPrinter.client.get('/api/v1/terminal/context');
    assert.equal(context.status, 200, JSON.stringify(context.body));
    assert.deepEqual(context.body.window.printer, { name: 'counter', paper: 'A4', copies: 2, duplex: true });

    const without = await f.windowWithTerminal(site.id);
    const plain = await without.client.get('/api/v1/terminal/context');
    assert.equal(plain.body.window.printer, null);
  });

  it('audits each print the window page reports: paper.printed and paper.print-failed rows and paper.print-failed rows with who, window, pages and bytes for a session held at this terminal only', async () => {
    const hall = await f.hall({ desktops: 1 });
    const clerk = await f.account({ departmentIds: [hall.department.id], homeSiteId: hall.site.id });
    const at = await f.windowWithTerminal(hall.site.id, { printer: { name: 'counter' } });
    const login = await at.client.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' });
    assert.equal(login.status, 201, JSON.stringify(login.body));
    const sessionId = login.body.session.id as string;

    const printed = await at.client.post('/api/v1/terminal/print-jobs', {
      sessionId,
      via: 'channel',
      outcome: 'printed',
      queue: 'counter',
      pages: 1,
      bytes: 1234,
    });
    assert.equal(printed.status, 204, JSON.stringify(printed.body));
    const failed = await at.client.post('/api/v1/terminal/print-jobs', {
      sessionId,
      via: 'native',
      outcome: 'failed',
      queue: 'counter',
      pages: 2,
      bytes: 99,
      code: 'PRINTER_FAILED',
      reason: '缺纸',
    });
    assert.equal(failed.status, 204);

    const other = await f.windowWithTerminal(hall.site.id);
    assertError(
      await other.client.post('/api/v1/terminal/print-jobs', { sessionId, via: 'channel', outcome: 'printed', queue: 'counter', pages: 1, bytes: 1 }),
      404,
      'NOT_FOUND',
    );
    assertError(
      await at.client.post('/api/v1/terminal/print-jobs', {
        sessionId,
        via: 'channel',
        outcome: 'printed',
        queue: 'counter',
        pages: 1,
        bytes: 1,
        content: 'JVBERi0=',
      }),
      400,
      'VALIDATION_FAILED',
    );

    const rows = await broker.admin.get(`/api/v1/audit-events?targetId=${sessionId}&pageSize=200`);
    assert.equal(rows.status, 200, JSON.stringify(rows.body));
    const paper = (rows.body.items as Array<{ action: string; details: Record<string, unknown> }>).filter((row) => row.action.startsWith('paper.'));
    const byAction = Object.fromEntries(paper.map((row) => [row.action, row.details]));
    assert.equal(paper.length, 2, 'the refused reports wrote nothing');
    assert.deepEqual(byAction['paper.printed'], {
      accountId: clerk.id,
      windowId: at.window.id,
      terminalId: at.terminal.id,
      via: 'channel',
      queue: 'counter',
      pages: 1,
      bytes: 1234,
    });
    assert.deepEqual(byAction['paper.print-failed'], {
      accountId: clerk.id,
      windowId: at.window.id,
      terminalId: at.terminal.id,
      via: 'native',
      queue: 'counter',
      pages: 2,
      bytes: 99,
      code: 'PRINTER_FAILED',
      reason: '缺纸',
    });
  });
});
