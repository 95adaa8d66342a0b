// A private CUPS for the paper tests: cupsd on a free loopback port with its own config, spool and
// log directories (the system's cupsd never runs, see install-deps.sh), and one cups-pdf queue
// whose PDFs land in a temp dir. cups-pdf reads its settings only from /etc/cups: each queue gets
// its own `cups-pdf-<instance>.conf` there (its device URI is `cups-pdf:/<instance>`), removed on stop.
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '../helpers/eventually.js';
import { freePort, makeTempDir, removeTempDir, run, startDaemon, stopDaemon, waitForPort } from './processes.js';

const LOOPBACK = '127.0.0.1';
const CUPS_PDF_PPD = '/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd';

export interface PrivateCups {
  /** `host:port`, for `lp -h` and the agent's CupsPrinter */
  server: string;
  /** the cups-pdf queue */
  queue: string;
  /** where cups-pdf writes each job's PDF */
  outDir: string;
  /** cupsdisable with a reason (the printer's state message, e.g. 缺纸) */
  disable(reason: string): Promise<void>;
  enable(): Promise<void>;
  /** ids of the jobs CUPS has completed on the queue, as lpstat lists them */
  completedJobs(): Promise<string[]>;
  /** the PDF cups-pdf wrote for this job (`counter-7`), once CUPS calls the job completed */
  outputOf(jobId: string, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

let instances = 0;

/** A queue on another backend than cups-pdf (the desktop's 窗口打印机: yunzhuo-desk's CUPS backend). */
export interface CupsBackendQueue {
  /** the backend program, copied into this cupsd's own backend directory under its file name */
  backend: string;
  deviceUri: string;
  ppd: string;
}

const SYSTEM_SERVER_BIN = '/usr/lib/cups';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The desktop's 窗口打印机 as yunzhuo-desk's package installs it: its CUPS backend and PPD. */
export const DESK_QUEUE_FILES = { backend: path.join(ROOT, 'agent/desk-cups/yunzhuo'), ppd: path.join(ROOT, 'agent/desk-cups/yunzhuo-window-printer.ppd') };

/** A ServerBin of our own: the system's filters and helpers, and only `backend` as the backend. */
async function serverBinWith(dir: string, backend: string): Promise<void> {
  for (const sub of ['filter', 'daemon', 'cgi-bin', 'notifier', 'monitor', 'driver']) await symlink(path.join(SYSTEM_SERVER_BIN, sub), path.join(dir, sub));
  await mkdir(path.join(dir, 'backend'));
  const to = path.join(dir, 'backend', path.basename(backend));
  await copyFile(backend, to);
  await chmod(to, 0o755); // CUPS runs a 0755 backend as its unprivileged user
}

export async function startPrivateCups(queue = 'counter', other?: CupsBackendQueue): Promise<PrivateCups> {
  if (!existsSync(CUPS_PDF_PPD)) throw new Error(`missing ${CUPS_PDF_PPD}: run \`bash test/setup/install-deps.sh\` as root first`);
  const dir = await makeTempDir('yz-cups-', 0o755);
  const dirs = { conf: 'conf', spool: 'spool', cache: 'cache', state: 'state', log: 'log', tmp: 'tmp', out: 'out', bin: 'bin' };
  for (const sub of Object.values(dirs)) await mkdir(path.join(dir, sub));
  if (other) await serverBinWith(path.join(dir, dirs.bin), other.backend);
  // filters run as lp: they need a temp dir they can write and an output dir the backend can reach
  await chmod(path.join(dir, dirs.tmp), 0o1777);
  await chmod(path.join(dir, dirs.out), 0o755);
  const port = await freePort();
  const server = `${LOOPBACK}:${port}`;
  const at = (sub: string) => path.join(dir, sub);
  await writeFile(
    at('conf/cupsd.conf'),
    [
      `Listen ${server}`,
      'LogLevel warn',
      'WebInterface No',
      'Browsing Off',
      'DefaultAuthType None',
      'PreserveJobFiles No',
      '<Location />',
      '  Order allow,deny',
      '  Allow all',
      '</Location>',
      '<Policy default>',
      '  JobPrivateAccess all',
      '  JobPrivateValues none',
      '  SubscriptionPrivateAccess all',
      '  SubscriptionPrivateValues none',
      '  <Limit All>',
      '    Order deny,allow',
      '  </Limit>',
      '</Policy>',
      '',
    ].join('\n'),
  );
  await writeFile(
    at('conf/cups-files.conf'),
    [
      `ServerRoot ${at('conf')}`,
      `RequestRoot ${at('spool')}`,
      `CacheDir ${at('cache')}`,
      `StateDir ${at('state')}`,
      `TempDir ${at('tmp')}`,
      `AccessLog ${at('log/access_log')}`,
      `ErrorLog ${at('log/error_log')}`,
      `PageLog ${at('log/page_log')}`,
      'Sandboxing Relaxed',
      ...(other ? [`ServerBin ${at('bin')}`] : []),
      'FileDevice No',
      '',
    ].join('\n'),
  );
  const instance = `yz${process.pid}x${++instances}`;
  const pdfConf = `/etc/cups/cups-pdf-${instance}.conf`;
  await writeFile(pdfConf, [`Out ${at('out')}`, `AnonDirName ${at('out')}`, 'Label 0', ''].join('\n'));

  const cupsd = startDaemon('cupsd', 'cupsd', ['-f', '-c', at('conf/cupsd.conf'), '-s', at('conf/cups-files.conf')], at('log/cupsd.out'));
  const stop = async (): Promise<void> => {
    await stopDaemon(cupsd);
    await rm(pdfConf, { force: true });
    await removeTempDir(dir);
  };
  try {
    await waitForPort([LOOPBACK], port, cupsd);
    const device = other
      ? ['-v', other.deviceUri, '-P', other.ppd, '-o', 'printer-error-policy=abort-job']
      : ['-v', `cups-pdf:/${instance}`, '-P', CUPS_PDF_PPD];
    await run('lpadmin', ['-h', server, '-p', queue, '-E', ...device]);
  } catch (error) {
    await stop();
    throw error;
  }
  const completedJobs = async (): Promise<string[]> =>
    (await run('lpstat', ['-h', server, '-W', 'completed', '-o', queue]))
      .split('\n')
      .map((line) => line.split(' ')[0] ?? '')
      .filter((id) => id !== '');
  return {
    server,
    queue,
    outDir: at('out'),
    disable: async (reason) => void (await run('cupsdisable', ['-h', server, '-r', reason, queue])),
    enable: async () => void (await run('cupsenable', ['-h', server, queue])),
    completedJobs,
    outputOf: async (jobId, timeoutMs = 20_000) => {
      const file = await eventually(
        async () => {
          if (!(await completedJobs()).includes(jobId)) return null;
          const number = jobId.slice(jobId.lastIndexOf('-') + 1);
          const file = (await readdir(at('out'))).find((name) => name.endsWith(`job_${number}.pdf`));
          return file ? at(`out/${file}`) : null;
        },
        { timeoutMs, intervalMs: 50 },
      );
      if (file === null) throw new Error(`no PDF for ${jobId}`);
      return file;
    },
    stop,
  };
}

/** The text of a PDF (poppler's pdftotext) and its first page's size in points (pdfinfo). */
export async function pdfFacts(file: string): Promise<{ text: string; pages: number; widthPt: number; heightPt: number }> {
  const text = await run('pdftotext', ['-layout', file, '-']);
  const info = await run('pdfinfo', [file]);
  const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info);
  const pages = /Pages:\s+(\d+)/.exec(info);
  if (!size || !pages) throw new Error(`pdfinfo said nothing of the page size:\n${info}`);
  return { text, pages: Number(pages[1]), widthPt: Number(size[1]), heightPt: Number(size[2]) };
}
