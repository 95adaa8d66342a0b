import cookieParser from 'cookie-parser';
import express, { type Express, type RequestHandler, type Router } from 'express';
import type { TrustedProxies } from '../config/edge-settings.js';
import type { Logger } from '../lib/logger.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import type { BrokerMetrics } from './metrics.js';
import type { OpenApiDocs } from './openapi.js';
import { securityHeaders } from './security-headers.js';
import { mountStaticPages } from './static-pages.js';

export interface AppParts {
  logger: Logger;
  metrics: BrokerMetrics;
  docs: OpenApiDocs;
  trustProxy: TrustedProxies;
  /** routes that need no console session (login, window login, enrollment) */
  publicApi: Router;
  /** routes behind `requireConsoleUser` */
  consoleApi: Router;
  requireConsoleUser: RequestHandler;
  /** `/rating-work-orders`, `/auth/me`, `/auth/logout`: console users and department reviewers (who reach nothing else) */
  reviewerApi: Router;
  requireWorkOrderUser: RequestHandler;
  isReady(): boolean;
}

/** as express routes them: case-insensitive, a trailing slash allowed */
const REVIEWER_PATHS = /^\/(rating-work-orders(\/|$)|auth\/(me|logout)\/?$)/i;

export function createApp(parts: AppParts): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', parts.trustProxy);
  app.use(parts.metrics.middleware());
  app.use(securityHeaders());

  app.get('/healthz', (_req, res) => {
    if (parts.isReady()) res.json({ status: 'ok' });
    else res.status(503).json({ status: 'starting' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(parts.metrics.registry.contentType).send(await parts.metrics.registry.metrics());
  });
  app.get('/api/v1/openapi.json', (_req, res) => res.json(parts.docs.document()));

  const api = express.Router();
  api.use(express.json({ limit: '256kb', strict: true }));
  api.use(cookieParser());
  api.use(parts.publicApi);
  // only these paths admit a department reviewer; `reviewerApi` holds no other route
  api.use((req, res, next) => (REVIEWER_PATHS.test(req.path) ? parts.requireWorkOrderUser(req, res, next) : next()), parts.reviewerApi);
  api.use(parts.requireConsoleUser, parts.consoleApi);
  app.use('/api/v1', api);

  mountStaticPages(app);
  app.use(notFoundHandler);
  app.use(errorHandler(parts.logger));
  return app;
}
