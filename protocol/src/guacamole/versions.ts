/** Protocol versions we know, oldest first; the last one is what we speak at best. */
export const GUAC_PROTOCOL_VERSIONS = ['VERSION_1_0_0', 'VERSION_1_1_0', 'VERSION_1_3_0', 'VERSION_1_5_0'] as const;

export type GuacProtocolVersion = (typeof GUAC_PROTOCOL_VERSIONS)[number];

export const LATEST_GUAC_PROTOCOL_VERSION: GuacProtocolVersion = 'VERSION_1_5_0';

export interface NegotiatedVersion {
  /** The version to send as the first `connect` value (only when `versionArg` is true). */
  version: string;
  /** Whether the server's first `args` element was a version rather than a parameter name. */
  versionArg: boolean;
  /** Send `timezone` during the handshake (protocol ≥ 1.1.0). */
  sendTimezone: boolean;
  /** Send `name` during the handshake (protocol ≥ 1.5.0). */
  sendName: boolean;
}

const VERSION_PATTERN = /^VERSION_(\d+)_(\d+)_(\d+)$/;

function parseVersion(text: string): [number, number, number] | null {
  const match = VERSION_PATTERN.exec(text);
  if (!match) return null;
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * Picks the version to announce from the first element of guacd's `args` reply, like
 * guacamole-common's ConfiguredGuacamoleSocket: the lower of the server's and ours.
 * guacd before 1.1.0 sends no version element (its first element is a parameter name),
 * which means 1.0.0.
 */
export function negotiateVersion(serverFirstArg: string | undefined): NegotiatedVersion {
  const server = serverFirstArg === undefined ? null : parseVersion(serverFirstArg);
  if (server === null || serverFirstArg === undefined) {
    return { version: 'VERSION_1_0_0', versionArg: false, sendTimezone: false, sendName: false };
  }
  const latest = parseVersion(LATEST_GUAC_PROTOCOL_VERSION) ?? [1, 5, 0];
  const useLatest = compare(server, latest) >= 0;
  const chosen = useLatest ? latest : server;
  return {
    version: useLatest ? LATEST_GUAC_PROTOCOL_VERSION : serverFirstArg,
    versionArg: true,
    sendTimezone: compare(chosen, [1, 1, 0]) >= 0,
    sendName: compare(chosen, [1, 5, 0]) >= 0,
  };
}

/** Whether guacd's first `args` element names a protocol of at least `minimum` (none: 1.0.0). */
export function serverSpeaksAtLeast(serverFirstArg: string | undefined, minimum: GuacProtocolVersion): boolean {
  const server = serverFirstArg === undefined ? null : parseVersion(serverFirstArg);
  return compare(server ?? [1, 0, 0], parseVersion(minimum) ?? [1, 0, 0]) >= 0;
}
