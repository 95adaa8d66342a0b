import koffi from 'koffi';

/** koffi's bound function type (the package exports it only under another name) */
type KoffiFunction = ReturnType<ReturnType<typeof koffi.load>['func']>;
import { ChannelClosedError, type ChannelPort } from './channel-port.js';

/** Where each OS keeps the WTS virtual-channel API. */
export const WTS_LIBRARIES = {
  linux: '/usr/lib/x86_64-linux-gnu/xrdp/libxrdpapi.so',
  win32: 'wtsapi32.dll',
} as const;

const WTS_CURRENT_SESSION = 0xffff_ffff;
const READ_BUFFER_BYTES = 64 * 1024;

interface WtsCalls {
  open: KoffiFunction;
  read: KoffiFunction;
  write: KoffiFunction;
  close: KoffiFunction;
}

function bind(libraryPath: string): WtsCalls {
  const lib = koffi.load(libraryPath);
  // The signatures of wtsapi32.h; xrdp's xrdpapi.h declares the same ones (BOOL = int, ULONG = uint32).
  return {
    open: lib.func('void *WTSVirtualChannelOpenEx(uint32_t SessionId, const char *pVirtualName, uint32_t flags)'),
    read: lib.func('int WTSVirtualChannelRead(void *h, uint32_t TimeOut, _Out_ uint8_t *Buffer, uint32_t BufferSize, _Out_ uint32_t *pBytesRead)'),
    write: lib.func('int WTSVirtualChannelWrite(void *h, const uint8_t *Buffer, uint32_t Length, _Out_ uint32_t *pBytesWritten)'),
    close: lib.func('int WTSVirtualChannelClose(void *h)'),
  };
}

/**
 * The channel through the platform's WTS API, called over koffi. Reads and writes run on
 * koffi's worker threads (`.async`), so a read waiting for the window never blocks the
 * companion's HTTP server.
 */
export class WtsChannelPort implements ChannelPort {
  readonly #calls: WtsCalls;
  #handle: unknown = null;
  /** calls running on koffi's threads; a handle is closed only when none uses it (no use after free) */
  #busy = 0;
  #closeWhenIdle: unknown[] = [];

  constructor(
    readonly channelName: string,
    libraryPath: string = WTS_LIBRARIES[process.platform === 'win32' ? 'win32' : 'linux'],
  ) {
    this.#calls = bind(libraryPath);
  }

  open(): boolean {
    this.close();
    const handle: unknown = this.#calls.open(WTS_CURRENT_SESSION, this.channelName, 0);
    this.#handle = handle ?? null;
    return this.#handle !== null;
  }

  async write(bytes: Buffer): Promise<void> {
    let at = 0;
    while (at < bytes.length) {
      const handle = this.#live();
      const written = [0];
      const ok = await this.#async<number>(this.#calls.write, handle, bytes.subarray(at), bytes.length - at, written);
      if (!ok || written[0]! <= 0) throw this.#dead(handle, 'write failed');
      at += written[0]!;
    }
  }

  async read(timeoutMs: number): Promise<Buffer> {
    const handle = this.#live();
    const buffer = Buffer.alloc(READ_BUFFER_BYTES);
    const got = [0];
    const ok = await this.#async<number>(this.#calls.read, handle, timeoutMs, buffer, buffer.length, got);
    if (!ok) throw this.#dead(handle, 'read failed');
    return buffer.subarray(0, got[0]);
  }

  close(): void {
    if (this.#handle === null) return;
    const handle = this.#handle;
    this.#handle = null;
    if (this.#busy > 0) this.#closeWhenIdle.push(handle);
    else this.#calls.close(handle);
  }

  #live(): unknown {
    if (this.#handle === null) throw new ChannelClosedError(`${this.channelName} is not open`);
    return this.#handle;
  }

  #dead(handle: unknown, what: string): ChannelClosedError {
    if (handle === this.#handle) this.close();
    return new ChannelClosedError(`${this.channelName}: ${what}; reopen`);
  }

  async #async<T>(fn: KoffiFunction, ...args: unknown[]): Promise<T> {
    this.#busy++;
    try {
      return await new Promise<T>((resolve, reject) => {
        fn.async(...args, (error: unknown, result: T) => (error ? reject(error) : resolve(result)));
      });
    } finally {
      if (--this.#busy === 0) for (const handle of this.#closeWhenIdle.splice(0)) this.#calls.close(handle);
    }
  }
}
