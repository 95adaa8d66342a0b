import type { Request } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { AppError } from '../lib/app-error.js';
import { sha256 } from '../lib/tokens.js';
import { Terminal } from './terminal.model.js';

/**
 * Parses `<terminal id>.<secret>`; the secret is compared by hash, in constant time. `load`
 * reads the row (the window page's routes pass a short-lived cache).
 */
export async function verifyTerminalCredential(
  credential: string | undefined,
  load: (id: string) => Promise<Terminal | null> = (id) => Terminal.findByPk(id),
): Promise<Terminal> {
  const [id, secret] = (credential ?? '').split('.');
  if (!id || !secret || !/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('TERMINAL_UNKNOWN');
  const terminal = await load(id);
  const expected = Buffer.from(terminal?.secretHash ?? '0'.repeat(64), 'hex');
  const given = Buffer.from(sha256(secret), 'hex');
  if (!terminal || !terminal.secretHash || !timingSafeEqual(expected, given)) throw new AppError('TERMINAL_UNKNOWN');
  if (terminal.state === 'revoked') throw new AppError('TERMINAL_REVOKED');
  if (terminal.state !== 'active') throw new AppError('TERMINAL_UNKNOWN', { reason: 'awaiting approval' });
  return terminal;
}

/** `Authorization: Terminal <credential>` */
export function terminalCredentialOf(req: Request): string | undefined {
  const header = req.get('authorization') ?? '';
  const match = /^Terminal\s+(\S+)$/i.exec(header);
  return match?.[1];
}
