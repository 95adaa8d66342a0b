// Runs DelayProxy instances in a process of their own, so the test's own work (Chromium, the
// page's evaluations) does not add to the delay it measures. argv[2]: JSON
// `{ settings, routes: [{ listen: {host, port}, target: {host, port} }] }`. Prints `ready` once all listen.
import { DelayProxy, type DelaySettings } from './delay-proxy.js';

interface Route {
  listen: { host: string; port: number };
  target: { host: string; port: number };
}

const { settings, routes } = JSON.parse(process.argv[2] ?? '{}') as { settings: DelaySettings; routes: Route[] };
await Promise.all(routes.map((r) => DelayProxy.start(r.listen, r.target, settings)));
process.stdout.write('ready\n');
