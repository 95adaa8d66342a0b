import { systemActor } from '../auth/actor.js';
import type { AuditService } from '../audit/audit.service.js';
import type { AppError } from '../lib/app-error.js';
import { Terminal } from '../terminals/terminal.model.js';
import type { OidcLogin } from './oidc-source.model.js';

/** A refused callback, with the page of ours the browser came from (null: the state was unknown). */
export class OidcFailure extends Error {
  constructor(
    readonly error: AppError,
    readonly returnTo: string | null,
    /** the phone of a 扫码登录: it gets a page of its own, not a redirect */
    readonly qr = false,
  ) {
    super(error.message);
    this.name = 'OidcFailure';
  }
}

/**
 * `auth.oidc.refused` of a sign-in that got as far as the provider's answer. A window's (button or
 * QR) names its terminal and channel and is on the terminal's site; a console's on `siteId`.
 */
export async function recordOidcRefusal(
  audit: AuditService,
  pending: Pick<OidcLogin, 'sourceId' | 'terminalId' | 'purpose'>,
  address: string | null,
  details: Record<string, unknown>,
  siteId: string | null = null,
): Promise<void> {
  const terminal = pending.terminalId ? await Terminal.findByPk(pending.terminalId) : null;
  const window = pending.terminalId ? { terminalId: pending.terminalId, channel: pending.purpose === 'qr-redirect' ? 'qr' : 'button' } : {};
  await audit.record(systemActor(address), {
    action: 'auth.oidc.refused',
    targetType: 'oidc-source',
    targetId: pending.sourceId,
    siteId: terminal?.siteId ?? siteId,
    details: { ...details, ...window },
  });
}
