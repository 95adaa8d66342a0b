/**
 * The agent protocol's version, sent by the agent in the `Yunzhuo-Agent-Protocol` header of the
 * WebSocket upgrade and checked by the broker before it upgrades. `major.minor`: minors only add
 * (new optional fields, new message types the peer may ignore); a new major is a new contract.
 */
export const AGENT_PROTOCOL_VERSION = '1.1';
/**
 * What each minor added, so a peer sends a new optional field only to a peer that knows it (the
 * schemas are strict): 1.1 — the heartbeat's `info.nics` and the `wake-on-lan` command (issue 17).
 */
export const AGENT_PROTOCOL_MINOR_NICS = 1;

/** the minor of a `major.minor` version (0 when unreadable) */
export function protocolMinor(version: string): number {
  return Number(/^\d{1,3}\.(\d{1,3})$/.exec(version.trim())?.[1] ?? 0);
}
export const AGENT_PROTOCOL_HEADER = 'yunzhuo-agent-protocol';
/** the majors this build speaks; a broker keeps the previous major while the fleet upgrades */
export const SUPPORTED_AGENT_PROTOCOL_MAJORS: readonly number[] = [1];
/** where the agent's WebSocket lives on the broker */
export const AGENT_SOCKET_PATH = '/agent';

export type ProtocolCheck = { ok: true; major: number; minor: number } | { ok: false; reason: string };

export function checkAgentProtocol(header: string | undefined): ProtocolCheck {
  const match = /^(\d{1,3})\.(\d{1,3})$/.exec(header?.trim() ?? '');
  if (!match) return { ok: false, reason: `missing or malformed ${AGENT_PROTOCOL_HEADER} header (want major.minor)` };
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (!SUPPORTED_AGENT_PROTOCOL_MAJORS.includes(major)) {
    return { ok: false, reason: `protocol ${major}.${minor} not supported (supported majors: ${SUPPORTED_AGENT_PROTOCOL_MAJORS.join(', ')})` };
  }
  return { ok: true, major, minor };
}
