import type { z } from 'zod';
import { terminalCreate, terminalOut, terminalQuery, terminalUpdate } from '@yunzhuo/protocol/api/resources';
import { deviceHealthSchema } from '@yunzhuo/protocol/devices/index';
import type { ResourceDef } from '../http/crud.js';
import { iso } from '../http/refs.js';
import { invalidField, requireRef, requireWritableSite } from '../auth/references.js';
import { randomToken, sha256 } from '../lib/tokens.js';
import { storedInfo } from '../agents/presence.service.js';
import { HallWindow } from '../windows/window.model.js';
import { Terminal } from './terminal.model.js';

type Create = z.output<typeof terminalCreate>;
type Update = z.output<typeof terminalUpdate>;

export function presentTerminal(t: Terminal): z.output<typeof terminalOut> {
  return {
    id: t.id,
    siteId: t.siteId,
    windowId: t.windowId,
    name: t.name,
    hardwareId: t.hardwareId,
    state: t.state,
    online: t.online,
    lastSeenAt: iso(t.lastSeenAt),
    agentVersion: t.agentVersion,
    address: t.address,
    devices: devicesOf(t.info),
    createdAt: iso(t.createdAt)!,
    updatedAt: iso(t.updatedAt)!,
  };
}

/** The window devices of the agent's last stored info; null when it reports none (or something else). */
function devicesOf(info: unknown): z.output<typeof terminalOut>['devices'] {
  const devices = deviceHealthSchema.array().max(8).safeParse(storedInfo(info)?.devices);
  return devices.success ? devices.data : null;
}

/** A terminal credential is `<terminal id>.<secret>`; only its hash is stored. */
export function issueTerminalCredential(terminal: Terminal): string {
  const secret = randomToken();
  terminal.secretHash = sha256(secret);
  return `${terminal.id}.${secret}`;
}

const freshCredentials = new WeakMap<Terminal, string>();

export const terminalResource: ResourceDef<Terminal, Create, Update> = {
  path: 'terminals',
  type: 'terminal',
  model: Terminal,
  schemas: { create: terminalCreate, update: terminalUpdate, query: terminalQuery, out: terminalOut },
  scopeColumn: 'siteId',
  siteOf: (t) => t.siteId,
  async targetSite(actor, input, existing, t) {
    const siteId = 'siteId' in input && input.siteId ? input.siteId : existing!.siteId;
    if ('siteId' in input && input.siteId) await requireWritableSite(actor, input.siteId, 'siteId', 'terminal', t);
    if (input.windowId) {
      const win = await requireRef(actor, HallWindow, input.windowId, 'windowId', (w) => w.siteId, t);
      if (win.siteId !== siteId) throw invalidField('windowId', 'the window belongs to another site');
    }
    return siteId;
  },
  filters: (q) => ({
    ...(q.siteId ? { siteId: q.siteId } : {}),
    ...(q.windowId ? { windowId: q.windowId } : {}),
    ...(q.state ? { state: q.state } : {}),
    ...(q.online ? { online: q.online === 'true' } : {}),
  }),
  searchColumns: ['name', 'hardwareId'],
  present: presentTerminal,
  async create(_actor, input, transaction) {
    const terminal = Terminal.build({ ...input, lastSeenAt: null, agentVersion: null, address: null, secretHash: null, info: null });
    freshCredentials.set(terminal, issueTerminalCredential(terminal));
    return terminal.save({ transaction });
  },
  update: (_actor, row, input, transaction) => row.update(input, { transaction }),
  createExtras: (row) => {
    const credential = freshCredentials.get(row);
    return credential ? { credential } : undefined;
  },
};
