import { Agent } from './agent.js';
import { AgentConfigError, loadAgentConfig, USAGE } from './config/agent-config.js';
import { createLogger } from './log.js';
import { selectOs } from './os/select-os.js';

/** `yunzhuo-agent`: configuration problems are all printed at once and exit 2; SIGTERM drains and exits 0. */
async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let config;
  try {
    config = loadAgentConfig(argv, process.env);
  } catch (err) {
    if (!(err instanceof AgentConfigError)) throw err;
    console.error(`${err.message}\n\n${USAGE}`);
    return 2;
  }
  const log = createLogger(config.logLevel);
  const agent = new Agent({ config, os: selectOs(config, log), log });
  let signalled = false;
  const stop = (signal: string) => {
    if (signalled) return;
    signalled = true;
    log.info(`${signal}: draining`);
    void agent.stop();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return agent.run();
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('yunzhuo-agent failed:', err);
    process.exit(1);
  },
);
