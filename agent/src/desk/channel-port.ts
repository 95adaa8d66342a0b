/**
 * The desktop's end of the YZDEV static virtual channel, as the companion sees it: xrdp's
 * libxrdpapi.so on Linux and wtsapi32.dll on Windows offer the same four calls.
 */
export interface ChannelPort {
  /** Opens the channel anew (closing any handle held); false when the session has no such channel to open. */
  open(): boolean;
  /** Writes all bytes; throws ChannelClosedError when the handle is dead. */
  write(bytes: Buffer): Promise<void>;
  /** Up to one buffer of bytes, waiting at most timeoutMs; empty on timeout; throws ChannelClosedError when the handle is dead. */
  read(timeoutMs: number): Promise<Buffer>;
  close(): void;
}

export class ChannelClosedError extends Error {
  override readonly name = 'ChannelClosedError';
}
