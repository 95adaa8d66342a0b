import { driveFileName, type DriveSource } from '@yunzhuo/protocol/paper/drive-names';

/** The part of a browser WebSocket used here (the `ws` package's has it too, for tests). */
export interface ScanSocket {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  send(data: string): void;
  close(): void;
}

/** The pool's drive as the session tells the page (`session.drive`). */
export interface DrivePolicy {
  upload: boolean;
  maxBytes: number;
  types: string[];
}

/** One file sent into the desktop's drive 窗口材料: what the page lists. */
export interface DriveSent {
  name: string;
  bytes: number;
  source: DriveSource;
  /** the scanner folder's own name of the file; null for a camera still */
  original: string | null;
}

/** Why a file did not go into the drive: a reason the clerk reads. */
export class DriveSendError extends Error {
  override readonly name = 'DriveSendError';
}

/** The part of a Guacamole.OutputStream used here. */
export interface DriveOutputStream {
  onack: ((status: { code: number; message?: string; isError(): boolean }) => void) | null;
  sendBlob(data: string): void;
  sendEnd(): void;
}

/**
 * The part of a Guacamole.Client used here: a `file` stream, which guacd writes into the drive's
 * root. Not `put` on the `filesystem` object: guacd exposes that object to a connection's owner
 * only, and a clerk who comes back joins the parked connection as a second user.
 */
export interface FileStreamTarget {
  createFileStream(mimetype: string, filename: string): DriveOutputStream;
}

export interface WindowDriveOptions {
  /** the agent's device bridge (null: the agent serves no devices, so nothing to scan) */
  bridgeUrl: string | null;
  policy: DrivePolicy;
  /** the window's name in file names (its label, else its code) */
  windowName: string;
  openSocket(url: string): ScanSocket;
  now?(): Date;
  /** a connection came or went */
  onChange?(): void;
}

/** guacd 1.3 refuses instructions over 8 KiB: 6048 bytes a blob (8064 in base64), as guacd's own file streams */
const BLOB_BYTES = 6048;
/** blobs sent ahead of guacd's acks: enough to fill a loopback or LAN pipe, small enough to stop at once on a refusal */
const AHEAD = 32;
const SCAN_TIMEOUT_MS = 30_000;
const UPLOAD_TIMEOUT_MS = 60_000;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

let scans = 0;

/**
 * Scans into the desktop (docs/PAPER.md): the agent takes a still of the document camera (or
 * gives the newest file of the scanner folder), and the page uploads it into guacd's drive
 * 窗口材料, named by time, window and source (`20261204-083012-窗口12-高拍仪.jpg`). xrdp shows the
 * drive under ~/thinclient_drives, Windows as a drive. The relay checks the pool's policy again
 * and audits each file with its SHA-256; the page checks type and size first so the clerk reads
 * why instead of losing the connection.
 */
export class WindowDrive {
  #client: FileStreamTarget | null = null;
  /** names already sent from this page: two scans in one second must not overwrite each other */
  readonly #names = new Set<string>();

  constructor(private readonly opts: WindowDriveOptions) {}

  /** Files go on this (new) client from now on; null: no connection. */
  attach(client: FileStreamTarget | null): void {
    this.#client = client;
    this.opts.onChange?.();
  }

  /** A connection is there, the pool allows sending into the drive and the agent serves devices. */
  get ready(): boolean {
    return this.#client !== null && this.opts.policy.upload && this.opts.bridgeUrl !== null;
  }

