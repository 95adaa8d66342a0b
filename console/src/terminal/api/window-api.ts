import type { z } from 'zod';
import type { terminalContextOut, tunnelTokenOut, windowLoginOut, windowSessionOut } from '@yunzhuo/protocol/api/window';
import type { queueFinishOut, queueStateOut, queueTicketOut } from '@yunzhuo/protocol/api/queue';
import type { ratingInvitationBody, ratingInvitationOut, ratingSubmitBody } from '@yunzhuo/protocol/api/ratings';
import type { PrintReport } from '@yunzhuo/protocol/paper/print-job';
import type { padPairingOut, ratingInvitationStateOut, ratingPadOut } from '@yunzhuo/protocol/api/rating-pads';
import { brokerFetch } from './broker-fetch';

export { isWindowApiError, WindowApiError } from './broker-fetch';

export type TerminalContext = z.output<typeof terminalContextOut>;
export type WindowSession = z.output<typeof windowSessionOut>;
export type TunnelToken = z.output<typeof tunnelTokenOut>;
export type WindowLogin = z.output<typeof windowLoginOut>;
export type RatingInvitation = z.output<typeof ratingInvitationOut>;
/** 办件编号 / 事项编码 the clerk entered at the bar */
export type RatingCase = Omit<z.input<typeof ratingInvitationBody>, 'sessionId'>;
export type RatingSubmission = z.input<typeof ratingSubmitBody>;
export type QueueTicket = z.output<typeof queueTicketOut>;
export type QueueState = z.output<typeof queueStateOut>;
export type QueueFinish = z.output<typeof queueFinishOut>;
export type PadPairingCode = z.output<typeof padPairingOut>;
export type PairedPad = z.output<typeof ratingPadOut>;
export type InvitationState = z.output<typeof ratingInvitationStateOut>;

export interface LoginTiming {
  /** the password check, from the Server-Timing header (`auth`), ms */
  authMs: number | null;
  /** the brokering after it (`broker`): pool, desktop claim, token, ms */
  brokerMs: number | null;
}

/** `auth;dur=92.10, broker;dur=8.31` → the named durations */
function serverTiming(header: string | null): LoginTiming {
  const timing: LoginTiming = { authMs: null, brokerMs: null };
  for (const part of (header ?? '').split(',')) {
    const match = /^\s*(\w+)\s*;.*?dur=([\d.]+)/.exec(part);
    if (match?.[1] === 'auth') timing.authMs = Number(match[2]);
    if (match?.[1] === 'broker') timing.brokerMs = Number(match[2]);
  }
  return timing;
}

/** The window page's calls to the brokering engine, each with `Authorization: Terminal <credential>`. */
export class WindowApi {
  constructor(private readonly credential: string) {}

