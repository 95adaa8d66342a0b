import type { Router } from 'express';
import { z } from 'zod';
import { sessionOut } from '@yunzhuo/protocol/api/resources';
import { assertCanWriteAnything } from '../auth/policy.js';
import { actorOf } from '../http/async-router.js';
import { findVisible } from '../auth/row-access.js';
import type { OpenApiDocs } from '../http/openapi.js';
import type { SessionLifecycle } from './session-lifecycle.service.js';
import { sessionVisibility } from './session-list.routes.js';
import { presentSession } from './session.presenter.js';

const params = z.object({ id: z.string().uuid() });

/** Admins end or disconnect any session in their scope. */
export function mountSessionAdmin(router: Router, lifecycle: SessionLifecycle, docs: OpenApiDocs): void {
  docs.route('post', '/api/v1/sessions/{id}/disconnect', {
    summary: 'Force a disconnect (desktop kept for the grace period)',
    tag: 'sessions',
    params,
    response: sessionOut,
  });
  docs.route('post', '/api/v1/sessions/{id}/end', { summary: 'Force a logoff (desktop released)', tag: 'sessions', params, response: sessionOut });
  router.post('/sessions/:id/disconnect', async (req, res) => {
    const actor = actorOf(req);
    assertCanWriteAnything(actor);
    const session = await findVisible(sessionVisibility, actor, String(req.params.id), 'write');
    res.json(presentSession(await lifecycle.disconnectByAdmin(session.id, actor)));
  });
  router.post('/sessions/:id/end', async (req, res) => {
    const actor = actorOf(req);
    assertCanWriteAnything(actor);
    const session = await findVisible(sessionVisibility, actor, String(req.params.id), 'write');
    res.json(presentSession(await lifecycle.endByAdmin(session.id, actor)));
  });
}