  /** Takes a scan from `source` and sends it into the drive; resolves with what was sent, or throws DriveSendError. */
  async send(source: DriveSource): Promise<DriveSent> {
    if (!this.opts.policy.upload) throw new DriveSendError('桌面池不允许送入文件');
    const scan = await this.#scan(source);
    const { policy } = this.opts;
    if (!policy.types.includes(scan.mimetype)) throw new DriveSendError(`桌面池不允许送入此类文件（${scan.mimetype}）`);
    if (scan.bytes.length > policy.maxBytes) throw new DriveSendError(`文件太大，桌面池限制 ${Math.floor(policy.maxBytes / 1024 / 1024)} MB`);
    const at = this.opts.now?.() ?? new Date();
    let copy = 1;
    let name = driveFileName(this.opts.windowName, at, scan.mimetype, source);
    while (this.#names.has(name)) name = driveFileName(this.opts.windowName, at, scan.mimetype, source, ++copy);
    this.#names.add(name);
    const client = this.#client;
    if (!client) throw new DriveSendError('桌面未连接，无法送入');
    await upload(client.createFileStream(scan.mimetype, name), scan.bytes);
    return { name, bytes: scan.bytes.length, source, original: scan.original };
  }

  #scan(source: DriveSource): Promise<{ mimetype: string; bytes: Uint8Array; original: string | null }> {
    const url = this.opts.bridgeUrl;
    if (!url) return Promise.reject(new DriveSendError('终端未启用窗口设备，无法拍照或读取扫描文件'));
    const id = `scan-${++scans}`;
    return new Promise((resolve, reject) => {
      const socket = this.opts.openSocket(url);
      let settled = false;
      const finish = (error: DriveSendError | null, value?: { mimetype: string; bytes: Uint8Array; original: string | null }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.onclose = null;
        socket.close();
        if (error) reject(error);
        else resolve(value!);
      };
      const timer = setTimeout(() => finish(new DriveSendError('设备未在规定时间内响应')), SCAN_TIMEOUT_MS);
      socket.onopen = () => socket.send(JSON.stringify({ type: 'scan', id, source, width: 1920, height: 1080 }));
      socket.onmessage = (event) => {
        if (typeof event.data !== 'string') return;
        let r: Record<string, unknown>;
        try {
          r = JSON.parse(event.data) as Record<string, unknown>;
        } catch {
          return;
        }
        if (r.type !== 'scan.result' || r.id !== id) return;
        if (r.ok === true && typeof r.mimetype === 'string' && typeof r.data === 'string') {
          finish(null, { mimetype: r.mimetype, bytes: fromBase64(r.data), original: typeof r.original === 'string' ? r.original : null });
        } else finish(new DriveSendError(typeof r.reason === 'string' ? r.reason.slice(0, 200) : '设备操作失败'));
      };
      socket.onerror = () => finish(new DriveSendError('无法连接终端的设备服务'));
      socket.onclose = () => finish(new DriveSendError('终端的设备服务断开了连接'));
    });
  }
}

/**
 * The file's bytes on a drive stream: up to AHEAD blobs ahead of guacd's acks (guacd acks the
 * stream's start and each blob once written), then `end`. A refusing ack (upload off, cannot
 * write) fails it; the relay cuts the connection on a policy refusal, which the ack wait sees as time.
 */
function upload(stream: DriveOutputStream, bytes: Uint8Array): Promise<void> {
  const blobs: string[] = [];
  for (let at = 0; at < bytes.length; at += BLOB_BYTES) blobs.push(toBase64(bytes.subarray(at, at + BLOB_BYTES)));
  return new Promise((resolve, reject) => {
    let sent = 0;
    let acks = 0; // the first is the stream's start
    const timer = setTimeout(() => fail('送入超时'), UPLOAD_TIMEOUT_MS);
    const fail = (reason: string) => {
      clearTimeout(timer);
      stream.onack = null;
      reject(new DriveSendError(reason));
    };
    const pump = () => {
      while (sent < blobs.length && sent - Math.max(0, acks - 1) < AHEAD) stream.sendBlob(blobs[sent++]!);
      if (acks - 1 === blobs.length) {
        clearTimeout(timer);
        stream.onack = null;
        stream.sendEnd();
        resolve();
      }
    };
    stream.onack = (status) => {
      if (status.isError()) return fail(`桌面拒绝了文件：${refusalOf(status.code)}`);
      acks++;
      pump();
    };
    pump();
  });
}

/** guacd's status of a refused upload, in the clerk's words (its own message is English: the console log has it) */
function refusalOf(code: number): string {
  switch (code) {
    case 0x0100:
      return '桌面不支持送入文件';
    case 0x0204:
    case 0x0207:
      return '桌面未映射窗口材料盘';
    case 0x0301:
    case 0x0303:
      return '无权在窗口材料盘中写入';
    case 0x030d:
    case 0x031d:
      return '文件太大或发送太快';
    default:
      return `错误码 0x${code.toString(16).padStart(4, '0')}`;
  }
}
