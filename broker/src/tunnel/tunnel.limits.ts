/** Bounds of one tunnel. Every figure is per tunnel; units are in the names. */
export interface TunnelLimits {
  /** Pause reading from guacd once this many bytes wait to go to the browser. */
  highWaterBytes: number;
  /** Resume reading from guacd once the browser backlog is down to this. */
  lowWaterBytes: number;
  /** Close at once if the browser backlog ever passes this (only tiny replies can add to it while paused). */
  hardCapBytes: number;
  /** Close a tunnel whose browser has kept guacd paused this long: it is not reading. */
  stallTimeoutMs: number;
  /** Close a tunnel whose browser sent nothing this long (the stock client pings every 500 ms). */
  browserIdleMs: number;
  /** TCP connect plus handshake, until guacd's `ready`. */
  connectTimeoutMs: number;
  /** After `ready`, a layer-0 `size` and a `sync` must arrive within this, else the next gateway is tried. */
  firstFrameTimeoutMs: number;
  /** Gateway attempts per tunnel at least; a single-gateway pool gets a retry (guacd 1.3 start-up races). */
  minAttempts: number;
  /** Bytes held back before the first frame; past this they go to the browser anyway. */
  heldBytesCap: number;
  /** Largest instruction accepted from the browser (guacd itself rejects more than 8 KiB). */
  maxUpstreamInstructionBytes: number;
  /** Largest instruction accepted from guacd (it sends image blobs of ≤ 6048 bytes). */
  maxDownstreamInstructionBytes: number;
  /** Browser input kept while the desktop is still connecting; more is dropped. */
  pendingUpstreamBytes: number;
  /** After we end a guacd connection with `disconnect`, wait this long for it to close. */
  guacdCloseGraceMs: number;
}

export const DEFAULT_TUNNEL_LIMITS: Readonly<TunnelLimits> = Object.freeze({
  highWaterBytes: 1024 * 1024,
  lowWaterBytes: 256 * 1024,
  hardCapBytes: 4 * 1024 * 1024,
  stallTimeoutMs: 15_000,
  browserIdleMs: 20_000,
  connectTimeoutMs: 10_000,
  firstFrameTimeoutMs: 5_000,
  minAttempts: 2,
  heldBytesCap: 1024 * 1024,
  maxUpstreamInstructionBytes: 16 * 1024,
  maxDownstreamInstructionBytes: 1024 * 1024,
  pendingUpstreamBytes: 64 * 1024,
  guacdCloseGraceMs: 1_000,
});

export function resolveTunnelLimits(overrides: Partial<TunnelLimits> = {}): TunnelLimits {
  const limits = { ...DEFAULT_TUNNEL_LIMITS, ...overrides };
  if (limits.lowWaterBytes > limits.highWaterBytes || limits.highWaterBytes > limits.hardCapBytes) {
    throw new RangeError('tunnel limits must satisfy lowWaterBytes <= highWaterBytes <= hardCapBytes');
  }
  return limits;
}
