import { createHash } from 'node:crypto';
import { Op, type Sequelize } from 'sequelize';
import type { z } from 'zod';
import { PLAN_MAX_BYTES, type planPlacementsBody, type planPlacementsOut } from '@yunzhuo/protocol/api/hall-plans';
import type { Actor } from '../auth/actor.js';
import { assertRowAccess } from '../auth/policy.js';
import { findVisible, scopeWhere } from '../auth/row-access.js';
import type { AuditService } from '../audit/audit.service.js';
import { afterCommit, writeTransaction } from '../db/write-transaction.js';
import { AppError } from '../lib/app-error.js';
import type { LiveEvents } from '../lib/live-events.js';
import { Site } from '../sites/site.model.js';
import { HallWindow } from '../windows/window.model.js';
import { HallPlan } from './hall-plan.model.js';
import { readPlanImage } from './plan-image.js';

const siteVisibility = { model: Site, type: 'site', siteOf: (s: Site) => s.id };
const planVisibility = { model: HallPlan, type: 'hall-plan', siteOf: (p: HallPlan) => p.siteId };
type Placements = z.output<typeof planPlacementsBody>['placements'];

/**
 * Floor plans of the hall (issue 17): an admin, or a site-admin for its own subtree, uploads the
 * plan of a site or of one hall area and drags windows onto it. Each write and its audit row
 * commit together; consoles hear `resource.changed` and redraw.
 */
export class HallPlanService {
  constructor(private readonly deps: { sequelize: Sequelize; audit: AuditService; events: LiveEvents }) {}

  list(actor: Actor, siteId: string | undefined): Promise<HallPlan[]> {
    return HallPlan.findAll({
      where: { ...scopeWhere(actor, 'siteId', false), ...(siteId ? { siteId } : {}) },
      order: [
        ['siteId', 'ASC'],
        ['areaName', 'ASC'],
      ],
    });
  }

  async image(actor: Actor, id: string): Promise<HallPlan> {
    const plan = await findVisible(planVisibility, actor, id, 'read');
    const withImage = await HallPlan.unscoped().findByPk(plan.id);
    if (!withImage) throw new AppError('NOT_FOUND', { resource: 'hall-plan', id });
    return withImage;
  }

