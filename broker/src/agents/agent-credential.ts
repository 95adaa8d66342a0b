import type { IncomingMessage } from 'node:http';
import { AppError, isAppError } from '../lib/app-error.js';
import type { Terminal } from '../terminals/terminal.model.js';
import { verifyTerminalCredential } from '../terminals/terminal-auth.js';

/** `Authorization: Terminal <terminal id>.<secret>` on the upgrade request. */
export function credentialOfUpgrade(req: IncomingMessage): string | undefined {
  const match = /^Terminal\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** The window page's check (constant-time hash compare), with "awaiting approval" told apart so the agent waits instead of giving up. */
export async function verifyAgentCredential(credential: string | undefined): Promise<Terminal> {
  try {
    return await verifyTerminalCredential(credential);
  } catch (err) {
    if (isAppError(err, 'TERMINAL_UNKNOWN') && err.details.reason === 'awaiting approval') throw new AppError('TERMINAL_PENDING');
    throw err;
  }
}
