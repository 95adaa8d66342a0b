import type { Request, Router } from 'express';
import { Op, type WhereOptions } from 'sequelize';
import { pageOf } from '@yunzhuo/protocol/api/common';
import { z } from 'zod';
import {
  ratingInvitationBody,
  ratingInvitationOut,
  ratingOut,
  ratingQuery,
  ratingSubmitBody,
  ratingSummaryOut,
  ratingSummaryQuery,
  ratingTagSetBody,
  ratingTagSetOut,
} from '@yunzhuo/protocol/api/ratings';
import type { Actor } from '../auth/actor.js';
import { assertCanWriteTo } from '../auth/policy.js';
import { actorOf } from '../http/async-router.js';
import { scopeWhere } from '../auth/row-access.js';
import { dateRange, equalityFilters } from '../http/list-query.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { iso } from '../http/refs.js';
import { parseInput } from '../http/validate.js';
import { terminalCredentialOf, verifyTerminalCredential } from '../terminals/terminal-auth.js';
import { Rating } from './rating.model.js';
import { presentRating } from './rating.presenter.js';
import type { RatingService } from './rating.service.js';
import { summarizeRatings } from './rating-summary.js';
import { presentTagSet, type RatingTagSets } from './rating-tag-sets.js';

/** Site scope plus the report filters every ratings read shares. */
function visibleRatings(
  actor: Actor,
  q: { siteId?: string; windowId?: string; accountId?: string; departmentId?: string; itemCode?: string; from?: string; to?: string },
): WhereOptions[] {
  return [
    scopeWhere(actor, 'siteId', false),
    equalityFilters(q, ['siteId', 'windowId', 'accountId', 'departmentId', 'itemCode']),
    dateRange('createdAt', q.from, q.to),
  ];
}

/** 好差评: the window page invites and submits (terminal credential); the console reads. */
export function mountRatings(publicApi: Router, consoleApi: Router, ratings: RatingService, tagSets: RatingTagSets, docs: OpenApiDocs): void {
  const terminalOf = (req: Request) => verifyTerminalCredential(terminalCredentialOf(req));
  docs.route('post', '/api/v1/terminal/rating-invitations', {
    summary: 'Invite the citizen to rate the service of a session held here',
    tag: 'ratings',
    body: ratingInvitationBody,
    response: ratingInvitationOut,
    status: 201,
  });
  docs.route('post', '/api/v1/terminal/ratings', {
    summary: 'Submit the rating of an invitation (once)',
    tag: 'ratings',
    body: ratingSubmitBody,
    response: ratingOut,
    status: 201,
  });
  docs.route('get', '/api/v1/ratings', { summary: 'List ratings', tag: 'ratings', query: ratingQuery, response: pageOf(ratingOut) });
  docs.route('get', '/api/v1/ratings/summary', {
    summary: '满意率 and 差评率 per window, clerk, department, site or service item',
    tag: 'ratings',
    query: ratingSummaryQuery,
    response: ratingSummaryOut,
  });
  docs.route('get', '/api/v1/rating-tag-sets', {
    summary: "Every version of the county's rating tag set, newest first",
    tag: 'ratings',
    response: z.object({ items: z.array(ratingTagSetOut) }),
  });
  docs.route('post', '/api/v1/rating-tag-sets', {
    summary: 'Publish a new version of the rating tag set (county admin)',
    tag: 'ratings',
    body: ratingTagSetBody,
    response: ratingTagSetOut,
    status: 201,
  });

  publicApi.post('/terminal/rating-invitations', async (req, res) => {
    const terminal = await terminalOf(req);
    const body = parseInput(ratingInvitationBody, req.body);
    const { invitation, tagSet } = await ratings.invite(terminal, body);
    res.status(201).json({
      id: invitation.id,
      expiresAt: iso(invitation.expiresAt)!,
      caseNumber: invitation.caseNumber,
      itemCode: invitation.itemCode,
      tagSet: { version: tagSet.version, tags: tagSet.tags },
    });
  });

  publicApi.post('/terminal/ratings', async (req, res) => {
    const terminal = await terminalOf(req);
    const body = parseInput(ratingSubmitBody, req.body);
    res.status(201).json(presentRating(await ratings.submit(terminal, body)));
  });

  consoleApi.get('/ratings/summary', async (req, res) => {
    const q = parseInput(ratingSummaryQuery, req.query, 'query');
    // a 差评 set aside on 申诉复核 stays listed (marked) but is out of every figure
    res.json(await summarizeRatings([...visibleRatings(actorOf(req), q), { excluded: false }], q.groupBy));
  });

  consoleApi.get('/ratings', async (req, res) => {
    const q = parseInput(ratingQuery, req.query, 'query');
    const where = visibleRatings(actorOf(req), q);
    if (q.level) where.push({ level: q.level });
    if (q.bad !== undefined) where.push({ level: q.bad ? { [Op.lte]: 2 } : { [Op.gte]: 3 } });
    if (q.caseNumber) where.push({ caseNumber: q.caseNumber });
    const { rows, count } = await Rating.findAndCountAll({
      where: { [Op.and]: where },
      order: [
        [q.sort, q.order.toUpperCase()],
        ['id', 'ASC'],
      ],
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
    });
    res.json({ items: rows.map(presentRating), total: count, page: q.page, pageSize: q.pageSize });
  });

  consoleApi.get('/rating-tag-sets', async (_req, res) => {
    res.json({ items: (await tagSets.list()).map(presentTagSet) });
  });

  consoleApi.post('/rating-tag-sets', async (req, res) => {
    const actor = actorOf(req);
    // a county-wide setting: refused before the body is read, whatever it holds
    assertCanWriteTo(actor, null, 'rating-tag-set');
    const body = parseInput(ratingTagSetBody, req.body);
    res.status(201).json(presentTagSet(await tagSets.publish(actor, body.tags)));
  });
}
