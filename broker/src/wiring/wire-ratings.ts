import type { AuditService } from '../audit/audit.service.js';
import type { Config } from '../config/config.schema.js';
import type { Router } from 'express';
import { newRouter } from '../http/async-router.js';
import type { OpenApiDocs } from '../http/openapi.js';
import type { ClusterBus } from '../lib/cluster-bus.js';
import type { Clock } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';
import type { Logger } from '../lib/logger.js';
import { HttpQueueAdapter } from '../queue/http-queue.adapter.js';
import { mountQueue } from '../queue/queue.routes.js';
import { QueueService } from '../queue/queue.service.js';
import { mountRatingPads } from '../rating-pads/rating-pad.routes.js';
import { RatingPadService } from '../rating-pads/rating-pads.service.js';
import { mountRatingExport } from '../ratings/export/rating-export.routes.js';
import { RatingExporter } from '../ratings/export/rating-export.service.js';
import { RatingOutboxSender } from '../ratings/rating-outbox.js';
import { mountRatingOutbox } from '../ratings/rating-outbox.routes.js';
import { mountRatings } from '../ratings/rating.routes.js';
import { RatingService } from '../ratings/rating.service.js';
import { RatingTagSets } from '../ratings/rating-tag-sets.js';
import { mountWorkOrders } from '../ratings/work-order.routes.js';
import { WorkOrderService } from '../ratings/work-orders.service.js';

export interface RatingsDeps {
  config: Config;
  audit: AuditService;
  events: LiveEvents;
  clock: Clock;
  logger: Logger;
  docs: OpenApiDocs;
  bus: ClusterBus;
  publicApi: Router;
  consoleApi: Router;
  /** signed-in console users and department reviewers (差评工单) */
  reviewerApi: Router;
}

/**
 * 好差评 and the queue (docs/RATINGS.md): ratings, tag sets, work orders, the queue system, rating pads,
 * the export, and the outbox to the province (built, not started: null when no outbox is configured).
 */
export function wireRatings({ config, audit, events, clock, logger, docs, bus, publicApi, consoleApi, reviewerApi }: RatingsDeps) {
  const ratingTagSets = new RatingTagSets({ audit, clock });
  const workOrders = new WorkOrderService({
    audit,
    clock,
    visitWorkingDays: config.ratingVisitWorkingDays,
    rectifyWorkingDays: config.ratingRectifyWorkingDays,
    timeZone: config.hallTimeZone,
  });
  const ratingService = new RatingService({ audit, events, clock, tagSets: ratingTagSets, workOrders });
  mountRatings(publicApi, consoleApi, ratingService, ratingTagSets, docs);
  const queueAdapter = config.queueUrl ? new HttpQueueAdapter({ baseUrl: config.queueUrl, token: config.queueToken }) : null;
  mountQueue(publicApi, consoleApi, new QueueService({ audit, clock, ratings: ratingService, adapter: queueAdapter }), docs);
  const ratingPads = new RatingPadService({ audit, clock, tagSets: ratingTagSets });
  ratingPads.shareWith(bus);
  mountRatingPads(publicApi, { pads: ratingPads, ratings: ratingService, docs });
  const workOrderApi = newRouter();
  const ratingExporter = new RatingExporter({ audit, clock, timeZone: config.hallTimeZone });
  mountRatingExport(consoleApi, ratingExporter, docs);
  mountWorkOrders(workOrderApi, { orders: workOrders, clock, docs, exporter: ratingExporter });
  reviewerApi.use('/rating-work-orders', workOrderApi);
  mountRatingOutbox(consoleApi, { audit, clock, docs });
  const ratingOutbox =
    config.ratingOutboxUrl && config.ratingOutboxSecret
      ? new RatingOutboxSender(
          clock,
          {
            url: config.ratingOutboxUrl,
            secret: config.ratingOutboxSecret,
            maxAttempts: config.ratingOutboxMaxAttempts,
            backoffMs: config.ratingOutboxBackoffSeconds * 1000,
            maxBackoffMs: 3600_000,
            pollMs: config.ratingOutboxPollSeconds * 1000,
            timeoutMs: 10_000,
          },
          logger,
        )
      : null;
  return { ratingOutbox };
}
