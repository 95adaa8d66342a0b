import type { Router } from 'express';
import { z } from 'zod';
import { accountLockoutList, accountOut } from '@yunzhuo/protocol/api/resources';
import type { AuditService } from '../audit/audit.service.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import { assertAccountManageable, canAccess, COUNTY_ACCOUNT } from '../auth/policy.js';
import { actorOf } from '../http/async-router.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { parseInput } from '../http/validate.js';
import { AppError } from '../lib/app-error.js';
import { Account } from './account.model.js';
import { presentAccount } from './account.presenter.js';

const params = z.object({ id: z.string().uuid() });

/**
 * Accounts held after too many failed sign-ins (issue 17): the console shows them as 已锁定 with
 * the time left, and an admin who may manage the account lets it in again (audited).
 */
export function mountAccountLockouts(router: Router, deps: { throttle: LoginThrottle; audit: AuditService; docs: OpenApiDocs }): void {
  const { throttle, audit, docs } = deps;
  docs.route('get', '/api/v1/account-lockouts', { summary: 'Accounts held after too many failed sign-ins', tag: 'accounts', response: accountLockoutList });
  docs.route('post', '/api/v1/accounts/{id}/unlock', {
    summary: 'Let a held account sign in again from everywhere',
    tag: 'accounts',
    params,
    response: accountOut,
  });

  router.get('/account-lockouts', async (req, res) => {
    const actor = actorOf(req);
    const held = await throttle.lockouts();
    const accounts = held.size ? await Account.findAll({ where: { usernameKey: [...held.keys()] } }) : [];
    const items = accounts
      .filter((a) => canAccess(actor, 'read', a.homeSiteId ?? COUNTY_ACCOUNT))
      .map((a) => ({ accountId: a.id, username: a.username, retryAfterSeconds: held.get(a.usernameKey) ?? 0 }));
    res.json({ items });
  });

  router.post('/accounts/:id/unlock', async (req, res) => {
    const actor = actorOf(req);
    const { id } = parseInput(params, req.params, 'params');
    const account = await Account.findByPk(id);
    if (!account) throw new AppError('NOT_FOUND', { resource: 'account', id });
    assertAccountManageable(actor, account);
    const before = (await throttle.lockouts()).get(account.usernameKey) ?? null;
    await throttle.unlock(account.username);
    await audit.record(actor, {
      action: 'account.unlock',
      targetType: 'account',
      targetId: account.id,
      siteId: account.homeSiteId,
      details: { retryAfterSeconds: before },
    });
    res.json(await presentAccount(account));
  });
}
