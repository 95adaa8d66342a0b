import QRCode from 'qrcode';
import { Op } from 'sequelize';
import type { z } from 'zod';
import type { windowQrOut, windowQrPollOut } from '@yunzhuo/protocol/api/oidc';
import { Account } from '../accounts/account.model.js';
import { iso } from '../http/refs.js';
import { AppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import { randomToken, sha256 } from '../lib/tokens.js';
import type { Terminal } from '../terminals/terminal.model.js';
import type { OidcSignIn } from './oidc-signin.js';
import { OidcLogin, OidcSource } from './oidc-source.model.js';

/** how long a QR code on the window screen may be scanned, ms (the page shows a fresh one after) */
export const QR_MS = 2 * 60_000;
/** how long a scanned code waits for the phone's sign-in at the provider, ms (a person typing a password) */
const SCANNED_MS = 10 * 60_000;

/**
 * 扫码登录 (docs/IDENTITY.md): the window page shows a QR code of `/api/v1/oidc/qr/<id>`; the phone
 * opens it and signs in at the provider (the same code + PKCE redirect as the window button,
 * `OidcSignIn.start`); the window polls with its terminal credential and gets the one-time ticket of
 * the button flow. Every step is a row of `oidc_logins` (keyed by the id's sha256), so the phone may
 * land on another broker than the one the window polls.
 */
export class OidcQrSignIn {
  constructor(private readonly deps: { oidc: OidcSignIn; clock: Clock }) {}

  /** A QR code for `terminal`, of a provider of its site that allows 扫码登录. */
  async issue(terminal: Terminal, sourceId: string): Promise<z.output<typeof windowQrOut>> {
    const offered = (await this.deps.oidc.sourcesAtSite(terminal.siteId)).find((s) => s.id === sourceId);
    if (!offered) throw new AppError('NOT_FOUND', { resource: 'oidc-source', id: sourceId });
    if (!offered.qr) throw new AppError('OIDC_QR_NOT_ALLOWED', { source: offered.name });
    const source = await OidcSource.findByPk(sourceId);
    if (!source) throw new AppError('NOT_FOUND', { resource: 'oidc-source', id: sourceId });
    const id = randomToken(24); // 192 bits
    const now = this.deps.clock.now();
    const expiresAt = new Date(now + QR_MS);
    await OidcLogin.create({
      stateHash: sha256(id),
      sourceId,
      nonce: '-',
      codeVerifier: '-',
      purpose: 'qr',
      returnTo: '-',
      terminalId: terminal.id,
      accountId: null,
      expiresAt,
      createdAt: new Date(now),
    });
    // the broker's address as registered with the provider: the one a phone can reach too
    const url = new URL(`/api/v1/oidc/qr/${id}`, source.settings.redirectUri).href;
    const qrDataUrl = await QRCode.toDataURL(url, { margin: 1, width: 280, errorCorrectionLevel: 'M' });
    return { id, url, qrDataUrl, expiresAt: iso(expiresAt)!, ttlMs: QR_MS };
  }

  /** The phone opened the code: the provider's authorization URL. Once only; the code then waits for the sign-in. */
  async scan(id: string): Promise<string> {
    const key = sha256(id);
    const row = await this.#live(key);
    if (row.purpose !== 'qr') throw new AppError('OIDC_QR_USED');
    const authorizationUrl = await this.deps.oidc.start(row.sourceId, key, row.terminalId, 'qr-redirect');
    const now = this.deps.clock.now();
    // two phones at once: the one whose update lands owns the code
    const [taken] = await OidcLogin.update(
      { purpose: 'qr-scanned', expiresAt: new Date(now + SCANNED_MS) },
      { where: { stateHash: key, purpose: 'qr', expiresAt: { [Op.gt]: new Date(now) } } },
    );
    if (taken !== 1) throw new AppError('OIDC_QR_USED');
    return authorizationUrl;
  }

  /** The phone's callback passed (`key`: the code's row key from the redirect's `returnTo`): the window's poll takes it. */
  async signedIn(key: string, account: Account): Promise<void> {
    const now = this.deps.clock.now();
    const [done] = await OidcLogin.update(
      { purpose: 'qr-done', accountId: account.id, expiresAt: new Date(now + QR_MS) },
      { where: { stateHash: key, purpose: 'qr-scanned', expiresAt: { [Op.gt]: new Date(now) } } },
    );
    if (done !== 1) throw new AppError('OIDC_QR_EXPIRED');
  }

  /** The window's poll: how its code stands, and once signed in the one-time ticket (then the code is gone). */
  async poll(terminal: Terminal, id: string, address: string | null): Promise<z.output<typeof windowQrPollOut>> {
    const key = sha256(id);
    const row = await OidcLogin.findByPk(key);
    if (!row || row.terminalId !== terminal.id || !['qr', 'qr-scanned', 'qr-done'].includes(row.purpose)) {
      throw new AppError('NOT_FOUND', { resource: 'oidc-qr' });
    }
    if (row.expiresAt.getTime() <= this.deps.clock.now()) throw new AppError('OIDC_QR_EXPIRED');
    if (row.purpose !== 'qr-done') return { state: row.purpose === 'qr' ? 'waiting' : 'scanned', expiresAt: iso(row.expiresAt)! };
    const account = row.accountId ? await Account.findByPk(row.accountId) : null;
    if (!account) throw new AppError('NOT_FOUND', { resource: 'oidc-qr' });
    // the code is taken, the sign-in audited and the ticket issued together: two polls (on two brokers) cannot both pass
    const ticket = await this.deps.oidc.window.take(
      { account, terminalId: terminal.id, sourceId: row.sourceId, channel: 'qr', address },
      async (transaction) => {
        const taken = await OidcLogin.destroy({ where: { stateHash: key, purpose: 'qr-done' }, transaction });
        if (taken !== 1) throw new AppError('NOT_FOUND', { resource: 'oidc-qr' });
      },
    );
    return { state: 'signed-in', ticket };
  }

  async #live(key: string): Promise<OidcLogin> {
    const row = await OidcLogin.findByPk(key);
    if (!row || !['qr', 'qr-scanned', 'qr-done'].includes(row.purpose) || row.expiresAt.getTime() <= this.deps.clock.now()) {
      throw new AppError('OIDC_QR_EXPIRED');
    }
    return row;
  }
}
