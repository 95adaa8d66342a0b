import type { RequestHandler } from 'express';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Op } from 'sequelize';
import { Desktop } from '../desktops/desktop.model.js';
import { DesktopSession } from '../sessions/session.model.js';
import { Terminal } from '../terminals/terminal.model.js';

/** Prometheus metrics; the gauges read the database when scraped, so they are never stale. */
export class BrokerMetrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'yunzhuo_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  /**
   * `clusterReceived`: the cluster bus's count of messages from other processes, by kind;
   * `presenceAliveElsewhere`: terminals gone quiet here that another process kept beating
   */
  constructor(opts: { clusterReceived?: () => ReadonlyMap<string, number>; presenceAliveElsewhere?: () => number } = {}) {
    collectDefaultMetrics({ register: this.registry, prefix: 'yunzhuo_' });
    const { clusterReceived, presenceAliveElsewhere } = opts;
    if (presenceAliveElsewhere) {
      new Gauge({
        name: 'yunzhuo_presence_alive_elsewhere',
        help: 'Terminals that went quiet in this process but were kept beating by another broker process (forgotten here, not marked offline) since start',
        registers: [this.registry],
        collect() {
          this.set(presenceAliveElsewhere());
        },
      });
    }
    if (clusterReceived) {
      new Gauge({
        name: 'yunzhuo_cluster_messages_received',
        help: 'Messages from other broker processes delivered over the cluster bus since start, by kind',
        labelNames: ['kind'],
        registers: [this.registry],
        collect() {
          for (const [kind, count] of clusterReceived()) this.set({ kind }, count);
        },
      });
    }
    new Gauge({
      name: 'yunzhuo_sessions',
      help: 'Sessions by state (ended sessions are not counted)',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const state of ['requested', 'connecting', 'active', 'disconnected']) this.set({ state }, 0);
        const rows = await DesktopSession.count({ where: { state: { [Op.ne]: 'ended' } }, group: ['state'] });
        for (const r of rows as Array<{ state: string; count: number }>) this.set({ state: r.state }, Number(r.count));
      },
    });
    new Gauge({
      name: 'yunzhuo_desktops',
      help: 'Desktops by state',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const rows = await Desktop.count({ group: ['state'] });
        for (const r of rows as Array<{ state: string; count: number }>) this.set({ state: r.state }, Number(r.count));
      },
    });
    new Gauge({
      name: 'yunzhuo_terminals_online',
      help: 'Terminals whose agent is connected',
      registers: [this.registry],
      async collect() {
        this.set(await Terminal.count({ where: { online: true } }));
      },
    });
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      const end = this.httpDuration.startTimer();
      res.on('finish', () => {
        const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
        end({ method: req.method, route, status: String(res.statusCode) });
      });
      next();
    };
  }
}
