// The window page's print logic (console/src/terminal/paper/) without a browser: a guacd file
// stream of application/pdf (the native path) handed to the agent's device bridge, printed by a
// real CUPS (private cupsd, cups-pdf queue), the toast and the audit report. `ws` stands in for
// the browser's WebSocket.
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { DeviceBridgeServer } from '../../agent/src/devices/device-bridge.server.js';
import { CupsPrinter } from '../../agent/src/paper/cups-printer.js';
import {
  WindowPrinting,
  watchPrintJobs,
  type BridgeSocket,
  type FileStreamSource,
  type PrintInputStream,
  type PrintNotice,
} from '../../console/src/terminal/paper/window-printing.js';
import type { PrintReport } from '../../protocol/src/paper/print-job.js';
import { eventually } from '../helpers/eventually.js';
import { samplePdf } from '../helpers/pdf-sample.js';
import { pdfFacts, startPrivateCups, type PrivateCups } from '../setup/private-cups.js';

/** A guacd `file` stream as Guacamole.Client hands it to the page: blobs, then end; acks recorded. */
class GuacdFileStream implements PrintInputStream {
  onblob: ((data: string) => void) | null = null;
  onend: (() => void) | null = null;
  readonly acks: Array<[string, number]> = [];
  sendAck(message: string, code: number): void {
    this.acks.push([message, code]);
  }
  deliver(bytes: Buffer, blobBytes = 6048): void {
    for (let at = 0; at < bytes.length; at += blobBytes) this.onblob?.(bytes.subarray(at, at + blobBytes).toString('base64'));
    this.onend?.();
  }
}

describe('window page: a desktop print job reaches the window printer, never a download', () => {
  let cups: PrivateCups;
  let bridge: DeviceBridgeServer;
  let bridgeUrl: string;

  before(async () => {
    cups = await startPrivateCups('counter');
    bridge = new DeviceBridgeServer([], new CupsPrinter({ server: cups.server }));
    bridgeUrl = `ws://127.0.0.1:${await bridge.listen()}/?secret=${bridge.secret}`;
  });
  after(async () => {
    await bridge?.close();
    await cups?.stop();
  });

  function page(printer: { name: string } | null, url: string | null = bridgeUrl) {
    const notices: PrintNotice[] = [];
    const reports: PrintReport[] = [];
    const printing = new WindowPrinting({
      bridgeUrl: url,
      printer: printer ? { paper: 'A4', copies: 1, duplex: false, ...printer } : null,
      sessionId: 'session-1',
      openSocket: (address) => new WebSocket(address) as unknown as BridgeSocket,
      report: async (body) => void reports.push(body),
      notify: (notice) => notices.push(notice),
    });
    const client: FileStreamSource = { onfile: null };
    watchPrintJobs(client, printing, 4 * 1024 * 1024);
    return { client, notices, reports };
  }

  it('prints an application/pdf file stream on the window queue, toasts 已送到窗口打印机 and reports pages and bytes', async () => {
    const { client, notices, reports } = page({ name: cups.queue });
    const pdf = samplePdf(['Native path receipt A-012', 'second page']);
    const stream = new GuacdFileStream();
    client.onfile?.(stream, 'application/pdf', 'receipt.pdf');
    stream.deliver(pdf, 300);
    assert.equal(stream.acks.length, Math.ceil(pdf.length / 300), 'every blob acked, so guacd sends the next');
    assert.ok(stream.acks.every(([message, code]) => message === 'OK' && code === 0));
    await eventually(() => reports.length === 1, { timeoutMs: 10_000 });
    assert.deepEqual(notices, [{ kind: 'printed' }]);
    assert.deepEqual(reports[0], { sessionId: 'session-1', via: 'native', outcome: 'printed', queue: 'counter', pages: 2, bytes: pdf.length });
    // the first job of this CUPS
    const printed = await eventually(async () => (await cups.completedJobs())[0] ?? null, { timeoutMs: 20_000, intervalMs: 50 });
    assert.ok(printed !== null);
    assert.match((await pdfFacts(await cups.outputOf(printed))).text, /Native path receipt A-012[\s\S]*second page/);
  });

  it('shows 打印失败：缺纸 for a disabled queue and reports the failure', async () => {
    const { client, notices, reports } = page({ name: cups.queue });
    await cups.disable('缺纸');
    try {
      const stream = new GuacdFileStream();
      client.onfile?.(stream, 'application/pdf', 'receipt.pdf');
      stream.deliver(samplePdf(['x']));
      await eventually(() => reports.length === 1, { timeoutMs: 10_000 });
    } finally {
      await cups.enable();
    }
    assert.deepEqual(notices, [{ kind: 'failed', reason: '缺纸' }]);
    assert.equal(reports[0]?.outcome, 'failed');
    assert.deepEqual([reports[0]?.code, reports[0]?.reason], ['PRINTER_FAILED', '缺纸']);
  });

  it('says plainly that the window has no printer, or the terminal no device bridge, and refuses any other file', async () => {
    const none = page(null);
    const stream = new GuacdFileStream();
    none.client.onfile?.(stream, 'application/pdf', 'a.pdf');
    stream.deliver(samplePdf(['x']));
    await eventually(() => none.reports.length === 1);
    assert.deepEqual(none.notices, [{ kind: 'no-printer' }]);

    const noBridge = page({ name: cups.queue }, null);
    const second = new GuacdFileStream();
    noBridge.client.onfile?.(second, 'application/pdf', 'a.pdf');
    second.deliver(samplePdf(['x']));
    await eventually(() => noBridge.reports.length === 1);
    assert.deepEqual(noBridge.notices, [{ kind: 'no-bridge' }]);

    const download = new GuacdFileStream();
    none.client.onfile?.(download, 'application/vnd.ms-excel', 'cases.xls');
    assert.deepEqual(download.acks, [['file download is not allowed at the window', 0x0303]], 'refused at once, nothing read');
    assert.equal(download.onblob, null);
  });
});

