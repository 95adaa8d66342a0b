import express, { type Router } from 'express';
import { z } from 'zod';
import { PLAN_MAX_BYTES, planListOut, planListQuery, planOut, planPlacementsBody, planPlacementsOut, planUploadQuery } from '@yunzhuo/protocol/api/hall-plans';
import { actorOf } from '../http/async-router.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { parseInput } from '../http/validate.js';
import { presentPlan, type HallPlanService } from './hall-plans.service.js';

const params = z.object({ id: z.string().uuid() }).strict();

/** Floor plans of the hall: upload (raw PNG/JPEG body), read the image, place windows, delete. */
export function mountHallPlans(consoleApi: Router, plans: HallPlanService, docs: OpenApiDocs): void {
  docs.route('get', '/api/v1/hall-plans', {
    summary: 'The floor plans of the sites the caller sees',
    tag: 'hall-plans',
    query: planListQuery,
    response: planListOut,
  });
  docs.route('put', '/api/v1/hall-plans/image', {
    summary: `Upload the floor plan of a site or of one hall area (body: the PNG or JPEG bytes, at most ${PLAN_MAX_BYTES} bytes; SVG is refused)`,
    tag: 'hall-plans',
    query: planUploadQuery,
    imageBody: true,
    response: planOut,
  });
  docs.route('get', '/api/v1/hall-plans/{id}/image', { summary: "The plan's image bytes", tag: 'hall-plans', params, imageResponse: true });
  docs.route('put', '/api/v1/hall-plans/{id}/placements', {
    summary: 'Place windows on the plan (fractions of the image), or take them off it (null)',
    tag: 'hall-plans',
    params,
    body: planPlacementsBody,
    response: planPlacementsOut,
  });
  docs.route('delete', '/api/v1/hall-plans/{id}', { summary: 'Delete a floor plan (the windows keep their places)', tag: 'hall-plans', params, status: 204 });

  consoleApi.get('/hall-plans', async (req, res) => {
    const query = parseInput(planListQuery, req.query, 'query');
    res.json({ items: (await plans.list(actorOf(req), query.siteId)).map(presentPlan) });
  });

  const raw = express.raw({ type: () => true, limit: PLAN_MAX_BYTES });
  consoleApi.put('/hall-plans/image', raw, async (req, res) => {
    const query = parseInput(planUploadQuery, req.query, 'query');
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    res.json(presentPlan(await plans.upload(actorOf(req), query.siteId, query.area ?? '', body)));
  });

  consoleApi.get('/hall-plans/:id/image', async (req, res) => {
    const { id } = parseInput(params, req.params, 'params');
    const plan = await plans.image(actorOf(req), id);
    // the bytes were sniffed at upload; nosniff keeps a browser from reading them as anything else
    res.set({
      'content-type': plan.contentType,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
      'cache-control': 'private, max-age=86400',
      etag: `"${plan.sha256}"`,
    });
    if (req.headers['if-none-match'] === `"${plan.sha256}"`) return void res.status(304).end();
    res.send(plan.image);
  });

  consoleApi.put('/hall-plans/:id/placements', async (req, res) => {
    const { id } = parseInput(params, req.params, 'params');
    const body = parseInput(planPlacementsBody, req.body);
    res.json(await plans.place(actorOf(req), id, body.placements));
  });

  consoleApi.delete('/hall-plans/:id', async (req, res) => {
    const { id } = parseInput(params, req.params, 'params');
    await plans.remove(actorOf(req), id);
    res.status(204).end();
  });
}