  /** Stores (or replaces) the plan of `siteId` / `area`; the bytes decide the type, never the header. */
  async upload(actor: Actor, siteId: string, area: string, bytes: Buffer): Promise<HallPlan> {
    if (bytes.length > PLAN_MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', { maxBytes: PLAN_MAX_BYTES, bytes: bytes.length });
    const image = readPlanImage(bytes);
    if ('refused' in image) throw new AppError('PLAN_IMAGE_UNSUPPORTED', { reason: image.refused });
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return writeTransaction(this.deps.sequelize, async (transaction) => {
      const site = await findVisible(siteVisibility, actor, siteId, 'write', transaction);
      const existing = await HallPlan.findOne({ where: { siteId: site.id, areaName: area }, transaction });
      const before = existing ? summaryOf(existing) : null;
      const fields = { contentType: image.contentType, image: bytes, bytes: bytes.length, width: image.width, height: image.height, sha256 };
      const plan = existing
        ? await existing.update(fields, { transaction })
        : await HallPlan.create({ siteId: site.id, areaName: area, ...fields }, { transaction });
      await this.deps.audit.record(
        actor,
        {
          action: 'hall-plan.upload',
          targetType: 'hall-plan',
          targetId: plan.id,
          siteId: site.id,
          before,
          after: { area: area || null, ...summaryOf(plan) },
        },
        transaction,
      );
      afterCommit(transaction, () => this.#changed(plan, existing ? 'update' : 'create'));
      return plan;
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await writeTransaction(this.deps.sequelize, async (transaction) => {
      const plan = await findVisible(planVisibility, actor, id, 'write', transaction);
      await plan.destroy({ transaction });
      await this.deps.audit.record(
        actor,
        {
          action: 'hall-plan.delete',
          targetType: 'hall-plan',
          targetId: plan.id,
          siteId: plan.siteId,
          before: { area: plan.areaName || null, sha256: plan.sha256 },
        },
        transaction,
      );
      afterCommit(transaction, () => this.#changed(plan, 'delete'));
    });
  }

  /**
   * Moves windows on a plan. A window must be of the plan's site and, on an area's plan, of that
   * area; on the whole site's plan, of no area that has a plan of its own. One audit row lists
   * every window's place before and after.
   */
  async place(actor: Actor, planId: string, placements: Placements): Promise<z.output<typeof planPlacementsOut>> {
    return writeTransaction(this.deps.sequelize, async (transaction) => {
      const plan = await findVisible(planVisibility, actor, planId, 'write', transaction);
      const ids = [...new Set(placements.map((p) => p.windowId))];
      const windows = new Map((await HallWindow.findAll({ where: { id: { [Op.in]: ids } }, transaction, lock: true })).map((w) => [w.id, w]));
      const areaPlans = plan.areaName
        ? new Set<string>()
        : new Set(
            (await HallPlan.findAll({ where: { siteId: plan.siteId, areaName: { [Op.ne]: '' } }, attributes: ['areaName'], transaction })).map(
              (p) => p.areaName,
            ),
          );
      const moves: Array<{ window: HallWindow; from: [number | null, number | null]; to: [number | null, number | null] }> = [];
      for (const p of placements) {
        const window = windows.get(p.windowId);
        if (!window || window.siteId !== plan.siteId) throw new AppError('VALIDATION_FAILED', { windowId: p.windowId, reason: 'not-on-this-site' });
        assertRowAccess(actor, 'write', window.siteId, 'window');
        if (plan.areaName && window.area !== plan.areaName) throw new AppError('VALIDATION_FAILED', { windowId: p.windowId, reason: 'other-area' });
        if (!plan.areaName && window.area && areaPlans.has(window.area))
          throw new AppError('VALIDATION_FAILED', { windowId: p.windowId, reason: 'area-has-own-plan' });
        moves.push({ window, from: [window.planX ?? null, window.planY ?? null], to: [p.planX, p.planY] });
      }
      for (const m of moves) await m.window.update({ planX: m.to[0], planY: m.to[1] }, { transaction });
      await this.deps.audit.record(
        actor,
        {
          action: 'hall-plan.place',
          targetType: 'hall-plan',
          targetId: plan.id,
          siteId: plan.siteId,
          before: { windows: moves.map((m) => ({ code: m.window.code, planX: m.from[0], planY: m.from[1] })) },
          after: { windows: moves.map((m) => ({ code: m.window.code, planX: m.to[0], planY: m.to[1] })) },
          details: { area: plan.areaName || null, count: moves.length },
        },
        transaction,
      );
      afterCommit(transaction, () => {
        for (const m of moves)
          this.deps.events.publish('resource.changed', { resource: 'windows', id: m.window.id, action: 'update', siteId: m.window.siteId });
      });
      return {
        changed: moves.length,
        windows: moves.map((m) => ({ id: m.window.id, code: m.window.code, planX: m.to[0], planY: m.to[1] })),
      };
    });
  }

  #changed(plan: HallPlan, action: 'create' | 'update' | 'delete'): void {
    this.deps.events.publish('resource.changed', { resource: 'hall-plans', id: plan.id, action, siteId: plan.siteId });
  }
}

function summaryOf(p: HallPlan) {
  return { contentType: p.contentType, bytes: p.bytes, width: p.width, height: p.height, sha256: p.sha256 };
}

export function presentPlan(plan: HallPlan) {
  return {
    id: plan.id,
    siteId: plan.siteId,
    area: plan.areaName || null,
    contentType: plan.contentType,
    bytes: plan.bytes,
    width: plan.width,
    height: plan.height,
    sha256: plan.sha256,
    imageUrl: `/api/v1/hall-plans/${plan.id}/image?v=${plan.sha256.slice(0, 12)}`,
    createdAt: plan.createdAt.toISOString(),
    updatedAt: plan.updatedAt.toISOString(),
  };
}
