import { randomBytes } from 'node:crypto';
import type { Transaction } from 'sequelize';
import type { ActionPoint } from '@yunzhuo/protocol/api/lifecycle';
import type { Actor } from '../../auth/actor.js';
import type { AuditService } from '../../audit/audit.service.js';
import { writeTransaction } from '../../db/write-transaction.js';
import { Desktop, type DesktopState } from '../../desktops/desktop.model.js';
import { AppError } from '../../lib/app-error.js';
import type { Clock } from '../../lib/clock.js';
import type { LiveEvents } from '../../lib/live-events.js';
import type { Logger } from '../../lib/logger.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { Pool } from '../../pools/pool.model.js';
import type { DesktopHooks } from '../../sessions/desktop-claim.js';
import { placeholdersIn, renderCommand } from './command-template.js';
import { moveDesktop } from '../desktop-states.js';
import type { KnownHosts } from '../ssh/known-hosts.js';
import { ActionRun, PoolAction } from './pool-action.model.js';
import type { SshExecResult, SshExecutor } from '../ssh/ssh-executor.js';
import { SshHost } from '../ssh/ssh-host.model.js';

export interface DesktopActionsDeps {
  secrets: SecretBox;
  executor: SshExecutor;
  knownHosts: KnownHosts;
  audit: AuditService;
  events: LiveEvents;
  clock: Clock;
  logger: Logger;
}

/** the state a desktop is in while each point's action runs: only from there does a failure move it to `error` */
const FAILS_FROM: Record<ActionPoint, DesktopState[]> = {
  'before-assign': ['assigned'],
  'on-release': ['resetting'],
  'on-maintenance': ['maintenance'],
  start: ['starting'],
};

/** 24 characters from an alphabet Windows and xrdp both accept in a password */
function oneTimePassword(): string {
  return `Yz-${randomBytes(15).toString('base64').replace(/[+/]/g, 'x')}1`;
}

/**
 * Runs a pool's SSH action at a desktop's lifecycle point, records the run (output, exit code,
 * duration) and its audit, and moves the desktop: a failed action puts it in `error` with the
 * reason, never back into the free set. It is also the engine's `DesktopHooks`.
 */
export class DesktopActions implements DesktopHooks {
  /** background runs (on-release, warm-up starts) still going, so close() can wait for them */
  readonly #background = new Set<Promise<unknown>>();
  readonly #preparing = new Map<string, Promise<void>>();

  constructor(private readonly deps: DesktopActionsDeps) {}

  async actionFor(poolId: string, point: ActionPoint): Promise<PoolAction | null> {
    return PoolAction.findOne({ where: { poolId, point, enabled: true } });
  }

