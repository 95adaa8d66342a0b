import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sequelize } from 'sequelize';
import { mountAccountLockouts } from './accounts/account-lockouts.routes.js';
import { accountResource } from './accounts/account.resource.js';
import { createAgentFleet } from './agents/agent-fleet.js';
import { createConnectorFleet, type ConnectorFleet } from './connectors/connector-fleet.js';
import { throughConnectors } from './connectors/connector-probe.js';
import { tcpProber } from './lifecycle/health/probes.js';
import { CONNECTOR_SOCKET_PATH } from '@yunzhuo/protocol/connector/version';
import { AGENT_SOCKET_PATH } from '@yunzhuo/protocol/agent/version';
import { mountAudit } from './audit/audit.routes.js';
import { AuditService } from './audit/audit.service.js';
import { requireConsoleUser, requireSignedIn } from './auth/auth.middleware.js';
import { isWorkOrderUser } from './auth/policy.js';
import { mountAuth } from './auth/auth.routes.js';
import { OidcSignIn } from './identity/oidc-signin.js';
import { OidcQrSignIn } from './identity/oidc-qr.js';
import { mountOidc } from './identity/oidc.routes.js';
import { ensureAdminAccount } from './bootstrap-admin.js';
import type { Config } from './config/config.schema.js';
import { dialectOf, openDatabase } from './db/database.js';
import { migrateUp } from './db/migrator.js';
import { initModels } from './db/models.js';
import { departmentResource } from './departments/department.resource.js';
import { desktopResource } from './desktops/desktop.resource.js';
import { gatewayResource } from './gateways/gateway.resource.js';
import { createApp } from './http/app.js';
import { newRouter } from './http/async-router.js';
import { mountCrud, type CrudDeps } from './http/crud.js';
import { BrokerMetrics } from './http/metrics.js';
import { OpenApiDocs } from './http/openapi.js';
import { mountIdentitySources } from './identity/identity-source.routes.js';
import { loginRuleResource } from './identity/login-rule.resource.js';
import { mountImports } from './imports/import.routes.js';
import { ImportService } from './imports/import.service.js';
import { systemClock, type Clock } from './lib/clock.js';
import { LiveEvents } from './lib/live-events.js';
import { liveEvent } from '@yunzhuo/protocol/api/live-events';
import { mountLifecycleActions } from './lifecycle/actions/lifecycle-actions.routes.js';
import { poolActionResource } from './lifecycle/actions/pool-action.resource.js';
import { DesktopLifecycle } from './lifecycle/desktop-lifecycle.js';
import { mountLifecycleSettings } from './lifecycle/lifecycle-settings.routes.js';
import { sshHostResource } from './lifecycle/ssh/ssh-host.resource.js';
import { createLogger, type Logger } from './lib/logger.js';
import { loadOrCreateSecretKey, SecretBox } from './lib/secret-box.js';
import { poolResource } from './pools/pool.resource.js';
import { mountPaper } from './paper/paper.routes.js';
import { PrintAuditService } from './paper/print-audit.service.js';
import { WindowDrives } from './paper/window-drives.js';
import { RatingOutboxSender } from './ratings/rating-outbox.js';
import { AlertEngine } from './alerts/alert-engine.js';
import { AlertWebhookSender } from './alerts/alert-webhooks.js';
import { mountSessionList } from './sessions/session-list.routes.js';
import { mountSessionAdmin } from './sessions/session-admin.routes.js';
import { mountSessionRecording } from './sessions/session-recording.routes.js';
import { SessionEngine } from './sessions/session-engine.service.js';
import { SessionLifecycle } from './sessions/session-lifecycle.service.js';
import { SessionTransitions } from './sessions/session-transitions.js';
import { TunnelTokens } from './sessions/tunnel-tokens.js';
import { mountWindowLogin } from './sessions/window-login.routes.js';
import { noLiveTunnels, type LiveTunnels } from './sessions/live-tunnels.js';
import { clusterTunnels } from './sessions/cluster-tunnels.js';
import { LoginRows } from './sessions/login-rows.js';
import { localOnlyBus, PgClusterBus } from './lib/cluster-bus.js';
import { createLiveEventsSocket } from './http/live-events.socket.js';
import { siteResource } from './sites/site.resource.js';
import { SiteTree } from './sites/site-tree.js';
import { terminalResource } from './terminals/terminal.resource.js';
import { routeUpgrades, type UpgradeHandler } from './wiring/wire-upgrades.js';
import { wireAlerts } from './wiring/wire-alerts.js';
import { wireIdentity } from './wiring/wire-identity.js';
import { wireRatings } from './wiring/wire-ratings.js';
import { createTunnelServer } from './tunnel/tunnel.server.js';
import { windowResource } from './windows/window.resource.js';
import { mountHallPlans } from './hall-plans/hall-plans.routes.js';
import { HallPlanService } from './hall-plans/hall-plans.service.js';
import { parseWakeBroadcast } from './power/terminal-waker.js';
import { powerScheduleResource } from './power/power-schedule.resource.js';
import { PowerScheduler } from './power/power-scheduler.js';
import { sendMagicPacket } from './lib/wake-on-lan.js';

