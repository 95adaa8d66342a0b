import { INTERNAL_OPCODE, encodeInstruction, isClientInputOpcode, isClientStreamOpcode, type Instruction } from '@yunzhuo/protocol';
import type { PoolSettings } from '@yunzhuo/protocol/api/common';
import { DEVICE_CHANNEL_NAME } from '@yunzhuo/protocol/devices/index';
import { DeviceAnswerMonitor } from '../devices/device-answer.monitor.js';
import type { DeviceUseSink } from '../devices/device-use.js';
import { FileTransferMonitor, type FileTransferSink } from '../paper/file-transfer.monitor.js';
import { allowsToDesktop } from './guacd-handshake.builder.js';
import { DISPLAY_BOUNDS, clamp } from './tunnel-query.parser.js';

export type UpstreamVerdict =
  | { kind: 'forward' }
  /** forward this re-encoded instruction instead (a clamped `size`) */
  | { kind: 'rewrite'; instruction: string }
  /** answer the browser with `reply`; nothing goes to guacd */
  | { kind: 'reply'; reply: string }
  | { kind: 'drop' }
  | { kind: 'reject'; detail: string };

const FORWARD: UpstreamVerdict = { kind: 'forward' };
const DROP: UpstreamVerdict = { kind: 'drop' };
const reject = (detail: string): UpstreamVerdict => ({ kind: 'reject', detail });

export interface UpstreamPolicyOptions {
  /**
   * `joined`: a browser attached to someone else's live desktop. guacd gives every user of a
   * connection the device channel's `pipe`, so only the session's owner may answer on it.
   */
  role?: 'owner' | 'joined';
  /** told of every device answer that passes (the audit); without it the channel still passes */
  deviceUses?: DeviceUseSink;
  /** told of every file sent to or refused by the window drive (the audit) */
  fileTransfers?: FileTransferSink;
}

/**
 * What the browser may send after the handshake. Input opcodes pass; stream opcodes pass only
 * as the pool's clipboard/file policy allows, and blob/end only on a stream the browser opened
 * with our consent. `argv` (changing connection arguments, credentials included) never passes.
 */
export class UpstreamPolicy {
  readonly #toDesktop: boolean;
  readonly #files: boolean;
  readonly #audioIn: boolean;
  /** indexes of streams the browser opened and we let through; made on first use */
  #streams: Set<string> | null = null;
  /** watches the YZDEV answers; null when the pool enables no device or this browser may not answer */
  readonly #devices: DeviceAnswerMonitor | null;
  #deviceStream: string | null = null;
  /** the pool's window drive policy; null: `fileTransfer` alone governs file streams */
  readonly #drive: FileTransferMonitor | null;

  constructor(settings: PoolSettings | null, options: UpstreamPolicyOptions = {}) {
    this.#toDesktop = settings !== null && allowsToDesktop(settings);
    this.#files = settings?.fileTransfer ?? false;
    this.#audioIn = settings?.audio ?? false;
    const devices = settings?.devices ?? [];
    const owner = (options.role ?? 'owner') === 'owner';
    const printing = settings?.printing === true;
    this.#drive = settings?.drive ? new FileTransferMonitor(settings.drive, options.fileTransfers ?? (() => {})) : null;
    this.#devices = (devices.length > 0 || printing) && owner ? new DeviceAnswerMonitor(devices, options.deviceUses ?? (() => {}), printing) : null;
  }

  check(instruction: Instruction): UpstreamVerdict {
    const { opcode, args } = instruction;
    if (opcode === INTERNAL_OPCODE) {
      if (args[0] === 'ping') return { kind: 'reply', reply: encodeInstruction(INTERNAL_OPCODE, 'ping', args[1] ?? '') };
      return DROP;
    }
    if (isClientInputOpcode(opcode)) return opcode === 'size' ? this.#size(args) : FORWARD;
    if (isClientStreamOpcode(opcode)) return this.#stream(opcode, args);
    return reject(`opcode "${opcode.slice(0, 32)}" is not allowed from the browser`);
  }