  /**
   * Runs `action` for `desktop`; never throws for a failed command (the run says what happened).
   * A run that did not succeed takes the desktop out of service (`error`) if it was still in the
   * state the action ran for.
   */
  async run(action: PoolAction, desktop: Desktop, ctx: { sessionId?: string | null; actor?: Actor | null } = {}): Promise<ActionRun> {
    const started = new Date(this.deps.clock.now());
    const sshHost = await SshHost.findByPk(action.sshHostId);
    const host = action.runOn === 'desktop' ? desktop.host : (sshHost?.host ?? '?');
    const port = sshHost?.port ?? 22;
    let result: SshExecResult;
    let password: string | null = null;
    if (!sshHost) {
      result = {
        outcome: 'error',
        exitCode: null,
        signal: null,
        stdout: '',
        stderr: '',
        error: 'the SSH host of this action was deleted',
        fingerprint: null,
        durationMs: 0,
      };
    } else {
      const pool = await Pool.findByPk(desktop.poolId);
      password = placeholdersIn(action.command).includes('oneTimePassword') ? oneTimePassword() : null;
      const command = renderCommand(action.command, {
        'desktop.id': desktop.id,
        'desktop.name': desktop.name,
        'desktop.host': desktop.host,
        'desktop.rdpUsername': desktop.rdpUsername,
        'pool.id': desktop.poolId,
        'pool.name': pool?.name ?? '',
        'session.id': ctx.sessionId ?? '',
        ...(password ? { oneTimePassword: password } : {}),
      });
      const privateKey = this.unseal(sshHost.privateKeyEnc);
      result =
        privateKey === null
          ? {
              outcome: 'error',
              exitCode: null,
              signal: null,
              stdout: '',
              stderr: '',
              error: 'the SSH key cannot be decrypted (was the secret key replaced?)',
              fingerprint: null,
              durationMs: 0,
            }
          : await this.execPinned({ host, port, username: sshHost.username, privateKey }, command, action.timeoutSeconds * 1000);
    }
    if (password) {
      // the password must not survive in the record, even if the command echoed it
      result = { ...result, stdout: result.stdout.split(password).join('[redacted]'), stderr: result.stderr.split(password).join('[redacted]') };
    }
    // what the run changed (the password, the desktop out of service), its record and its audit commit together
    return writeTransaction(ActionRun.sequelize!, async (transaction) => {
      if (password && result.outcome === 'ok')
        await Desktop.update({ rdpPasswordEnc: this.deps.secrets.encrypt(password) }, { where: { id: desktop.id }, transaction });
      const run = await ActionRun.create(
        {
          actionId: action.id,
          poolId: desktop.poolId,
          desktopId: desktop.id,
          sessionId: ctx.sessionId ?? null,
          siteId: desktop.siteId,
          point: action.point,
          host,
          port,
          command: action.command,
          outcome: result.outcome,
          exitCode: result.exitCode,
          signal: result.signal,
          stdout: result.stdout,
          stderr: result.stderr,
          error: result.error?.slice(0, 1000) ?? null,
          durationMs: result.durationMs,
          startedAt: started,
          finishedAt: new Date(started.getTime() + result.durationMs),
        },
        { transaction },
      );
      await this.deps.audit.record(
        ctx.actor ?? null,
        {
          action: 'desktop.action',
          targetType: 'desktop',
          targetId: desktop.id,
          siteId: desktop.siteId,
          details: {
            runId: run.id,
            point: action.point,
            outcome: run.outcome,
            exitCode: run.exitCode,
            durationMs: run.durationMs,
            host,
            port,
            error: run.error,
            sessionId: run.sessionId,
          },
        },
        transaction,
      );
      if (run.outcome !== 'ok') await this.failDesktop(desktop.id, action.point, run, ctx, transaction);
      return run;
    });
  }

  private unseal(sealed: string): string | null {
    try {
      return this.deps.secrets.decrypt(sealed);
    } catch {
      return null;
    }
  }

  /** Connects only to the pinned host key; the first connection to an endpoint pins what it saw. */
  private async execPinned(
    endpoint: { host: string; port: number; username: string; privateKey: string },
    command: string,
    timeoutMs: number,
  ): Promise<SshExecResult> {
    const expected = await this.deps.knownHosts.pinned(endpoint.host, endpoint.port);
    const result = await this.deps.executor.exec(endpoint, command, { timeoutMs, expectedFingerprint: expected });
    if (result.outcome === 'refused') {
      await this.deps.audit.record(null, {
        action: 'ssh.host-key-mismatch',
        targetType: 'ssh-endpoint',
        targetId: `${endpoint.host}:${endpoint.port}`,
        details: { expected, presented: result.fingerprint },
      });
    } else if (expected === null && result.fingerprint) {
      if ((await this.deps.knownHosts.pinFirstUse(endpoint.host, endpoint.port, result.fingerprint)) === 'conflict') {
        return { ...result, outcome: 'refused', error: `host key ${result.fingerprint} lost a race with another first-use pin` };
      }
    }
    return result;
  }

  /** Runs the action of `point` now and takes the desktop out of service if it fails. */
  async runAt(point: ActionPoint, desktop: Desktop, ctx: { sessionId?: string | null; actor?: Actor | null } = {}): Promise<ActionRun | null> {
    const action = await this.actionFor(desktop.poolId, point);
    if (!action) return null;
    return this.run(action, desktop, ctx);
  }

