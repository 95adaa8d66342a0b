import path from 'node:path';
import { Op, type Sequelize, type Transaction } from 'sequelize';
import type { ErrorCode } from '@yunzhuo/protocol/errors';
import type { Actor } from '../auth/actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { Desktop } from '../desktops/desktop.model.js';
import { afterCommit, writeTransaction } from '../db/write-transaction.js';
import { auditDeviceUse } from '../devices/device-audit.js';
import type { FileTransfer } from '../paper/file-transfer.monitor.js';
import { auditFileTransfer } from '../paper/transfer-audit.js';
import type { DeviceUse } from '../devices/device-use.js';
import { Gateway } from '../gateways/gateway.model.js';
import { AppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';
import type { SecretBox } from '../lib/secret-box.js';
import { Pool, PoolGateway } from '../pools/pool.model.js';
import type { TunnelBroker, TunnelCloseReason, TunnelTarget } from '../tunnel/tunnel-target.js';
import { releaseDesktop, type DesktopHooks } from './desktop-claim.js';
import type { LiveTunnels } from './live-tunnels.js';
import { DesktopSession } from './session.model.js';
import { prepareRecordingDir, recordingWritten } from './recording-directory.js';
import type { SessionTransitions } from './session-transitions.js';
import type { IssuedToken, TunnelTokens } from './tunnel-tokens.js';

const LIVE = ['requested', 'connecting', 'active', 'disconnected'] as const;
const ATTACHED = ['requested', 'connecting', 'active'] as const;

export interface LifecycleDeps {
  sequelize: Sequelize;
  transitions: SessionTransitions;
  tokens: TunnelTokens;
  secrets: SecretBox;
  tunnels: () => LiveTunnels;
  audit: AuditService;
  events: LiveEvents;
  clock: Clock;
  recordingDir: string;
  /** each session's window drive lives here on the guacd host (a pool with `settings.drive`) */
  windowDriveDir?: string;
  /** SSH actions before assignment and on release (lifecycle/); none when absent */
  hooks?: DesktopHooks;
}

/**
 * A session's life after the login: the tunnel's view (token → target, connecting, active,
 * closed), the clerk's and the admin's actions (disconnect, logoff), and the timers (grace
 * and idle limits), which are evaluated by `sweep()` against the injected clock.
 */
export class SessionLifecycle implements TunnelBroker {
  /** tunnels open per session in this process: only the last one closing disconnects */
  readonly #open = new Map<string, number>();

  constructor(private readonly deps: LifecycleDeps) {}

  async redeemToken(token: string): Promise<TunnelTarget> {
    const row = await this.deps.tokens.redeem(token);
    const session = await DesktopSession.findByPk(row.sessionId);
    if (!session || session.state === 'ended') throw new AppError('SESSION_ENDED');
    // bound to the terminal it was issued to: a session taken over since then refuses it
    if (row.terminalId !== session.terminalId) throw new AppError('TOKEN_INVALID', { reason: 'the session moved to another terminal' });
    const [desktop, pool, links] = await Promise.all([
      session.desktopId ? Desktop.findByPk(session.desktopId) : null,
      Pool.findByPk(session.poolId),
      PoolGateway.findAll({ where: { poolId: session.poolId }, order: [['priority', 'ASC']] }),
    ]);
    if (!desktop || !pool) throw new AppError('DESKTOP_UNAVAILABLE', { sessionId: session.id });
    if (session.state === 'requested' && this.deps.hooks) {
      try {
        await this.deps.hooks.beforeAssign(desktop.id, session.id);
      } catch (err) {
        await this.end(session.id, null, 'desktop-prepare-failed');
        throw err;
      }
      await desktop.reload(); // the action may have set a one-time RDP password
      // the session may have been ended (logoff, admin, reconciler) while the action ran
      const now = await DesktopSession.findByPk(session.id);
      if (!now || now.state === 'ended') throw new AppError('SESSION_ENDED', { endReason: now?.endReason ?? null });
    }
    const gateways = await Gateway.findAll({ where: { id: links.map((l) => l.gatewayId) } });
    const ordered = links.map((l) => gateways.find((g) => g.id === l.gatewayId)).filter((g): g is Gateway => !!g);
    const healthyFirst = [...ordered.filter((g) => g.health !== 'down'), ...ordered.filter((g) => g.health === 'down')];
    if (pool.settings.recording) {
      const problem = await prepareRecordingDir(this.recordingDirOf(session));
      if (problem) await session.update({ recordingError: JSON.stringify(problem) });
    }
    const drivePath = pool.settings.drive && this.deps.windowDriveDir ? path.join(this.deps.windowDriveDir, session.id) : null;
    // made here, group-shared like the recordings: guacd (maybe another user) writes the scans, the
    // broker must be able to remove them when the session ends; a failure leaves it to guacd's create-drive-path
    if (drivePath) await prepareRecordingDir(drivePath);
    const target: TunnelTarget = {
      sessionId: session.id,
      terminalId: session.terminalId,
      gateways: healthyFirst.map((g) => ({ id: g.id, host: g.host, port: g.port })),
      desktop: {
        id: desktop.id,
        host: desktop.host,
        port: desktop.port,
        username: desktop.rdpUsername,
        password: this.deps.secrets.decrypt(desktop.rdpPasswordEnc),
      },
      settings: pool.settings,
      recording: pool.settings.recording ? { path: this.recordingDirOf(session), name: session.id } : null,
      drive: drivePath ? { path: drivePath } : null,
    };
    // counted only once nothing can fail any more: markClosed will follow exactly this tunnel
    this.#open.set(session.id, (this.#open.get(session.id) ?? 0) + 1);
    return target;
  }

  async markConnecting(sessionId: string, gatewayId: string): Promise<void> {
    await this.deps.transitions.move(sessionId, ['requested', 'connecting', 'active', 'disconnected'], 'connecting', { extra: { gatewayId } });
  }

  async markActive(sessionId: string, guacConnectionId: string): Promise<void> {
    const session = await this.deps.transitions.move(sessionId, ['requested', 'connecting', 'disconnected'], 'active', { extra: { guacConnectionId } });
    if (!session && (await DesktopSession.findByPk(sessionId))?.state === 'ended') {
      // ended while the tunnel was connecting: its desktop may already belong to someone else
      this.deps.tunnels().closeSession(sessionId, 'ended-by-admin', '会话已结束 / the session has ended');
      return;
    }
    if (session) {
      const pool = await Pool.findByPk(session.poolId);
      if (pool?.settings.recording && !session.recordingPath) {
        const recordingPath = path.join(this.recordingDirOf(session), session.id);
        // the first connection's file (later ones add parts beside it): none now means guacd cannot write there
        const problem = session.recordingError ? null : await recordingWritten(recordingPath);
        await session.update({ recordingPath, ...(problem ? { recordingError: JSON.stringify(problem) } : {}) });
      }
    }
  }

  async markClosed(sessionId: string, reason: TunnelCloseReason, instanceId?: string): Promise<void> {
    const left = Math.max(0, (this.#open.get(sessionId) ?? 1) - 1);
    if (left > 0) return void this.#open.set(sessionId, left);
    this.#open.delete(sessionId);
    if (reason === 'logoff' || reason === 'ended-by-admin') return; // end() already did the work
    // also after a takeover: until the new terminal's tunnel connects, the session has none, and
    // `disconnected` puts it under the grace period instead of leaving it `active` for good —
    // unless that new tunnel already runs in another broker process (its stamp is not ours)
    const ours = instanceId ? { [Op.or]: [{ brokerInstance: instanceId }, { brokerInstance: null }] } : undefined;
    await this.deps.transitions.move(sessionId, [...ATTACHED], 'disconnected', { reason, ...(ours ? { onlyIf: ours } : {}) });
  }

  async reportGatewayFailure(gatewayId: string, code: ErrorCode, detail: string): Promise<void> {
    const gateway = await Gateway.findByPk(gatewayId);
    if (!gateway) return;
    await this.deps.audit.record(null, {
      action: 'gateway.failure',
      targetType: 'gateway',
      targetId: gatewayId,
      siteId: gateway.siteId,
      details: { code, detail },
    });
    if (gateway.health !== 'down') {
      await gateway.update({ health: 'down', lastCheckedAt: new Date(this.deps.clock.now()) });
      this.deps.events.publish('gateway.changed', { id: gateway.id, health: 'down', siteId: gateway.siteId });
    }
  }

  async recordDeviceUse(sessionId: string, use: DeviceUse): Promise<void> {
    await auditDeviceUse(this.deps.audit, sessionId, use);
  }

  async recordFileTransfer(sessionId: string, transfer: FileTransfer): Promise<void> {
    await auditFileTransfer(this.deps.audit, sessionId, transfer);
  }

  /** A fresh tunnel token for the terminal that holds the session (reconnect after a blip). */
  async reissueToken(sessionId: string, terminalId: string): Promise<IssuedToken> {
    const session = await this.heldBy(sessionId, terminalId);
    return this.deps.tokens.issue(session.id, terminalId);
  }

  /** The session, if this terminal holds it and it has not ended. */
  async heldBy(sessionId: string, terminalId: string): Promise<DesktopSession> {
    const session = await DesktopSession.findByPk(sessionId);
    if (!session || session.terminalId !== terminalId) throw new AppError('NOT_FOUND', { resource: 'session' });
    if (session.state === 'ended') throw new AppError('SESSION_ENDED', { endReason: session.endReason });
    return session;
  }

  /** An admin's disconnect: the session's row and its audit event commit together, or nothing changes. */
  disconnectByAdmin(sessionId: string, actor: Actor): Promise<DesktopSession> {
    return writeTransaction(this.deps.sequelize, (transaction) => this.disconnect(sessionId, actor, 'admin', transaction));
  }

  /** An admin's logoff: the session's row, its desktop's and the audit event commit together, or nothing changes. */
  endByAdmin(sessionId: string, actor: Actor): Promise<DesktopSession> {
    return writeTransaction(this.deps.sequelize, (transaction) => this.end(sessionId, actor, 'ended-by-admin', transaction));
  }

  /**
   * Leave the desktop running for the pool's grace period. In an admin's `transaction` the tunnel
   * is closed once the move commits; the engine's and the clerk's own calls take none.
   */
  async disconnect(sessionId: string, actor: Actor | null, reason: string, transaction?: Transaction): Promise<DesktopSession> {
    const moved = await this.deps.transitions.move(sessionId, [...ATTACHED], 'disconnected', { actor, reason, transaction });
    afterCommit(
      transaction,
      () =>
        void this.deps
          .tunnels()
          .closeSession(sessionId, 'ended-by-admin', reason === 'clerk' ? '已断开 / disconnected' : '管理员已断开此会话 / disconnected by an administrator'),
    );
    return moved ?? this.current(sessionId, transaction);
  }

  /**
   * Log off: the session ends now and a floating desktop goes back to the pool. In an admin's
   * `transaction` the session's and the desktop's rows commit with their audit events, and the
   * tunnel is closed after the commit (a desktop released by a rolled-back write stays held).
   */
  async end(sessionId: string, actor: Actor | null, reason: string, transaction?: Transaction): Promise<DesktopSession> {
    const session = await this.deps.transitions.move(sessionId, [...LIVE], 'ended', { actor, reason, transaction });
    if (!session) return this.current(sessionId, transaction);
    afterCommit(transaction, () => {
      this.#open.delete(sessionId);
      this.deps
        .tunnels()
        .closeSession(
          sessionId,
          reason === 'logoff' ? 'logoff' : 'ended-by-admin',
          reason === 'logoff' ? '已注销 / logged off' : '会话已结束 / the session was ended',
        );
      this.deps.tunnels().sessionEnded?.(sessionId); // without a transaction, before the desktop is released: nothing stays attached to it
    });
    if (session.desktopId) await this.giveDesktopBack(session.desktopId, session.id, transaction);
    return session;
  }

  /**
   * Gives the session's desktop back to its pool (or to `resetting` for its on-release action) if
   * the session still holds it. Returns whether it did.
   */
  async giveDesktopBack(desktopId: string, sessionId: string, transaction?: Transaction): Promise<boolean> {
    const to = (await this.deps.hooks?.releaseState(desktopId)) ?? 'free';
    const released = await releaseDesktop(this.deps.sequelize, desktopId, sessionId, new Date(this.deps.clock.now()), to, { transaction });
    const desktop = await Desktop.findByPk(desktopId, { transaction });
    afterCommit(transaction, () => {
      if (released && to === 'resetting') this.deps.hooks?.onRelease(desktopId);
      if (desktop)
        this.deps.events.publish('desktop.changed', {
          id: desktop.id,
          state: desktop.state,
          health: desktop.health,
          poolId: desktop.poolId,
          siteId: desktop.siteId,
        });
    });
    return released;
  }

  /** Ends sessions past their pool's grace (disconnected) or idle limit. Returns how many ended. */
  async sweep(): Promise<number> {
    const now = this.deps.clock.now();
    const candidates = await DesktopSession.findAll({ where: { state: { [Op.in]: [...LIVE] } } });
    if (candidates.length === 0) return 0;
    const pools = new Map((await Pool.findAll({ where: { id: [...new Set(candidates.map((s) => s.poolId))] } })).map((p) => [p.id, p]));
    let ended = 0;
    for (const s of candidates) {
      const pool = pools.get(s.poolId);
      if (!pool) continue;
      const graceOver = s.state === 'disconnected' && s.disconnectedAt !== null && now - s.disconnectedAt.getTime() >= pool.graceSeconds * 1000;
      const idleOver = pool.idleSeconds > 0 && now - (s.lastActivityAt ?? s.requestedAt).getTime() >= pool.idleSeconds * 1000;
      if (!graceOver && !idleOver) continue;
      try {
        await this.end(s.id, null, graceOver ? 'grace-expired' : 'idle-timeout');
        ended++;
      } catch {
        // one session that cannot be ended now must not keep the others from ending; next sweep retries
      }
    }
    return ended;
  }

  /** The tunnel reports input now and then so idle limits see a working clerk. */
  async touch(sessionId: string): Promise<void> {
    await DesktopSession.update({ lastActivityAt: new Date(this.deps.clock.now()) }, { where: { id: sessionId, state: 'active' } });
  }

  /**
   * Where guacd writes the session's recording: the directory of the first tunnel (the session's
   * site then), kept for every later tunnel, so that the parts guacd adds on each reconnect
   * (`<id>.1`, `<id>.2`, …) stay next to the first even after the clerk roams to another site.
   */
  private recordingDirOf(session: DesktopSession): string {
    return session.recordingPath ? path.dirname(session.recordingPath) : path.join(this.deps.recordingDir, session.siteId ?? 'unsited');
  }

  private async current(sessionId: string, transaction?: Transaction): Promise<DesktopSession> {
    const session = await DesktopSession.findByPk(sessionId, { transaction });
    if (!session) throw new AppError('NOT_FOUND', { resource: 'session' });
    return session;
  }
}
