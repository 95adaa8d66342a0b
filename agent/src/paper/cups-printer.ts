import { spawn } from 'node:child_process';
import { CUPS_MEDIA, type WindowPrinter } from '@yunzhuo/protocol/paper/printer';
import { looksLikePdf, pdfPageCount, type PrintErrorCode } from '@yunzhuo/protocol/paper/print-job';

export class PrintError extends Error {
  override readonly name = 'PrintError';
  /** `reason`: what the clerk reads after 打印失败： (CUPS's own printer-state message when it has one) */
  constructor(
    readonly code: PrintErrorCode,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export interface PrintJob {
  printer: WindowPrinter;
  title: string;
  pdf: Buffer;
}

export interface PrintedJob {
  /** CUPS's request id, e.g. `counter-42` */
  jobId: string;
  pages: number | null;
  bytes: number;
}

export interface CupsPrinterOptions {
  /** `host:port` of the CUPS server; the default is the system's (client.conf, CUPS_SERVER) */
  server?: string;
  lp?: string;
  lpstat?: string;
  timeoutMs?: number;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Prints on the window's printer through CUPS's own clients: `lpstat -p` first (a disabled
 * queue keeps jobs forever, so it is a failure with CUPS's reason, e.g. 缺纸), then `lp` with
 * the PDF on stdin and the window's paper, copies and sides. Done = CUPS accepted the job.
 */
export class CupsPrinter {
  readonly #server: string[];
  readonly #lp: string;
  readonly #lpstat: string;
  readonly #timeoutMs: number;

  constructor(options: CupsPrinterOptions = {}) {
    this.#server = options.server ? ['-h', options.server] : [];
    this.#lp = options.lp ?? 'lp';
    this.#lpstat = options.lpstat ?? 'lpstat';
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  async print(job: PrintJob): Promise<PrintedJob> {
    if (!looksLikePdf(job.pdf)) throw new PrintError('PRINT_JOB_INVALID', '不是 PDF 文件');
    await this.#requireEnabled(job.printer.name);
    const { printer } = job;
    const args = [
      ...this.#server,
      '-d',
      printer.name,
      '-n',
      String(printer.copies),
      '-t',
      job.title,
      '-o',
      `media=${CUPS_MEDIA[printer.paper]}`,
      '-o',
      `sides=${printer.duplex ? 'two-sided-long-edge' : 'one-sided'}`,
      '-o',
      'document-format=application/pdf',
      '--',
    ];
    const run = await this.#run(this.#lp, args, job.pdf);
    const jobId = /request id is (\S+)/.exec(run.stdout)?.[1];
    if (run.code !== 0 || !jobId) throw failure(run.stderr);
    return { jobId, pages: pdfPageCount(job.pdf), bytes: job.pdf.length };
  }

  /** present / absent / error, for the heartbeat */
  async health(queue: string): Promise<'present' | 'absent' | 'error'> {
    return this.#requireEnabled(queue).then(
      () => 'present' as const,
      (error: unknown) => (error instanceof PrintError && error.code === 'PRINTER_ABSENT' ? 'absent' : 'error'),
    );
  }

  async #requireEnabled(queue: string): Promise<void> {
    const run = await this.#run(this.#lpstat, [...this.#server, '-p', queue]);
    if (run.code !== 0) {
      // CUPS's clients call every queue missing when the scheduler is away: ask it first
      const scheduler = await this.#run(this.#lpstat, [...this.#server, '-r']);
      if (/not running/.test(scheduler.stdout)) throw new PrintError('PRINTER_FAILED', '打印服务未运行');
      throw failure(run.stderr);
    }
    // "printer q disabled since … -\n\t<printer-state-message>"
    if (/^printer \S+ disabled/m.test(run.stdout)) {
      const message = run.stdout
        .split('\n')
        .slice(1)
        .map((line) => line.trim())
        .find((line) => line !== '');
      throw new PrintError('PRINTER_FAILED', message ?? '打印机已停用');
    }
  }

  #run(command: string, args: string[], input?: Buffer): Promise<Run> {
    return new Promise((resolve, reject) => {
      // CUPS's own words in English (parsed here); UTF-8 so that the printer's state message (缺纸) passes through
      const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' } });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), this.#timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2000)));
      child.stdin.on('error', () => undefined); // a client that exits early closes its stdin; its exit code tells why
      child.on('error', () => reject(new PrintError('PRINTER_ABSENT', `${command} 无法启动（未安装 CUPS？）`)));
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (signal === 'SIGKILL') return reject(new PrintError('PRINTER_FAILED', '打印服务未在规定时间内响应'));
        resolve({ code, stdout, stderr });
      });
      child.stdin.end(input ?? Buffer.alloc(0));
    });
  }
}

/** CUPS's refusal in the clerk's words: a missing queue, a queue not accepting jobs, a server away. */
function failure(stderr: string): PrintError {
  const said =
    stderr
      .trim()
      .split('\n')
      .pop()
      ?.replace(/^\w+:\s*/, '') ?? '';
  if (/does not exist|Unknown destination|Invalid destination/i.test(said)) return new PrintError('PRINTER_ABSENT', '打印队列不存在');
  if (/not accepting jobs/i.test(said)) return new PrintError('PRINTER_FAILED', '打印机不接受任务');
  return new PrintError('PRINTER_FAILED', said.slice(0, 200) || '打印服务出错');
}