  async #call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<{ body: T; headers: Headers }> {
    // One quiet retry when the connection drops before any answer (a reset while the whole hall
    // connects at 8:30). Safe for a login too: a repeated login rejoins the clerk's own session.
    return brokerFetch<T>(method, path, body, { authorization: `Terminal ${this.credential}`, foreignRefusal: 'by-status', retryAfterMs: 300 });
  }

  async context(): Promise<TerminalContext> {
    return (await this.#call<TerminalContext>('GET', '/terminal/context')).body;
  }

  async login(username: string, password: string, poolId?: string, exceptPoolIds: readonly string[] = []): Promise<WindowLogin & { timing: LoginTiming }> {
    const { body, headers } = await this.#call<WindowLogin>('POST', '/terminal/sessions', {
      username,
      password,
      ...(poolId ? { poolId } : {}),
      ...(exceptPoolIds.length ? { exceptPoolIds } : {}),
    });
    return { ...body, timing: serverTiming(headers.get('server-timing')) };
  }

  /** 统一身份认证 at this window: the providers of the terminal's site (none: no button) */
  async oidcSources(): Promise<{ id: string; name: string; qr: boolean }[]> {
    return (await this.#call<{ items: { id: string; name: string; qr: boolean }[] }>('GET', '/terminal/oidc/sources')).body.items;
  }

  /** 扫码登录: a QR code for this terminal (2 minutes, single use) of the short URL a phone opens */
  async oidcQr(sourceId: string): Promise<{ id: string; url: string; qrDataUrl: string; ttlMs: number }> {
    return (await this.#call<{ id: string; url: string; qrDataUrl: string; ttlMs: number }>('POST', '/terminal/oidc/qr', { sourceId })).body;
  }

  /** how the QR code stands; once the phone signed in, the one-time ticket of the button flow */
  async oidcQrPoll(id: string): Promise<{ state: 'waiting' | 'scanned' } | { state: 'signed-in'; ticket: string }> {
    return (await this.#call<{ state: 'waiting' | 'scanned' } | { state: 'signed-in'; ticket: string }>('GET', `/terminal/oidc/qr/${encodeURIComponent(id)}`))
      .body;
  }

  /** where to send this page for the provider's sign-in; it comes back to /terminal#oidcTicket=… */
  async oidcStart(sourceId: string): Promise<string> {
    return (await this.#call<{ authorizationUrl: string }>('POST', '/terminal/oidc/start', { sourceId, returnTo: '/terminal' })).body.authorizationUrl;
  }

  /** the provider's ticket redeemed for a desktop, like a password login */
  async oidcLogin(ticket: string, poolId?: string, exceptPoolIds: readonly string[] = []): Promise<WindowLogin & { timing: LoginTiming; username: string }> {
    const { body, headers } = await this.#call<WindowLogin & { username: string }>('POST', '/terminal/sessions/oidc', {
      ticket,
      ...(poolId ? { poolId } : {}),
      ...(exceptPoolIds.length ? { exceptPoolIds } : {}),
    });
    return { ...body, timing: serverTiming(headers.get('server-timing')) };
  }

  async tunnelToken(sessionId: string): Promise<TunnelToken> {
    return (await this.#call<TunnelToken>('POST', `/terminal/sessions/${sessionId}/tunnel-token`, {})).body;
  }

  async disconnect(sessionId: string): Promise<void> {
    await this.#call('POST', `/terminal/sessions/${sessionId}/disconnect`, {});
  }

  async logoff(sessionId: string): Promise<void> {
    await this.#call('POST', `/terminal/sessions/${sessionId}/logoff`, {});
  }

  async inviteRating(sessionId: string, ratingCase: RatingCase = {}): Promise<RatingInvitation> {
    return (await this.#call<RatingInvitation>('POST', '/terminal/rating-invitations', { sessionId, ...ratingCase })).body;
  }

  /** one print on the window's printer, for the audit (docs/PAPER.md) */
  async reportPrint(report: PrintReport): Promise<void> {
    await this.#call('POST', '/terminal/print-jobs', report);
  }

  /** 排队叫号 (docs/RATINGS.md): whether the hall has a queue system, and the number served here */
  async queueState(sessionId: string): Promise<QueueState> {
    return (await this.#call<QueueState>('GET', `/terminal/queue?sessionId=${encodeURIComponent(sessionId)}`)).body;
  }

  /** 叫号 (null: nobody waits), 重呼, 过号, 转移: the ticket as it stands after */
  async queueCall(sessionId: string): Promise<QueueTicket | null> {
    return (await this.#call<{ ticket: QueueTicket | null }>('POST', '/terminal/queue/call', { sessionId })).body.ticket;
  }
  async queueStep(step: 'recall' | 'skip' | 'transfer', sessionId: string, target?: string): Promise<QueueTicket> {
    return (await this.#call<QueueTicket>('POST', `/terminal/queue/${step}`, { sessionId, ...(target ? { target } : {}) })).body;
  }

  /** 结束服务: the number is closed and the rating invitation comes back with it */
  async queueFinish(sessionId: string, ratingCase: RatingCase = {}): Promise<QueueFinish> {
    return (await this.#call<QueueFinish>('POST', '/terminal/queue/finish', { sessionId, ...ratingCase })).body;
  }

  /** 暂停叫号 / 恢复叫号 */
  async queuePause(sessionId: string, paused: boolean): Promise<{ pausedAt: string } | null> {
    return (await this.#call<{ paused: { pausedAt: string } | null }>('POST', `/terminal/queue/${paused ? 'pause' : 'resume'}`, { sessionId })).body.paused;
  }

  /** the rating pad (评价器): a pairing code, the pads paired here, unpairing, and whether the pad's citizen has rated */
  async padPairingCode(): Promise<PadPairingCode> {
    return (await this.#call<PadPairingCode>('POST', '/terminal/rating-pads/pairing-code', {})).body;
  }
  async pairedPads(): Promise<PairedPad[]> {
    return (await this.#call<{ items: PairedPad[] }>('GET', '/terminal/rating-pads')).body.items;
  }
  async unpairPad(padId: string): Promise<void> {
    await this.#call('DELETE', `/terminal/rating-pads/${encodeURIComponent(padId)}`);
  }
  async invitationState(invitationId: string): Promise<InvitationState> {
    return (await this.#call<InvitationState>('GET', `/terminal/rating-invitations/${encodeURIComponent(invitationId)}`)).body;
  }

  async submitRating(submission: RatingSubmission): Promise<void> {
    await this.#call('POST', '/terminal/ratings', submission);
  }
}
