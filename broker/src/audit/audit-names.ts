import { Op, type Model, type ModelStatic, type WhereOptions } from 'sequelize';
import { AUDIT_ACTION_WORDS, AUDIT_TYPE_WORDS, auditActionsNamed } from '@yunzhuo/protocol/api/audit-words';
import { Account } from '../accounts/account.model.js';
import { Department } from '../departments/department.model.js';
import { Desktop } from '../desktops/desktop.model.js';
import { Gateway } from '../gateways/gateway.model.js';
import { Pool } from '../pools/pool.model.js';
import { Site } from '../sites/site.model.js';
import { Terminal } from '../terminals/terminal.model.js';
import { HallWindow } from '../windows/window.model.js';
import { HallPlan } from '../hall-plans/hall-plan.model.js';
import { PowerSchedule } from '../power/power-schedule.model.js';
import type { AuditEvent } from './audit-event.model.js';

/** how an agent actor is written (`agents/agent-actor.ts`) */
const TERMINAL_ACTOR = /^terminal:([0-9a-f-]{36})$/;
/** rows a search word may name, per kind (enough for a person's search, bounded for the query) */
const MATCH_LIMIT = 200;

type Named = { id: string; label: string };
interface Kind {
  type: string;
  model: ModelStatic<Model>;
  columns: string[];
  label(row: Model): string;
}

const text = (row: Model, key: string): string => String(row.get(key) ?? '');
const KINDS: Kind[] = [
  { type: 'account', model: Account, columns: ['username', 'displayName'], label: (r) => `${text(r, 'displayName')}（${text(r, 'username')}）` },
  { type: 'window', model: HallWindow, columns: ['code', 'label'], label: (r) => text(r, 'code') },
  { type: 'terminal', model: Terminal, columns: ['name', 'hardwareId'], label: (r) => text(r, 'name') },
  { type: 'site', model: Site, columns: ['name', 'code'], label: (r) => text(r, 'name') },
  { type: 'department', model: Department, columns: ['name', 'code'], label: (r) => text(r, 'name') },
  { type: 'pool', model: Pool, columns: ['name'], label: (r) => text(r, 'name') },
  { type: 'desktop', model: Desktop, columns: ['name'], label: (r) => text(r, 'name') },
  { type: 'gateway', model: Gateway, columns: ['name'], label: (r) => text(r, 'name') },
  { type: 'hall-plan', model: HallPlan, columns: ['areaName'], label: (r) => `平面图（${text(r, 'areaName') || '全场'}）` },
  {
    type: 'power-schedule',
    model: PowerSchedule,
    columns: ['area'],
    label: (r) => `定时关机 ${text(r, 'powerOffAt') || '—'} / 唤醒 ${text(r, 'wakeAt') || '—'}（${text(r, 'area') || '全场'}）`,
  },
];

async function labels(kind: Kind, ids: Set<string>): Promise<Map<string, Named>> {
  if (ids.size === 0) return new Map();
  const rows = await kind.model.findAll({ where: { id: [...ids] } });
  return new Map(rows.map((r) => [String(r.get('id')), { id: String(r.get('id')), label: kind.label(r) }]));
}

export interface AuditNames {
  /** who did it: a person's name and login, a terminal's name and window, null for the broker itself */
  actor(e: AuditEvent): string | null;
  /** what it was done to, by name (a session: the clerk and the window) */
  target(e: AuditEvent): string | null;
}

