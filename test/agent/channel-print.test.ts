import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type WebSocket from 'ws';
import { DeskLink } from '../../agent/src/desk/desk-link.js';
import { printOverChannel } from '../../agent/src/desk/print.api.js';
import { ZkIdrApi } from '../../agent/src/desk/zk-idr.api.js';
import { CupsPrinter, type PrintJob } from '../../agent/src/paper/cups-printer.js';
import { DeviceBridgeServer } from '../../agent/src/devices/device-bridge.server.js';
import { PRINT_PART_BYTES } from '../../protocol/src/devices/index.js';
import { bridgePrintResultSchema, type BridgePrintResult } from '../../protocol/src/paper/print-job.js';
import type { WindowPrinter } from '../../protocol/src/paper/printer.js';
import { channelThroughBridge } from '../helpers/bridge-channel.js';
import { eventually } from '../helpers/eventually.js';
import { samplePdf } from '../helpers/pdf-sample.js';
import { DESK_QUEUE_FILES, pdfFacts, startPrivateCups, type PrivateCups } from '../setup/private-cups.js';
import { run } from '../setup/processes.js';

const A4 = { widthPt: 595, heightPt: 842 };

/** A window printer that keeps what it was given (the bytes the channel delivered). */
class KeepingPrinter {
  jobs: PrintJob[] = [];
  print(job: PrintJob) {
    this.jobs.push(job);
    return Promise.resolve({ jobId: `keep-${this.jobs.length}`, pages: 1, bytes: job.pdf.length });
  }
}

