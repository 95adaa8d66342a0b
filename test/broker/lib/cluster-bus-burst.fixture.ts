// Run as its own process by cluster-bus.test.ts (a deprecation warning is printed once per process):
// a PgClusterBus publishes three NOTIFY-sized messages in one event-loop turn and closes.
import { PgClusterBus } from '../../../broker/src/lib/cluster-bus.js';
import { createLogger } from '../../../broker/src/lib/logger.js';

const url = process.argv[2]!;
const bus = await PgClusterBus.open(url, 'burst-fixture', createLogger('silent'));
const nearlyFull = 'x'.repeat(5000); // one message per NOTIFY: three queries at once on one connection
for (let i = 0; i < 3; i++) bus.publish('burst', { i, nearlyFull });
await new Promise((resolve) => setImmediate(resolve));
await bus.close();
console.log('published');