/** Names every person and row a page of events mentions, with one query per kind of row. */
export async function nameAuditEvents(events: AuditEvent[]): Promise<AuditNames> {
  const wanted = new Map<string, Set<string>>(KINDS.map((k) => [k.type, new Set<string>()]));
  const want = (type: string, id: unknown) => {
    if (typeof id === 'string' && id) wanted.get(type)?.add(id);
  };
  for (const e of events) {
    want('terminal', TERMINAL_ACTOR.exec(e.actorName ?? '')?.[1]);
    if (e.targetType) want(e.targetType, e.targetId);
    want('account', e.details?.accountId);
    want('window', e.details?.windowId);
  }
  const terminals = await labels(KINDS[2]!, wanted.get('terminal')!);
  const terminalRows = await Terminal.findAll({ where: { id: [...terminals.keys()] }, attributes: ['id', 'windowId'] });
  for (const t of terminalRows) want('window', t.windowId);
  const found = new Map(await Promise.all(KINDS.map(async (k) => [k.type, k.type === 'terminal' ? terminals : await labels(k, wanted.get(k.type)!)] as const)));
  const nameOf = (type: string, id: unknown) => (typeof id === 'string' ? found.get(type)?.get(id)?.label : undefined);
  const windowOfTerminal = new Map(terminalRows.map((t) => [t.id, t.windowId]));
  const terminalName = (id: string) => {
    const window = nameOf('window', windowOfTerminal.get(id));
    return `${nameOf('terminal', id) ?? '云终端'}${window ? `（窗口 ${window}）` : ''}`;
  };
  return {
    actor(e) {
      const terminalId = TERMINAL_ACTOR.exec(e.actorName ?? '')?.[1];
      if (terminalId) return terminalName(terminalId);
      if (e.actorId && nameOf('account', e.actorId)) return nameOf('account', e.actorId) ?? null;
      return e.actorName;
    },
    target(e) {
      if (e.targetType === 'session') {
        const who = nameOf('account', e.details?.accountId);
        const window = nameOf('window', e.details?.windowId);
        const where = window ? `窗口 ${window}` : undefined;
        return [who, where].filter(Boolean).join(' @ ') || null;
      }
      if (e.targetType === 'terminal' && e.targetId) return terminalName(e.targetId);
      return (e.targetType ? nameOf(e.targetType, e.targetId) : undefined) ?? null;
    },
  };
}

/** every action code the log can hold, for a search by Chinese words */
const KNOWN_ACTIONS = [
  ...Object.keys(AUDIT_ACTION_WORDS),
  ...Object.keys(AUDIT_TYPE_WORDS).flatMap((type) => ['create', 'update', 'delete'].map((verb) => `${type}.${verb}`)),
  ...['free', 'assigned', 'maintenance', 'error', 'resetting', 'starting'].map((state) => `desktop.${state}`),
];

/**
 * The audit search box: an event matches when the words are in its action's Chinese name or
 * code, its actor (login, name, terminal or window), its target's name, or its address.
 */
export async function auditSearch(words: string): Promise<WhereOptions> {
  const like = { [Op.like]: `%${words}%` };
  const matched = new Map(
    await Promise.all(
      KINDS.map(async (k) => {
        const rows = await k.model.findAll({ where: { [Op.or]: k.columns.map((c) => ({ [c]: like })) }, attributes: ['id'], limit: MATCH_LIMIT });
        return [k.type, rows.map((r) => String(r.get('id')))] as const;
      }),
    ),
  );
  const windowIds = matched.get('window') ?? [];
  const atWindows = windowIds.length ? await Terminal.findAll({ where: { windowId: windowIds }, attributes: ['id'], limit: MATCH_LIMIT }) : [];
  const terminalIds = [...(matched.get('terminal') ?? []), ...atWindows.map((t) => t.id)];
  const targetIds = [...matched.values()].flat().concat(terminalIds);
  const actions = auditActionsNamed(words, KNOWN_ACTIONS);
  return {
    [Op.or]: [
      { action: like },
      { actorName: like },
      { address: like },
      ...(actions.length ? [{ action: actions }] : []),
      ...(matched.get('account')?.length ? [{ actorId: matched.get('account') }] : []),
      ...(terminalIds.length ? [{ actorName: terminalIds.map((id) => `terminal:${id}`) }] : []),
      ...(targetIds.length ? [{ targetId: targetIds }] : []),
    ],
  };
}