export interface BrokerOptions {
  config: Config;
  clock?: Clock;
  logger?: Logger;
}

export interface RunningBroker {
  url: string;
  port: number;
  server: Server;
  sequelize: Sequelize;
  events: LiveEvents;
  engine: SessionEngine;
  lifecycle: SessionLifecycle;
  /** health probes, SSH actions, warm-up, reconciler */
  desktopLifecycle: DesktopLifecycle;
  /** town connectors (docs/TOWNS.md) */
  connectors: ConnectorFleet;
  /** the outbox to the province; null when YUNZHUO_RATING_OUTBOX_URL is unset */
  ratingOutbox: RatingOutboxSender | null;
  /** night power-off and wake-on-LAN schedules (issue 17) */
  powerScheduler: PowerScheduler;
  /** alerts (docs/ALERTS.md): conditions read on the clock, webhook messages with retries */
  alerts: { engine: AlertEngine; webhooks: AlertWebhookSender };
  generatedAdminPassword?: string;
  close(): Promise<void>;
}

/** The composition root: every service is built here and handed its dependencies. */
export async function startBroker(opts: BrokerOptions): Promise<RunningBroker> {
  const { config } = opts;
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger(config.logLevel);
  let ready = false;

  const sequelize = openDatabase(config.databaseUrl);
  await migrateUp(sequelize);
  initModels(sequelize);

  const secrets = new SecretBox(loadOrCreateSecretKey(config.dataDir, config.secretKey));
  const events = new LiveEvents();
  const audit = new AuditService(clock);
  const siteTree = new SiteTree();
  const { throttle, directorySync, authenticator, totp, loginRules, auth } = wireIdentity({
    config,
    sequelize,
    secrets,
    audit,
    events,
    clock,
    logger,
    siteTree,
  });
  const admin = await ensureAdminAccount(audit, config.adminPassword);

  let liveTunnels: LiveTunnels = noLiveTunnels;
  const transitions = new SessionTransitions(audit, events, clock);
  const tokens = new TunnelTokens(clock, config.tunnelTokenTtlSeconds);
  const desktopLifecycle = new DesktopLifecycle({
    sequelize,
    secrets,
    audit,
    events,
    clock,
    logger,
    periodSeconds: config.reconcileIntervalSeconds,
    // town desktops are probed through their connector (the fleet is built below, before any probe runs)
    prober: throughConnectors(tcpProber(), () => connectors.hub),
  });
  const lifecycle = new SessionLifecycle({
    sequelize,
    transitions,
    tokens,
    secrets,
    audit,
    events,
    clock,
    recordingDir: config.recordingDir,
    windowDriveDir: config.windowDriveDir,
    tunnels: () => liveTunnels,
    hooks: desktopLifecycle.actions,
  });
  // scans must not stay on the guacd host: each session's drive goes when it ends (and on start, those that ended meanwhile)
  const windowDrives = new WindowDrives(config.windowDriveDir, logger);
  windowDrives.watch(events);
  await windowDrives.sweep();
  const loginRows = new LoginRows(events, clock);
  const engine = new SessionEngine({
    sequelize,
    authenticator,
    transitions,
    tokens,
    audit,
    events,
    clock,
    tunnels: () => liveTunnels,
    rows: loginRows,
    rules: loginRules,
  });
  const docs = new OpenApiDocs();
  // town desktops (docs/TOWNS.md): guacd is sent to a listener that carries RDP through the town's connector
  const connectors = createConnectorFleet({
    sequelize,
    audit,
    events,
    clock,
    logger,
    docs,
    instanceId: desktopLifecycle.instances.id,
    advertisedUrl: config.connectorUrl,
    listenHost: config.connectorListenHost,
    tunnels: () => liveTunnels,
  });
  const tunnelServer = createTunnelServer({ broker: connectors.route(desktopLifecycle.tunnelBroker(lifecycle)), logger, clock, parkDesktops: true });
  // several brokers share PostgreSQL: takeovers, logoffs and live events reach every process
  const bus = dialectOf(sequelize) === 'postgres' ? await PgClusterBus.open(config.databaseUrl, desktopLifecycle.instances.id, logger, clock) : localOnlyBus;
  throttle.shareWith(bus);
  connectors.shareWith(bus);
  const cluster = clusterTunnels(tunnelServer, bus, logger, clock);
  liveTunnels = cluster;
  events.relayTo((event) => bus.publish('event', event));
  bus.subscribe('event', (payload) => {
    const event = liveEvent.safeParse(payload);
    if (event.success) events.deliver(event.data);
  });

  const publicApi = newRouter();
  const consoleApi = newRouter();
  const crudDeps: CrudDeps = { audit, events, docs };
  const reviewerApi = newRouter();
  mountAuth(publicApi, reviewerApi, consoleApi, auth, docs, config.cookieSecure, totp);
  mountCrud(consoleApi, siteResource, crudDeps);
  mountCrud(consoleApi, departmentResource, crudDeps);
  mountCrud(consoleApi, windowResource, crudDeps);
  mountCrud(consoleApi, terminalResource, crudDeps);
  mountHallPlans(consoleApi, new HallPlanService({ sequelize, audit, events }), docs);
  mountAccountLockouts(consoleApi, { throttle, audit, docs });
  mountCrud(consoleApi, accountResource, crudDeps);
  mountCrud(consoleApi, gatewayResource, crudDeps);
  mountCrud(consoleApi, poolResource, crudDeps);
  mountCrud(consoleApi, desktopResource(secrets), crudDeps);
  const oidc = new OidcSignIn({ sequelize, secrets, audit, clock });
  const oidcQr = new OidcQrSignIn({ oidc, clock });
  mountOidc(publicApi, consoleApi, {
    ...crudDeps,
    secrets,
    oidc,
    qr: oidcQr,
    auth,
    secureCookies: config.cookieSecure,
    logger,
  });
  mountIdentitySources(consoleApi, { ...crudDeps, secrets, sync: directorySync });
  mountCrud(consoleApi, loginRuleResource, crudDeps);
  mountSessionList(consoleApi, docs);
  mountSessionAdmin(consoleApi, lifecycle, docs);
  desktopLifecycle.attach(lifecycle);
  mountCrud(consoleApi, sshHostResource(secrets, desktopLifecycle.knownHosts), crudDeps);
  mountCrud(consoleApi, poolActionResource, crudDeps);
  mountLifecycleSettings(consoleApi, { audit, knownHosts: desktopLifecycle.knownHosts, clock, docs });
  mountLifecycleActions(consoleApi, { actions: desktopLifecycle.actions, resets: desktopLifecycle.resets, docs });
  mountSessionRecording(consoleApi, { audit, docs, recordingDir: config.recordingDir });
  mountWindowLogin(publicApi, engine, lifecycle, loginRows, docs, oidc, oidcQr);
  const { ratingOutbox } = wireRatings({ config, audit, events, clock, logger, docs, bus, publicApi, consoleApi, reviewerApi });
  mountPaper(publicApi, new PrintAuditService(audit), docs);
  mountAudit(consoleApi, docs);
  const alerts = wireAlerts({ config, sequelize, audit, events, clock, logger, docs, consoleApi });
  mountImports(consoleApi, { imports: new ImportService({ audit, events }), docs });
  const wake = config.wakeBroadcast ? { ...parseWakeBroadcast(config.wakeBroadcast), send: sendMagicPacket } : null;
  const agents = createAgentFleet({ sequelize, audit, events, clock, logger, docs, bus, wake });
  desktopLifecycle.terminalTrackedHere = (id) => agents.presence.get(id) !== undefined;
  await agents.start();
  agents.mount(publicApi, consoleApi);
  mountCrud(consoleApi, powerScheduleResource(clock, config.hallTimeZone), crudDeps);
  const powerScheduler = new PowerScheduler({
    bulk: agents.bulk,
    audit,
    events,
    clock,
    timeZone: config.hallTimeZone,
    checkMs: config.powerScheduleCheckSeconds * 1000,
    logger,
  });
  connectors.mount(publicApi, consoleApi);
  const metrics = new BrokerMetrics({
    presenceAliveElsewhere: () => agents.presence.aliveElsewhere,
    ...(bus instanceof PgClusterBus ? { clusterReceived: () => bus.received } : {}),
  });

  const app = createApp({
    logger,
    metrics,
    docs,
    trustProxy: config.trustProxy,
    publicApi,
    consoleApi,
    requireConsoleUser: requireConsoleUser(auth),
    reviewerApi,
    requireWorkOrderUser: requireSignedIn(auth, isWorkOrderUser),
    isReady: () => ready,
  });
  const upgrades = new Map<string, UpgradeHandler>();
  const liveSocket = createLiveEventsSocket({ auth, events, logger, pingMs: config.liveFeedPingSeconds * 1000, clock });
  upgrades.set('/api/v1/events', (req, socket, head) => void liveSocket.handleUpgrade(req, socket, head));
  upgrades.set(AGENT_SOCKET_PATH, agents.handleUpgrade);
  upgrades.set('/tunnel', tunnelServer.handleUpgrade);
  upgrades.set(CONNECTOR_SOCKET_PATH, connectors.handleUpgrade);
  // the reconciler runs the session sweep (grace, idle) with every other repair
  await desktopLifecycle.start();
  directorySync.start();
  const server = createServer(app);
  routeUpgrades(server, upgrades, config.allowedOrigins, logger);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // a whole hall connects at 8:30: a deep accept queue instead of resets
    server.listen({ port: config.port, host: config.host, backlog: 4096 }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await connectors.advertise(port);
  ratingOutbox?.start();
  powerScheduler.start();
  alerts.engine.start();
  alerts.webhooks.start();
  ready = true;
  logger.info({ host: config.host, port, database: sequelize.getDialect() }, 'broker ready');

  return {
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    port,
    server,
    sequelize,
    events,
    engine,
    lifecycle,
    desktopLifecycle,
    connectors,
    ratingOutbox,
    powerScheduler,
    alerts,
    ...(admin.generatedPassword ? { generatedAdminPassword: admin.generatedPassword } : {}),
    async close() {
      ready = false;
      liveSocket.close();
      directorySync.close();
      windowDrives.close();
      cluster.close();
      await tunnelServer.close();
      await desktopLifecycle.close();
      await ratingOutbox?.close();
      await powerScheduler.close();
      await alerts.engine.close();
      await alerts.webhooks.close();
      await agents.close();
      await connectors.close();
      await bus.close(); // last: the others hear what this process did while stopping
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sequelize.close();
    },
  };
}
