import { Agent, EXIT, isTransient, NotEnrolled } from './agent.js';
import { AgentConfigError, loadAgentConfig, USAGE } from './config/agent-config.js';
import { EnrollRefused } from './identity/enroll-client.js';
import { createLogger, type Logger } from './log.js';
import { selectOs } from './os/select-os.js';

/** exit code of `yunzhuo-agent enroll` when the broker cannot be reached yet (EX_TEMPFAIL) */
const EXIT_TRY_LATER = 75;

/**
 * `yunzhuo-agent`: configuration problems are all printed at once and exit 2; SIGTERM drains and exits 0.
 * `yunzhuo-agent enroll`: one enrollment attempt and exit (0 enrolled or already, 2 refused, 75 try later).
 */
async function main(): Promise<number> {
  const enrollOnly = process.argv[2] === 'enroll';
  const argv = process.argv.slice(enrollOnly ? 3 : 2);
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
  if (enrollOnly) return enrollOnce(agent, log);
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

async function enrollOnce(agent: Agent, log: Logger): Promise<number> {
  try {
    const outcome = await agent.enrollOnce();
    if (outcome === 'already') log.info('already enrolled');
    return EXIT.OK;
  } catch (err) {
    if (err instanceof NotEnrolled || (err instanceof EnrollRefused && !isTransient(err))) {
      log.error('enrollment refused', { error: err.message });
      return EXIT.CONFIG;
    }
    log.warn('broker not reachable yet; the service will retry', { error: (err as Error).message });
    return EXIT_TRY_LATER;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('yunzhuo-agent failed:', err);
    process.exit(1);
  },
);
