import { createHash, type Hash } from 'node:crypto';
import type { DriveSettings } from '@yunzhuo/protocol/paper/drive';

/** One file that passed (or was refused) between the window page and the desktop's drive: what the audit keeps. */
export interface FileTransfer {
  direction: 'upload' | 'download';
  outcome: 'sent' | 'refused';
  name: string;
  mimetype: string | null;
  bytes: number;
  /** hex SHA-256 of the bytes sent; null for a refusal */
  sha256: string | null;
  /** why a file was refused: the policy's rule */
  reason?: 'download-off' | 'upload-off' | 'type' | 'size';
}
export type FileTransferSink = (transfer: FileTransfer) => void;

interface Upload {
  name: string;
  mimetype: string;
  bytes: number;
  hash: Hash;
}

/**
 * The pool's file-transfer policy on the window drive, applied to the browser's streams as they
 * pass the relay: an upload must be allowed, of a listed type and within the size limit; a
 * download is refused unless the pool allows it. Every file, sent or refused, is reported with
 * its name, size and SHA-256 (never its content).
 */
export class FileTransferMonitor {
  readonly #uploads = new Map<string, Upload>();

  constructor(
    private readonly policy: DriveSettings,
    private readonly sink: FileTransferSink,
  ) {}

  /** The browser opens an upload stream (`put` on the drive object, or `file`). Returns why not, or null. */
  open(stream: string, mimetype: string, name: string): string | null {
    const refuse = (reason: 'upload-off' | 'type', detail: string) => {
      this.sink({ direction: 'upload', outcome: 'refused', name, mimetype, bytes: 0, sha256: null, reason });
      return detail;
    };
    if (!this.policy.upload) return refuse('upload-off', 'upload is not allowed by the pool');
    if (!this.policy.types.includes(mimetype)) return refuse('type', `files of type ${mimetype.slice(0, 64)} are not allowed by the pool`);
    this.#uploads.set(stream, { name, mimetype, bytes: 0, hash: createHash('sha256') });
    return null;
  }

  owns(stream: string): boolean {
    return this.#uploads.has(stream);
  }

  /** One blob of an upload (base64). Returns why it must not pass (over the size limit), or null. */
  blob(stream: string, base64: string): string | null {
    const upload = this.#uploads.get(stream)!;
    const bytes = Buffer.from(base64, 'base64');
    upload.bytes += bytes.length;
    if (upload.bytes > this.policy.maxBytes) {
      this.#uploads.delete(stream);
      this.sink({ direction: 'upload', outcome: 'refused', name: upload.name, mimetype: upload.mimetype, bytes: upload.bytes, sha256: null, reason: 'size' });
      return `the file is over the pool's limit of ${this.policy.maxBytes} bytes`;
    }
    upload.hash.update(bytes);
    return null;
  }

  /** The upload ended: it was sent whole. */
  end(stream: string): void {
    const upload = this.#uploads.get(stream);
    if (!upload) return;
    this.#uploads.delete(stream);
    this.sink({ direction: 'upload', outcome: 'sent', name: upload.name, mimetype: upload.mimetype, bytes: upload.bytes, sha256: upload.hash.digest('hex') });
  }

  /** The browser asks for a file of the drive (`get`): true when the pool allows downloads; a refusal is reported. */
  download(name: string): boolean {
    if (this.policy.download) return true;
    this.sink({ direction: 'download', outcome: 'refused', name, mimetype: null, bytes: 0, sha256: null, reason: 'download-off' });
    return false;
  }
}
