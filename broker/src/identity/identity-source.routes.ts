import type { Router } from 'express';
import { z } from 'zod';
import { identitySourceSyncOut, identitySourceTestOut } from '@yunzhuo/protocol/api/identity';
import { assertCanWriteAnything } from '../auth/policy.js';
import { findVisible } from '../auth/row-access.js';
import { actorOf } from '../http/async-router.js';
import type { CrudDeps } from '../http/crud.js';
import { mountCrud } from '../http/crud.js';
import type { SecretBox } from '../lib/secret-box.js';
import type { DirectorySync } from './directory-sync.js';
import { identitySourceResource } from './identity-source.resource.js';

const params = z.object({ id: z.string().uuid() });

/** `/identity-sources` (CRUD), a connection test and a sync on demand. */
export function mountIdentitySources(router: Router, deps: CrudDeps & { secrets: SecretBox; sync: DirectorySync }): void {
  const resource = identitySourceResource(deps.secrets);
  mountCrud(router, resource, deps);
  deps.docs.route('post', '/api/v1/identity-sources/{id}/sync', {
    summary: 'Sync now: disable the accounts that left the directory',
    tag: 'identity-sources',
    params,
    response: identitySourceSyncOut,
  });
  deps.docs.route('post', '/api/v1/identity-sources/{id}/test', {
    summary: 'Test connection: each server connected and bound as the service account',
    tag: 'identity-sources',
    params,
    response: identitySourceTestOut,
  });
  router.post('/identity-sources/:id/test', async (req, res) => {
    const actor = actorOf(req);
    assertCanWriteAnything(actor);
    const source = await findVisible(resource, actor, String(req.params.id), 'write');
    res.json(await deps.sync.probeSource(source));
  });
  router.post('/identity-sources/:id/sync', async (req, res) => {
    const actor = actorOf(req);
    assertCanWriteAnything(actor);
    const source = await findVisible(resource, actor, String(req.params.id), 'write');
    res.json(await deps.sync.syncSource(source, actor));
  });
}
