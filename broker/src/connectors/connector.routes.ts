import type { Router } from 'express';
import { z } from 'zod';
import { connectorEnrollRequest, connectorEnrollResponse, connectorListOut, connectorOut, connectorQuery } from '@yunzhuo/protocol/connector/index';
import { scopeWhere } from '../auth/row-access.js';
import { actorOf, clientAddress } from '../http/async-router.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { parseInput } from '../http/validate.js';
import type { ConnectorDirectory } from './connector-directory.js';
import type { ConnectorEnrollment } from './connector-enrollment.service.js';
import type { ConnectorHub } from './connector-hub.js';
import { Connector } from './connector.model.js';
import { presentConnector } from './connector.presenter.js';

const params = z.object({ id: z.string().uuid() }).strict();

export interface ConnectorRouteDeps {
  enrollment: ConnectorEnrollment;
  hub: ConnectorHub;
  directory: ConnectorDirectory;
  docs: OpenApiDocs;
}

/** Enrollment (public: the join token authorises it), the console's list with health, revocation. */
export function mountConnectorRoutes(publicApi: Router, consoleApi: Router, deps: ConnectorRouteDeps): void {
  const { docs } = deps;
  docs.route('post', '/api/v1/connector/enroll', {
    summary: "A town connector trades a site's join token for its identity",
    tag: 'connectors',
    body: connectorEnrollRequest,
    response: connectorEnrollResponse,
    status: 201,
  });
  docs.route('get', '/api/v1/connectors', {
    summary: 'Town connectors with their health',
    tag: 'connectors',
    query: connectorQuery,
    response: connectorListOut,
  });
  docs.route('post', '/api/v1/connectors/{id}/revoke', {
    summary: "Revoke a connector's credential; every broker cuts it at once",
    tag: 'connectors',
    params,
    response: connectorOut,
  });

  publicApi.post('/connector/enroll', async (req, res) => {
    const body = parseInput(connectorEnrollRequest, req.body);
    res.status(201).json(await deps.enrollment.enroll(body, clientAddress(req)));
  });

  consoleApi.get('/connectors', async (req, res) => {
    const q = parseInput(connectorQuery, req.query, 'query');
    const where = { ...scopeWhere(actorOf(req), 'siteId', false), ...(q.siteId ? { siteId: q.siteId } : {}) };
    const rows = await Connector.findAll({ where, order: [['name', 'ASC']], limit: 500 });
    const desktops = new Map<string, number>();
    for (const siteId of new Set(rows.map((r) => r.siteId))) desktops.set(siteId, (await deps.directory.targetsOf(siteId)).length);
    res.json({ items: rows.map((r) => presentConnector(r, { links: deps.hub.get(r.id) ? 1 : 0, desktops: desktops.get(r.siteId) ?? 0 })) });
  });

  consoleApi.post('/connectors/:id/revoke', async (req, res) => {
    const { id } = parseInput(params, req.params, 'params');
    res.json(presentConnector(await deps.enrollment.revoke(actorOf(req), id)));
  });
}
