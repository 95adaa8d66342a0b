/**
 * WebSocket close codes on `/agent` (4000–4999 are the application's). The agent decides from
 * the code whether to reconnect: `revoked` stops it for good, everything else backs off and retries.
 */
export const AGENT_CLOSE = {
  /** the agent is stopping (SIGTERM) or the broker is shutting down: reconnect later */
  GOING_AWAY: 1001,
  /** a message failed the schema (or was not JSON); nothing it said was applied */
  PROTOCOL_VIOLATION: 4400,
  /** the terminal's credential was revoked or the terminal deleted: do not reconnect */
  REVOKED: 4401,
  /** no heartbeat for three intervals: the broker gave up on this socket */
  HEARTBEAT_TIMEOUT: 4408,
  /** a newer connection with the same credential replaced this one */
  REPLACED: 4409,
} as const;

export type AgentCloseCode = (typeof AGENT_CLOSE)[keyof typeof AGENT_CLOSE];

/** close codes after which the agent must not reconnect */
export function isFinalClose(code: number): boolean {
  return code === AGENT_CLOSE.REVOKED;
}