describe('paper: printing through the device channel (yunzhuo-desk → YZDEV → agent → CUPS), on loopback', function () {
  this.timeout(60_000);
  let cups: PrivateCups;
  let bridge: DeviceBridgeServer;
  let bridgeUrl: string;
  const open: Array<{ close(): unknown }> = [];

  before(async () => {
    cups = await startPrivateCups('counter');
  });
  after(async () => {
    await cups.stop();
  });
  afterEach(async () => {
    for (const item of open.splice(0)) await item.close();
    await bridge.close();
  });

  async function startBridge(printer: { print(job: PrintJob): Promise<{ jobId: string; pages: number | null; bytes: number }> } | null): Promise<void> {
    bridge = new DeviceBridgeServer([], printer);
    bridgeUrl = `ws://127.0.0.1:${await bridge.listen()}/?secret=${bridge.secret}`;
  }

  /** The companion's link through the page's relay; `results` collects the page's `print.result` messages. */
  async function companion(session: { printing?: boolean; printer?: WindowPrinter | null }): Promise<{ link: DeskLink; results: BridgePrintResult[] }> {
    const { channel, ws } = await channelThroughBridge(bridgeUrl, [], session);
    const results: BridgePrintResult[] = [];
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (!isBinary) results.push(bridgePrintResultSchema.parse(JSON.parse(String(data))));
    });
    const link = new DeskLink(channel, { readSliceMs: 20 });
    open.push({ close: () => ws.close() }, link);
    return { link, results };
  }

  const counter = (): WindowPrinter => ({ name: cups.queue, paper: 'A4', copies: 1, duplex: false });

  it("prints a desktop's PDF posted to the companion on the window's CUPS queue; the page is told, for its toast and audit", async () => {
    await startBridge(new CupsPrinter({ server: cups.server }));
    const { link, results } = await companion({ printing: true, printer: counter() });
    const api = new ZkIdrApi(link);
    open.push(api);
    const port = await api.listen(0);
    const pdf = samplePdf(['Channel receipt A-012 No.0043'], A4);
    const res = await fetch(`http://127.0.0.1:${port}/yunzhuo/v1/print?title=receipt`, {
      method: 'POST',
      body: pdf,
      headers: { 'content-type': 'application/pdf' },
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { ok: boolean; jobId: string; pages: number; bytes: number };
    assert.equal(body.ok, true);
    assert.match(body.jobId, /^counter-\d+$/);
    assert.equal(body.pages, 1);
    assert.equal(body.bytes, pdf.length);
    const facts = await pdfFacts(await cups.outputOf(body.jobId));
    assert.match(facts.text, /Channel receipt A-012 No\.0043/);
    assert.equal(Math.round(facts.widthPt), 595);
    const told = await eventually(() => results[0] ?? null);
    assert.ok(told && told.ok);
    assert.equal(told.via, 'channel');
    assert.equal(told.jobId, body.jobId);
  });

  it("fails with CUPS's reason for a disabled queue (打印失败：缺纸), on the page and in the desktop's answer", async () => {
    await startBridge(new CupsPrinter({ server: cups.server }));
    const { link, results } = await companion({ printing: true, printer: counter() });
    const api = new ZkIdrApi(link);
    open.push(api);
    const port = await api.listen(0);
    await cups.disable('缺纸');
    try {
      const res = await fetch(`http://127.0.0.1:${port}/yunzhuo/v1/print`, { method: 'POST', body: samplePdf(['x']) });
      assert.equal(res.status, 502);
      assert.deepEqual(await res.json(), { error: { code: 'PRINTER_FAILED', message: '打印机故障', reason: '缺纸' } });
    } finally {
      await cups.enable();
    }
    const told = await eventually(() => results[0] ?? null);
    assert.ok(told && !told.ok);
    assert.equal(told.reason, '缺纸');
    assert.equal(told.via, 'channel');
  });

  it("prints from the desktop's own CUPS queue: its yunzhuo backend hands the job to the companion, the window's CUPS prints it", async () => {
    await startBridge(new CupsPrinter({ server: cups.server }));
    const { link, results } = await companion({ printing: true, printer: counter() });
    const api = new ZkIdrApi(link);
    open.push(api);
    const port = await api.listen(0);
    const desktopCups = await startPrivateCups('yunzhuo-window', { ...DESK_QUEUE_FILES, deviceUri: `yunzhuo://127.0.0.1:${port}` });
    open.push({ close: () => desktopCups.stop() });
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'yz-print-')), 'receipt.pdf');
    await writeFile(file, samplePdf(['Desktop queue receipt B-007'], A4));
    await run('lp', ['-h', desktopCups.server, '-d', 'yunzhuo-window', '-t', 'receipt', file]);
    const told = await eventually(() => results[0] ?? null, { timeoutMs: 30_000 });
    assert.ok(told?.ok, JSON.stringify(told));
    assert.match((await pdfFacts(await cups.outputOf(told.jobId))).text, /Desktop queue receipt B-007/);
    await rm(path.dirname(file), { recursive: true });
  });

  it('carries a PDF larger than one part in order, byte for byte', async () => {
    const keeping = new KeepingPrinter();
    await startBridge(keeping);
    const { link } = await companion({ printing: true, printer: counter() });
    const pdf = Buffer.concat([samplePdf(['big']), Buffer.alloc(PRINT_PART_BYTES * 2 + 1234, 0x25)]);
    const answer = await printOverChannel(link, pdf, 'big');
    assert.equal(answer.ok, true);
    assert.equal(keeping.jobs.length, 1);
    assert.ok(keeping.jobs[0]!.pdf.equals(pdf), 'the window got the exact bytes');
    assert.equal(keeping.jobs[0]!.title, 'big');
  });

  it('refuses print ops for a pool without the window printer, and says so plainly for a window without a printer', async () => {
    const keeping = new KeepingPrinter();
    await startBridge(keeping);
    const off = await companion({});
    await assert.rejects(printOverChannel(off.link, samplePdf(['x']), 't'), { code: 'DEVICE_CLASS_DISABLED' });
    const noPrinter = await companion({ printing: true, printer: null });
    const answer = await printOverChannel(noPrinter.link, samplePdf(['x']), 't');
    assert.equal(answer.ok, false);
    assert.equal(answer.code, 'PRINTER_NOT_CONFIGURED');
    assert.equal(keeping.jobs.length, 0);
    const told = await eventually(() => noPrinter.results[0] ?? null);
    assert.equal(told?.ok, false);
  });

  it('refuses a body that is not a PDF before anything crosses the channel', async () => {
    await startBridge(new KeepingPrinter());
    const { link } = await companion({ printing: true, printer: counter() });
    const api = new ZkIdrApi(link);
    open.push(api);
    const port = await api.listen(0);
    const res = await fetch(`http://127.0.0.1:${port}/yunzhuo/v1/print`, { method: 'POST', body: 'hello' });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'PRINT_JOB_INVALID');
  });
});
