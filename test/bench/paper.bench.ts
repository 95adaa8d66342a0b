// `npm run bench:paper`: paper at the window on loopback, without guacd and xrdp: a one-page A4
// PDF handed to the window page's print logic as guacd's file stream (the native path; the
// channel path ends in the same call) → the agent's device bridge → `lp` → a private cupsd
// (test/setup/private-cups.ts) whose cups-pdf queue accepts the job. print_to_queue_ms runs from
// the stream's first blob to CUPS's "request id is …" reaching the page, as the clerk's toast
// shows it. Writes test/bench/results/paper.json.
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
import { MAX_PRINT_PDF_BYTES } from '../../protocol/src/paper/print-job.js';
import { samplePdf } from '../helpers/pdf-sample.js';
import { startPrivateCups } from '../setup/private-cups.js';
import { median, percentile, writeBenchResult } from './bench-report.js';

const PRINTS = 20;
/** guacd's RDP printer writes a job in blobs of this size */
const BLOB_BYTES = 6048;

async function main(): Promise<boolean> {
  const cups = await startPrivateCups('counter');
  const bridge = new DeviceBridgeServer([], new CupsPrinter({ server: cups.server }));
  const bridgeUrl = `ws://127.0.0.1:${await bridge.listen()}/?secret=${bridge.secret}`;
  try {
    let settle: ((notice: PrintNotice) => void) | null = null;
    const printing = new WindowPrinting({
      bridgeUrl,
      printer: { name: cups.queue, paper: 'A4', copies: 1, duplex: false },
      sessionId: 'bench',
      openSocket: (url) => new WebSocket(url) as unknown as BridgeSocket,
      report: async () => undefined,
      notify: (notice) => settle?.(notice),
    });
    const client: FileStreamSource = { onfile: null };
    watchPrintJobs(client, printing, MAX_PRINT_PDF_BYTES);
    const pdf = samplePdf(['Receipt 2026-12-03 A-012 No.0042']);
    const printOne = async (): Promise<number> => {
      const done = new Promise<PrintNotice>((resolve) => (settle = resolve));
      const started = performance.now();
      const stream: PrintInputStream = { onblob: null, onend: null, sendAck: () => undefined };
      client.onfile?.(stream, 'application/pdf', 'receipt.pdf');
      for (let at = 0; at < pdf.length; at += BLOB_BYTES) stream.onblob?.(pdf.subarray(at, at + BLOB_BYTES).toString('base64'));
      stream.onend?.();
      const notice = await done;
      if (notice.kind !== 'printed') throw new Error(`print failed: ${JSON.stringify(notice)}`);
      return performance.now() - started;
    };
    await printOne(); // first lp/lpstat start (page cache)
    const prints: number[] = [];
    for (let i = 0; i < PRINTS; i++) prints.push(await printOne());
    const { pass } = writeBenchResult(
      'paper',
      {
        print_to_queue_ms: median(prints),
        print_to_queue_p95_ms: percentile(prints, 95),
        pdf_bytes: pdf.length,
        prints: prints.length,
      },
      {
        print_to_queue_ms: '<= 1000',
        print_to_queue_p95_ms: '<= 1000',
      },
      {
        print_to_queue_ms: '1-page A4 PDF: page receives it → job accepted by CUPS (lpstat -p + lp), loopback',
        scan_to_desktop_ms: 'not measured: scans into the desktop (enable-drive) are not built yet',
      },
    );
    return pass;
  } finally {
    await bridge.close();
    await cups.stop();
  }
}

main().then(
  (pass) => process.exit(pass ? 0 : 1),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