  /** by the run's actor (an admin who ran it now), or by the broker itself */
  private async failDesktop(
    desktopId: string,
    point: ActionPoint,
    run: ActionRun,
    ctx: { sessionId?: string | null; actor?: Actor | null },
    transaction: Transaction,
  ): Promise<void> {
    const reason = `${point} action ${run.outcome}: ${run.error ?? ''}`.trim();
    await moveDesktop(this.deps, desktopId, FAILS_FROM[point], 'error', {
      reason,
      ...(ctx.sessionId ? { onlySession: ctx.sessionId } : {}),
      actor: ctx.actor ?? null,
      details: { runId: run.id },
      transaction,
    });
  }

  /* ---------- DesktopHooks: called by the session engine ---------- */

  async beforeAssign(desktopId: string, sessionId: string): Promise<void> {
    const key = `${desktopId}:${sessionId}`;
    const pending = this.#preparing.get(key);
    if (pending) return pending; // a reload while the action runs waits for the same run
    const work = this.prepare(desktopId, sessionId).finally(() => this.#preparing.delete(key));
    this.#preparing.set(key, work);
    return work;
  }

  private async prepare(desktopId: string, sessionId: string): Promise<void> {
    const desktop = await Desktop.findByPk(desktopId);
    if (!desktop) return;
    const action = await this.actionFor(desktop.poolId, 'before-assign');
    if (!action) return;
    if (await ActionRun.findOne({ where: { sessionId, desktopId, point: 'before-assign', outcome: 'ok' } })) return;
    const run = await this.run(action, desktop, { sessionId });
    if (run.outcome === 'ok') return;
    throw new AppError('DESKTOP_PREPARE_FAILED', { desktopId, runId: run.id, outcome: run.outcome });
  }

  async releaseState(desktopId: string): Promise<'free' | 'resetting'> {
    const desktop = await Desktop.findByPk(desktopId);
    if (!desktop) return 'free';
    const [pool, action] = await Promise.all([Pool.findByPk(desktop.poolId), this.actionFor(desktop.poolId, 'on-release')]);
    return pool?.kind === 'floating' && action ? 'resetting' : 'free';
  }

  onRelease(desktopId: string): void {
    this.background(this.reset(desktopId), 'on-release action failed to run');
  }

  /** The on-release action of a `resetting` desktop: back to free only when it succeeded. */
  async reset(desktopId: string, actor: Actor | null = null): Promise<ActionRun | null> {
    const desktop = await Desktop.findByPk(desktopId);
    if (!desktop || desktop.state !== 'resetting') return null;
    const run = await this.runAt('on-release', desktop, { actor });
    if (!run || run.outcome === 'ok') {
      await moveDesktop(this.deps, desktopId, ['resetting'], 'free', { reason: null, actor, details: run ? { runId: run.id } : {} });
    }
    return run;
  }

  /** Warm-up: powers a `starting` desktop on; it becomes free when its RDP port answers. */
  start(desktopId: string): void {
    this.background(
      (async () => {
        const desktop = await Desktop.findByPk(desktopId);
        if (desktop?.state === 'starting') await this.runAt('start', desktop);
      })(),
      'start action failed to run',
    );
  }

  /** The on-maintenance action, run when a desktop enters maintenance. */
  maintenance(desktopId: string, actor: Actor | null): void {
    this.background(
      (async () => {
        const desktop = await Desktop.findByPk(desktopId);
        if (desktop?.state === 'maintenance') await this.runAt('on-maintenance', desktop, { actor });
      })(),
      'on-maintenance action failed to run',
    );
  }

  private background(work: Promise<unknown>, message: string): void {
    const tracked = work.catch((err: unknown) => this.deps.logger.error({ err }, message)).finally(() => this.#background.delete(tracked));
    this.#background.add(tracked);
  }

  /** Waits for background runs (used on shutdown and by tests). */
  async settled(): Promise<void> {
    while (this.#background.size > 0) await Promise.all([...this.#background]);
  }
}
