import { queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import type { AgentCommandInput, commandResultOut } from '@yunzhuo/protocol/agent/commands';
import type { BULK_COMMAND_TYPES, BulkCommandBody, bulkCommandResultOut } from '@yunzhuo/protocol/agent/bulk-commands';
import type { joinTokenCreate, joinTokenCreatedOut, joinTokenOut } from '@yunzhuo/protocol/agent/enrollment';
import { isApiError } from './api-error';
import { api } from './client';
import { auditApi } from './audit';
import type { Page, Terminal } from './types';

/** The commands the console offers (the agent protocol has a few more). */
export const TERMINAL_COMMANDS = ['message', 'lock', 'unlock', 'reboot', 'restart-kiosk'] as const;
export type TerminalCommandType = (typeof TERMINAL_COMMANDS)[number];
export type CommandResult = z.output<typeof commandResultOut>;
export { BULK_COMMAND_TYPES as BULK_COMMANDS } from '@yunzhuo/protocol/agent/bulk-commands';
export type BulkCommandType = (typeof BULK_COMMAND_TYPES)[number];
export type BulkCommandResult = z.output<typeof bulkCommandResultOut>;
export type BulkResult = BulkCommandResult['results'][number];

export type JoinToken = z.output<typeof joinTokenOut>;
export type JoinTokenCreated = z.output<typeof joinTokenCreatedOut>;
export type JoinTokenCreate = z.input<typeof joinTokenCreate>;

/** How long the broker waits for the agent's answer to a command, in seconds. */
const COMMAND_TIMEOUT_S = 15;

export const terminalOpsApi = {
  /** waits for the agent's answer: TERMINAL_OFFLINE, COMMAND_TIMEOUT or COMMAND_FAILED otherwise */
  sendCommand: (terminalId: string, command: AgentCommandInput) =>
    api.post<CommandResult>(`/terminals/${terminalId}/commands`, { command, timeoutSeconds: COMMAND_TIMEOUT_S }),
  /** one command to every terminal of a site or hall area; each terminal's outcome comes back */
  bulkCommand: (body: Omit<BulkCommandBody, 'timeoutSeconds'>) =>
    api.post<BulkCommandResult>('/terminal-commands', { ...body, timeoutSeconds: COMMAND_TIMEOUT_S }),
  /** commands with their outcomes, from the audit log (every attempt is one row) */
  commandHistory: (terminalId: string) =>
    auditApi.list({ targetType: 'terminal', targetId: terminalId, action: 'terminal.command', pageSize: 10, order: 'desc' }),
  async setEnrollment(terminalId: string, action: 'approve' | 'revoke'): Promise<Terminal> {
    try {
      return await api.post<Terminal>(`/terminals/${terminalId}/${action}`);
    } catch (err) {
      // a broker without the fleet endpoints: the plain resource update does the same
      if (isApiError(err) && err.isMissingEndpoint)
        return api.patch<Terminal>(`/terminals/${terminalId}`, { state: action === 'approve' ? 'active' : 'revoked' });
      throw err;
    }
  },
  joinTokens: () => api.get<Page<JoinToken>>('/join-tokens', { pageSize: 200, sort: 'createdAt', order: 'desc' }),
  createJoinToken: (body: JoinTokenCreate) => api.post<JoinTokenCreated>('/join-tokens', body),
  revokeJoinToken: (id: string) => api.post<JoinToken>(`/join-tokens/${id}/revoke`),
};

export const terminalOpsQueries = {
  commandHistory: (terminalId: string) =>
    queryOptions({ queryKey: ['audit-events', 'terminal-commands', terminalId] as const, queryFn: () => terminalOpsApi.commandHistory(terminalId) }),
  joinTokens: () => queryOptions({ queryKey: ['join-tokens'] as const, queryFn: terminalOpsApi.joinTokens, retry: false }),
};
