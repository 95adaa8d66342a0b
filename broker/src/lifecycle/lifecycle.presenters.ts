import type { z } from 'zod';
import type { actionRunOut, calendarDayOut, knownHostOut, poolActionOut, poolLifecycleOut, sshHostOut } from '@yunzhuo/protocol/api/lifecycle';
import { iso } from '../http/refs.js';
import type { CalendarDay } from './warmup/calendar-day.model.js';
import type { ActionRun, PoolAction } from './actions/pool-action.model.js';
import { LIFECYCLE_DEFAULTS, type PoolLifecycle } from './pool-lifecycle.model.js';
import { SshKnownHost, type SshHost } from './ssh/ssh-host.model.js';

/** Never the key: only whether there is one, and the pinned host key of the endpoint. */
export async function presentSshHost(h: SshHost): Promise<z.output<typeof sshHostOut>> {
  const pin = await SshKnownHost.findOne({ where: { host: h.host, port: h.port } });
  return {
    id: h.id,
    name: h.name,
    siteId: h.siteId,
    host: h.host,
    port: h.port,
    username: h.username,
    hasPrivateKey: h.privateKeyEnc.length > 0,
    hostKeyFingerprint: pin?.fingerprint ?? null,
    createdAt: iso(h.createdAt)!,
    updatedAt: iso(h.updatedAt)!,
  };
}

export function presentKnownHost(k: SshKnownHost): z.output<typeof knownHostOut> {
  return { id: k.id, host: k.host, port: k.port, fingerprint: k.fingerprint, source: k.source, pinnedAt: iso(k.pinnedAt)! };
}

export function presentPoolAction(a: PoolAction): z.output<typeof poolActionOut> {
  return {
    id: a.id,
    poolId: a.poolId,
    siteId: a.siteId,
    point: a.point,
    sshHostId: a.sshHostId,
    runOn: a.runOn,
    command: a.command,
    timeoutSeconds: a.timeoutSeconds,
    enabled: a.enabled,
    createdAt: iso(a.createdAt)!,
    updatedAt: iso(a.updatedAt)!,
  };
}

export function presentActionRun(r: ActionRun): z.output<typeof actionRunOut> {
  return {
    id: r.id,
    actionId: r.actionId,
    poolId: r.poolId,
    desktopId: r.desktopId,
    sessionId: r.sessionId,
    siteId: r.siteId,
    point: r.point,
    host: r.host,
    port: r.port,
    command: r.command,
    outcome: r.outcome,
    exitCode: r.exitCode,
    signal: r.signal,
    stdout: r.stdout,
    stderr: r.stderr,
    error: r.error,
    durationMs: r.durationMs,
    startedAt: iso(r.startedAt)!,
    finishedAt: iso(r.finishedAt)!,
  };
}

export function presentPoolLifecycle(poolId: string, row: PoolLifecycle | null): z.output<typeof poolLifecycleOut> {
  const s = row ?? LIFECYCLE_DEFAULTS;
  return {
    poolId,
    probeDesktops: s.probeDesktops,
    resetTimeoutSeconds: s.resetTimeoutSeconds,
    startTimeoutSeconds: s.startTimeoutSeconds,
    warmup: s.warmup ? { ...s.warmup } : null,
    updatedAt: row ? iso(row.updatedAt) : null,
  };
}

export function presentCalendarDay(d: CalendarDay): z.output<typeof calendarDayOut> {
  return { date: d.date, kind: d.kind, label: d.label };
}
