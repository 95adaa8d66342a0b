import { createLogger } from '../log.js';
import { loadConnectorConfig } from './connector-config.js';
import { TownConnector } from './town-connector.js';

/** `yunzhuo-connector` entry: exit 2 on bad settings, 3 when the county refused it for good. */
const loaded = loadConnectorConfig(process.env);
if (!loaded.ok) {
  for (const problem of loaded.problems) process.stderr.write(`yunzhuo-connector: ${problem}\n`);
  process.exit(2);
}
const logger = createLogger(loaded.config.logLevel);
const connector = new TownConnector(loaded.config, logger);
connector.onRefused = (code) => {
  logger.error('stopping: the county refused this connector', { code });
  process.exit(3);
};
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    connector.stop();
    setTimeout(() => process.exit(0), 200).unref();
  });
}
try {
  await connector.start();
} catch (err) {
  logger.error('cannot start', { error: (err as Error).message });
  process.exit(1);
}
