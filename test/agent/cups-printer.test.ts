import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { DeviceBridgeServer } from '../../agent/src/devices/device-bridge.server.js';
import { CupsPrinter, PrintError } from '../../agent/src/paper/cups-printer.js';
import { bridgePrintResultSchema, type BridgePrintResult } from '../../protocol/src/paper/print-job.js';
import { samplePdf } from '../helpers/pdf-sample.js';
import { pdfFacts, startPrivateCups, type PrivateCups } from '../setup/private-cups.js';

const A4 = { widthPt: 595, heightPt: 842 };
const MM = 72 / 25.4;

describe('paper: the agent prints on a real CUPS (private cupsd, cups-pdf queue)', () => {
  let cups: PrivateCups;
  let printer: CupsPrinter;

  before(async () => {
    cups = await startPrivateCups('counter');
    printer = new CupsPrinter({ server: cups.server });
  });
  after(() => cups?.stop());

  it('prints a one-page A4 PDF on the window queue: CUPS accepts it and cups-pdf writes it, text and paper size intact', async () => {
    const pdf = samplePdf(['Receipt 2026-12-03 A-012 No.0042'], A4);
    const job = await printer.print({ printer: { name: cups.queue, paper: 'A4', copies: 1, duplex: false }, title: 'receipt', pdf });
    assert.match(job.jobId, /^counter-\d+$/);
    assert.deepEqual({ pages: job.pages, bytes: job.bytes }, { pages: 1, bytes: pdf.length });
    const facts = await pdfFacts(await cups.outputOf(job.jobId));
    assert.match(facts.text, /Receipt 2026-12-03 A-012 No\.0042/);
    assert.deepEqual({ pages: facts.pages, width: Math.round(facts.widthPt), height: Math.round(facts.heightPt) }, { pages: 1, width: 595, height: 842 });
  });

  it('prints on an 80 mm receipt roll when the window holds receipt paper, counting two pages', async () => {
    const pdf = samplePdf(['Receipt page one', 'Receipt page two'], { widthPt: 227, heightPt: 400 });
    const job = await printer.print({ printer: { name: cups.queue, paper: 'receipt80', copies: 1, duplex: false }, title: 'receipt', pdf });
    assert.equal(job.pages, 2);
    const facts = await pdfFacts(await cups.outputOf(job.jobId));
    assert.match(facts.text, /Receipt page one[\s\S]*Receipt page two/);
    assert.equal(Math.round(facts.widthPt / MM), 80, `width ${facts.widthPt} pt is 80 mm`);
  });

  it("fails with CUPS's reason on a disabled queue, and prints again once it is enabled", async () => {
    await cups.disable('缺纸');
    try {
      await assert.rejects(
        printer.print({ printer: { name: cups.queue, paper: 'A4', copies: 1, duplex: false }, title: 'receipt', pdf: samplePdf(['x']) }),
        (error: unknown) => error instanceof PrintError && error.code === 'PRINTER_FAILED' && error.reason === '缺纸',
      );
    } finally {
      await cups.enable();
    }
    const job = await printer.print({ printer: { name: cups.queue, paper: 'A4', copies: 2, duplex: true }, title: 'receipt', pdf: samplePdf(['again']) });
    assert.match(job.jobId, /^counter-\d+$/);
  });

  it('refuses a queue that does not exist, a CUPS that is not there and bytes that are not a PDF, each with its code', async () => {
    const a4 = { paper: 'A4' as const, copies: 1, duplex: false };
    await assert.rejects(
      printer.print({ printer: { name: 'no-such-queue', ...a4 }, title: 't', pdf: samplePdf(['x']) }),
      (e: unknown) => e instanceof PrintError && e.code === 'PRINTER_ABSENT',
    );
    await assert.rejects(
      printer.print({ printer: { name: cups.queue, ...a4 }, title: 't', pdf: Buffer.from('<html>not a pdf</html>') }),
      (e: unknown) => e instanceof PrintError && e.code === 'PRINT_JOB_INVALID',
    );
    const away = new CupsPrinter({ server: '127.0.0.1:1' });
    await assert.rejects(
      away.print({ printer: { name: cups.queue, ...a4 }, title: 't', pdf: samplePdf(['x']) }),
      (e: unknown) => e instanceof PrintError && e.code === 'PRINTER_FAILED' && e.reason === '打印服务未运行',
    );
  });
});

describe("paper: the window page prints through the agent's device bridge", () => {
  let cups: PrivateCups;
  const bridges: DeviceBridgeServer[] = [];

  before(async () => {
    cups = await startPrivateCups('counter');
  });
  after(async () => {
    for (const bridge of bridges.splice(0)) await bridge.close();
    await cups?.stop();
  });

  /** sends one print message as the window page does and returns the agent's answer */
  async function printThrough(bridge: DeviceBridgeServer, pdf: Buffer): Promise<BridgePrintResult> {
    bridges.push(bridge);
    const port = await bridge.listen();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/?secret=${bridge.secret}`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const answer = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
    ws.send(
      JSON.stringify({
        type: 'print',
        id: 'job-1',
        printer: { name: cups.queue, paper: 'A4', copies: 1, duplex: false },
        title: 'receipt',
        pdf: pdf.toString('base64'),
      }),
    );
    const result = bridgePrintResultSchema.parse(JSON.parse(await answer));
    ws.close();
    return result;
  }

  it("prints the page's PDF on the window queue and answers with CUPS's job id, pages and bytes", async () => {
    const pdf = samplePdf(['Bridge receipt A-012'], A4);
    const result = await printThrough(new DeviceBridgeServer([], new CupsPrinter({ server: cups.server })), pdf);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual({ id: result.id, pages: result.pages, bytes: result.bytes }, { id: 'job-1', pages: 1, bytes: pdf.length });
    assert.match((await pdfFacts(await cups.outputOf(result.jobId))).text, /Bridge receipt A-012/);
  });

  it('answers 打印失败 with the reason for a disabled queue, and PRINTER_NOT_CONFIGURED on a terminal without printing', async () => {
    await cups.disable('缺纸');
    try {
      const failed = await printThrough(new DeviceBridgeServer([], new CupsPrinter({ server: cups.server })), samplePdf(['x']));
      assert.deepEqual(failed, {
        type: 'print.result',
        id: 'job-1',
        ok: false,
        code: 'PRINTER_FAILED',
        reason: '缺纸',
        pages: 1,
        bytes: samplePdf(['x']).length,
      });
    } finally {
      await cups.enable();
    }
    const none = await printThrough(new DeviceBridgeServer([]), samplePdf(['x']));
    assert.equal(none.ok, false);
    assert.equal(!none.ok && none.code, 'PRINTER_NOT_CONFIGURED');
  });
});
