import { Op } from 'sequelize';
import { Account } from '../accounts/account.model.js';
import type { Actor } from '../auth/actor.js';
import { scopeWhere } from '../auth/row-access.js';
import { iso } from '../http/refs.js';
import { HallWindow } from '../windows/window.model.js';
import { QueuePause } from './queue-pause.model.js';
import { QueueTicket } from './queue-ticket.model.js';

/** The counters serving a number or paused now, in the actor's sites, by window code. */
export async function listQueueWindows(actor: Actor, siteId?: string) {
  const where = { [Op.and]: [{ openKey: { [Op.ne]: null } }, scopeWhere(actor, 'siteId', false), ...(siteId ? [{ siteId }] : [])] };
  const [tickets, pauses] = await Promise.all([QueueTicket.findAll({ where }), QueuePause.findAll({ where })]);
  const windowIds = [...new Set([...tickets, ...pauses].map((r) => r.windowId))];
  const accountIds = [...new Set([...tickets, ...pauses].map((r) => r.accountId))];
  const [windows, accounts] = await Promise.all([
    HallWindow.findAll({ where: { id: windowIds }, attributes: ['id', 'code', 'siteId'] }),
    Account.findAll({ where: { id: accountIds }, attributes: ['id', 'username', 'displayName'] }),
  ]);
  const clerkOf = (accountId: string | undefined) => {
    const account = accounts.find((a) => a.id === accountId);
    return account ? account.displayName || account.username : null;
  };
  return windows
    .map((w) => {
      const ticket = tickets.find((t) => t.windowId === w.id);
      const pause = pauses.find((p) => p.windowId === w.id);
      return {
        windowId: w.id,
        windowCode: w.code,
        siteId: w.siteId,
        serving: ticket?.number ?? null,
        pausedAt: pause ? iso(pause.pausedAt) : null,
        clerk: clerkOf(pause?.accountId ?? ticket?.accountId),
      };
    })
    .sort((a, b) => a.windowCode.localeCompare(b.windowCode));
}