describe("window page: the agent's word on a print the desktop sent over the channel", () => {
  function page(printer: { name: string } | null) {
    const notices: PrintNotice[] = [];
    const reports: PrintReport[] = [];
    const printing = new WindowPrinting({
      bridgeUrl: 'ws://127.0.0.1:1/?secret=x',
      printer: printer ? { paper: 'A4', copies: 1, duplex: false, ...printer } : null,
      sessionId: 'session-9',
      openSocket: () => assert.fail('the channel path opens no socket of its own'),
      report: async (body) => void reports.push(body),
      notify: (notice) => notices.push(notice),
    });
    return { printing, notices, reports };
  }
  const said = (result: object) => JSON.stringify({ type: 'print.result', id: 'channel-ab12', pages: 1, bytes: 900, ...result });

  it('toasts and reports a printed and a failed channel job with via channel; ignores anything else', async () => {
    const { printing, notices, reports } = page({ name: 'counter' });
    assert.deepEqual(await printing.channelPrinted(said({ ok: true, jobId: 'counter-5', via: 'channel' })), { kind: 'printed' });
    await printing.channelPrinted(said({ ok: false, code: 'PRINTER_FAILED', reason: '缺纸', via: 'channel' }));
    assert.equal(await printing.channelPrinted(said({ ok: true, jobId: 'counter-6' })), null, 'a result without via channel is not ours');
    assert.equal(await printing.channelPrinted('not json'), null);
    assert.deepEqual(notices, [{ kind: 'printed' }, { kind: 'failed', reason: '缺纸' }]);
    assert.deepEqual(reports, [
      { sessionId: 'session-9', via: 'channel', outcome: 'printed', queue: 'counter', pages: 1, bytes: 900 },
      { sessionId: 'session-9', via: 'channel', outcome: 'failed', queue: 'counter', pages: 1, bytes: 900, code: 'PRINTER_FAILED', reason: '缺纸' },
    ]);
  });

  it('says plainly that the window has no printer', async () => {
    const { printing, notices, reports } = page(null);
    await printing.channelPrinted(said({ ok: false, code: 'PRINTER_NOT_CONFIGURED', reason: '本窗口没有配置打印机', via: 'channel' }));
    assert.deepEqual(notices, [{ kind: 'no-printer' }]);
    assert.equal(reports[0]?.queue, null);
    assert.equal(reports[0]?.code, 'PRINTER_NOT_CONFIGURED');
  });
});
