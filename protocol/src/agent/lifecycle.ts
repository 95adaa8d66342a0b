import { z } from 'zod';

/**
 * Where an agent is in its life, reported in every heartbeat (Coder's lifecycle, our states):
 * starting → enrolling → (awaiting-approval) → connecting → ready ⇄ reconnecting → draining → stopped;
 * `revoked` is terminal: the broker refused the credential for good.
 */
export const AGENT_LIFECYCLE = ['starting', 'enrolling', 'awaiting-approval', 'connecting', 'ready', 'reconnecting', 'draining', 'stopped', 'revoked'] as const;
export const agentLifecycleSchema = z.enum(AGENT_LIFECYCLE);
export type AgentLifecycle = z.infer<typeof agentLifecycleSchema>;