  #size(args: string[]): UpstreamVerdict {
    const [w, h, dpi] = args.map(Number);
    if (w === undefined || h === undefined || !Number.isInteger(w) || !Number.isInteger(h)) return reject('bad size');
    const width = clamp(w, DISPLAY_BOUNDS.width);
    const height = clamp(h, DISPLAY_BOUNDS.height);
    if (dpi !== undefined && !Number.isInteger(dpi)) return reject('bad size');
    const clampedDpi = dpi === undefined ? undefined : clamp(dpi, DISPLAY_BOUNDS.dpi);
    if (width === w && height === h && clampedDpi === dpi && args.length <= 3) return FORWARD;
    const extra = clampedDpi === undefined ? [] : [clampedDpi];
    return { kind: 'rewrite', instruction: encodeInstruction('size', width, height, ...extra) };
  }

  #stream(opcode: string, args: string[]): UpstreamVerdict {
    switch (opcode) {
      case 'ack':
        return FORWARD; // acknowledges guacd's own streams (every image blob)
      case 'clipboard':
        return this.#open(this.#toDesktop, args[0], 'clipboard to the desktop is not allowed by the pool');
      case 'pipe':
        if (args[2]?.toUpperCase() === DEVICE_CHANNEL_NAME) return this.#openDeviceChannel(args[0]);
        return this.#open(this.#files, args[0], 'file transfer is not allowed by the pool');
      case 'file':
        if (this.#drive) return this.#upload(args[0], args[1], args[2]);
        return this.#open(this.#files, args[0], 'file transfer is not allowed by the pool');
      case 'put':
        if (this.#drive) return this.#upload(args[1], args[2], args[3]);
        return this.#open(this.#files, args[1], 'file transfer is not allowed by the pool');
      case 'get':
        // a download the pool does not allow never reaches guacd (the page offers none); it is audited
        if (this.#drive) return this.#drive.download(args[1] ?? '') ? FORWARD : DROP;
        return this.#files ? FORWARD : reject('file transfer is not allowed by the pool');
      case 'audio':
        return this.#open(this.#audioIn, args[0], 'audio input is not allowed by the pool');
      case 'blob':
        if (args[0] !== undefined && args[0] === this.#deviceStream) return this.#deviceBlob(args[1] ?? '');
        if (this.#drive?.owns(args[0] ?? '')) return this.#driveBlob(args[0]!, args[1] ?? '');
        return this.#streams?.has(args[0] ?? '') ? FORWARD : reject('blob on a stream the browser may not use');
      case 'end':
        if (args[0] !== undefined && args[0] === this.#deviceStream) this.#deviceStream = null;
        this.#drive?.end(args[0] ?? '');
        return this.#streams?.delete(args[0] ?? '') ? FORWARD : reject('end on a stream the browser may not use');
      default:
        return reject(`"${opcode}" is not allowed from the browser`);
    }
  }

  /** The window page's half of the YZDEV channel: one stream at a time, for the owner of a pool with devices or the window printer. */
  #openDeviceChannel(stream: string | undefined): UpstreamVerdict {
    if (!this.#devices) return reject('the device channel is not enabled for this browser');
    const verdict = this.#open(true, stream, '');
    if (verdict.kind === 'forward') {
      this.#deviceStream = stream!;
      this.#devices.restart();
    }
    return verdict;
  }

  #deviceBlob(base64: string): UpstreamVerdict {
    const refusal = this.#devices!.feed(base64);
    return refusal === null ? FORWARD : reject(refusal);
  }

  /** An upload into the window drive: the pool's policy decides, and the monitor hashes what passes. */
  #upload(stream: string | undefined, mimetype: string | undefined, name: string | undefined): UpstreamVerdict {
    if (stream === undefined || !/^\d{1,9}$/.test(stream)) return reject('bad stream index');
    const refusal = this.#drive!.open(stream, mimetype ?? '', (name ?? '').slice(0, 255));
    return refusal === null ? this.#open(true, stream, '') : reject(refusal);
  }

  #driveBlob(stream: string, base64: string): UpstreamVerdict {
    const refusal = this.#drive!.blob(stream, base64);
    return refusal === null ? FORWARD : reject(refusal);
  }

  #open(allowed: boolean, stream: string | undefined, detail: string): UpstreamVerdict {
    if (!allowed) return reject(detail);
    if (stream === undefined || !/^\d{1,9}$/.test(stream)) return reject('bad stream index');
    (this.#streams ??= new Set()).add(stream);
    return FORWARD;
  }
}
