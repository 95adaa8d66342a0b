import type { Router } from 'express';
import { z } from 'zod';
import { pageOf } from '@yunzhuo/protocol/api/common';
import { joinTokenCreate, joinTokenCreatedOut, joinTokenOut, joinTokenQuery } from '@yunzhuo/protocol/agent/enrollment';
import { actorOf } from '../http/async-router.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { parseInput } from '../http/validate.js';
import type { Clock } from '../lib/clock.js';
import { presentJoinToken } from './join-token.presenter.js';
import type { JoinTokenService } from './join-token.service.js';

const params = z.object({ id: z.string().uuid() }).strict();

/** `/api/v1/join-tokens`: list, create (the token is in the response once), revoke. */
export function mountJoinTokens(router: Router, service: JoinTokenService, clock: Clock, docs: OpenApiDocs): void {
  docs.route('get', '/api/v1/join-tokens', {
    summary: 'List join tokens (a site-admin sees its own subtree)',
    tag: 'join-tokens',
    query: joinTokenQuery,
    response: pageOf(joinTokenOut),
  });
  docs.route('post', '/api/v1/join-tokens', {
    summary: 'Create a join token for enrolling terminals (shown once)',
    tag: 'join-tokens',
    body: joinTokenCreate,
    response: joinTokenCreatedOut,
    status: 201,
  });
  docs.route('post', '/api/v1/join-tokens/{id}/revoke', { summary: 'Revoke a join token', tag: 'join-tokens', params, response: joinTokenOut });

  router.get('/join-tokens', async (req, res) => {
    const q = parseInput(joinTokenQuery, req.query, 'query');
    const { rows, count } = await service.list(actorOf(req), q);
    const now = clock.now();
    res.json({ items: rows.map((r) => presentJoinToken(r, now)), total: count, page: q.page, pageSize: q.pageSize });
  });

  router.post('/join-tokens', async (req, res) => {
    const actor = actorOf(req);
    const input = parseInput(joinTokenCreate, req.body);
    const { row, token } = await service.create(actor, input);
    res.status(201).json({ ...presentJoinToken(row, clock.now()), token });
  });

  router.post('/join-tokens/:id/revoke', async (req, res) => {
    const { id } = parseInput(params, req.params, 'params');
    res.json(presentJoinToken(await service.revoke(actorOf(req), id), clock.now()));
  });
}
