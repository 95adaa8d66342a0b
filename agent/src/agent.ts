import type { AgentInfo, AgentLifecycle, RemoteAgentSettings } from '@yunzhuo/protocol/agent/index';
import { COMMAND_HANDLERS, runCommand } from './commands/index.js';
import type { CommandContext } from './commands/command-handler.js';
import type { AgentConfig } from './config/agent-config.js';
import { AgentConnection, type ConnectionState } from './connection/agent-connection.js';
import { backoffDelay } from './connection/backoff.js';
import { enroll as enrollOverHttp, EnrollRefused } from './identity/enroll-client.js';
import { detectHardwareId } from './identity/hardware-id.js';
import { IdentityStore, type AgentIdentity } from './identity/identity-store.js';
import type { Logger } from './log.js';
import type { OsAdapters } from './os/os-adapters.js';
import type { DeviceBridgeServer } from './devices/device-bridge.server.js';
import { startWindowDevices } from './devices/window-devices.js';
import { WindowScreenServer } from './screen/window-screen.server.js';
import { SettingsStore } from './settings-store.js';
import { AGENT_VERSION } from './version.js';
import { AGENT_PROTOCOL_MINOR_NICS, protocolMinor } from '@yunzhuo/protocol/agent/version';

/** Process exit codes (the systemd unit does not restart on 2 and 3). */
export const EXIT = { OK: 0, CONFIG: 2, IDENTITY_REFUSED: 3 } as const;

export interface AgentDeps {
  config: AgentConfig;
  os: OsAdapters;
  log: Logger;
  enroll?: typeof enrollOverHttp;
  hardwareId?: () => string | null;
}

const LIFECYCLE_OF: Record<ConnectionState, AgentLifecycle> = {
  connecting: 'connecting',
  ready: 'ready',
  reconnecting: 'reconnecting',
  'awaiting-approval': 'awaiting-approval',
  revoked: 'revoked',
  draining: 'draining',
  stopped: 'stopped',
};

/** The agent's run loop: identity (enroll once), one connection, commands through the handler map, drain on stop. */
export class Agent {
  lifecycle: AgentLifecycle = 'starting';
  #connection: AgentConnection | null = null;
  #stopping = false;
  #wakeEnroll: (() => void) | null = null;
  #devices: DeviceBridgeServer | null = null;
  /** the window page's screen channel: notices, lock, window binding (issue 17) */
  readonly #screen = new WindowScreenServer();
  readonly #identities: IdentityStore;
  readonly #settings: SettingsStore;

  constructor(private readonly deps: AgentDeps) {
    this.#identities = new IdentityStore(deps.config.stateDir);
    this.#settings = new SettingsStore(deps.config.stateDir);
    const level = this.#settings.current.remote.logLevel;
    if (level) deps.log.setLevel(level);
  }

  async run(): Promise<number> {
    const { log } = this.deps;
    let identity: AgentIdentity | null;
    try {
      identity = this.#identities.load() ?? (await this.#enroll());
    } catch (err) {
      if (err instanceof EnrollRefused || err instanceof NotEnrolled) {
        log.error('enrollment refused', { error: err.message });
        return EXIT.CONFIG;
      }
      throw err;
    }
    if (!identity) return EXIT.OK; // stopped while enrolling
    await this.#screen.listen();
    if (this.deps.config.devicesEnabled) this.#devices = await startWindowDevices(this.deps.config);
    log.info('agent starting', { terminalId: identity.terminalId, broker: this.deps.config.brokerUrl, version: AGENT_VERSION });
    const connection = this.#connect(identity);
    if (this.#stopping) await connection.stop();
    const final = await connection.done;
    await this.deps.os.kiosk.close().catch(() => undefined);
    await this.#devices?.close();
    await this.#screen.close();
    this.#setLifecycle('stopped');
    return final === 'revoked' ? EXIT.IDENTITY_REFUSED : EXIT.OK;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wakeEnroll?.();
    await this.#connection?.stop();
  }

  #connect(identity: AgentIdentity): AgentConnection {
    const { config, os, log } = this.deps;
    const remote = () => this.#settings.current.remote;
    const kioskEnabled = () => remote().kioskEnabled ?? config.kioskEnabled;
    const kioskUrl = () =>
      `${config.brokerUrl.replace(/\/+$/, '')}${remote().kioskPath ?? config.kioskPath}#credential=${encodeURIComponent(identity.credential)}&${this.#screen.fragment}${this.#devices ? `&${this.#devices.fragment}` : ''}`;
    const connection: AgentConnection = new AgentConnection({
      brokerUrl: config.brokerUrl,
      credential: identity.credential,
      heartbeatMs: remote().heartbeatMs ?? config.heartbeatMs,
      heartbeatJitter: config.heartbeatJitter,
      backoff: { initialMs: config.backoffInitialMs, maxMs: config.backoffMaxMs },
      logger: log,
      info: () => this.#info(identity),
      onCommand: (message) => runCommand(message, ctx, COMMAND_HANDLERS),
      onWelcome: (welcome) => {
        this.#brokerMinor = protocolMinor(welcome.protocolVersion);
        this.#settings.bindWindow(welcome.windowId);
        if (kioskEnabled() && os.kiosk.state() !== 'running')
          os.kiosk.open(kioskUrl()).catch((err: unknown) => log.error('kiosk did not open', { error: String(err) }));
      },
      onState: (state, detail) => {
        this.#setLifecycle(LIFECYCLE_OF[state]);
        if (state !== 'ready') log.info(`agent ${state}`, detail);
      },
    });
    const ctx: CommandContext = {
      os,
      log,
      kioskUrl,
      kioskEnabled,
      applySettings: (settings: RemoteAgentSettings) => {
        const effective = this.#settings.merge(settings);
        if (settings.heartbeatMs) connection.setHeartbeatMs(settings.heartbeatMs);
        if (settings.logLevel) log.setLevel(settings.logLevel);
        return effective;
      },
      bindWindow: (windowId) => this.#settings.bindWindow(windowId),
      screen: this.#screen,
    };
    this.#connection = connection;
    connection.start();
    return connection;
  }

  /** the broker's agent-protocol minor, from its welcome (0 until one arrives) */
  #brokerMinor = 0;

  async #info(identity: AgentIdentity): Promise<AgentInfo> {
    const facts = await this.deps.os.system.collect();
    const devices = this.#devices ? { devices: await this.#devices.health() } : {};
    // a broker older than protocol 1.1 refuses a heartbeat with `nics` (its schema is strict)
    const { nics, ...known } = facts;
    const cards = nics && this.#brokerMinor >= AGENT_PROTOCOL_MINOR_NICS ? { nics } : {};
    return { ...known, ...cards, agentVersion: AGENT_VERSION, kiosk: this.deps.os.kiosk.state(), hardwareId: identity.hardwareId, ...devices };
  }

  /**
   * `yunzhuo-agent enroll` (the package's postinst): one attempt, no connection. `already` when an
   * identity is stored; throws EnrollRefused / NotEnrolled when retrying cannot help, any other
   * error when the broker cannot be reached yet (the service retries then).
   */
  async enrollOnce(): Promise<'enrolled' | 'already'> {
    if (this.#identities.load()) return 'already';
    await this.#enrollAttempt(this.#joinToken());
    return 'enrolled';
  }

  /** Trades the join token for an identity; network trouble and 5xx are retried with backoff, a coded refusal is final. */
  async #enroll(): Promise<AgentIdentity | null> {
    const { config, log } = this.deps;
    const joinToken = this.#joinToken();
    this.#setLifecycle('enrolling');
    for (let attempt = 0; !this.#stopping; attempt++) {
      try {
        return await this.#enrollAttempt(joinToken);
      } catch (err) {
        if (err instanceof EnrollRefused && !isTransient(err)) throw err;
        const delayMs = backoffDelay(attempt, { initialMs: config.backoffInitialMs, maxMs: config.backoffMaxMs });
        log.warn('enrollment failed; retrying', { error: (err as Error).message, delayMs });
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delayMs);
          this.#wakeEnroll = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
    return null;
  }

  #joinToken(): string {
    const { joinToken } = this.deps.config;
    if (!joinToken)
      throw new NotEnrolled(
        `not enrolled yet and no join token given (--join-token / YUNZHUO_AGENT_JOIN_TOKEN / YUNZHUO_JOIN_TOKEN); identity file ${this.#identities.file}`,
      );
    return joinToken;
  }

  async #enrollAttempt(joinToken: string): Promise<AgentIdentity> {
    const { config, log } = this.deps;
    const hardwareId = config.hardwareId ?? (this.deps.hardwareId ?? detectHardwareId)() ?? `unknown:${config.name}`;
    const enrolled = await (this.deps.enroll ?? enrollOverHttp)(config.brokerUrl, { joinToken, hardwareId, name: config.name, agentVersion: AGENT_VERSION });
    const identity: AgentIdentity = {
      terminalId: enrolled.terminalId,
      siteId: enrolled.siteId,
      credential: enrolled.credential,
      brokerUrl: config.brokerUrl,
      hardwareId,
      enrolledAt: new Date().toISOString(),
    };
    this.#identities.save(identity);
    log.info('enrolled', { terminalId: identity.terminalId, siteId: identity.siteId, state: enrolled.state });
    return identity;
  }

  #setLifecycle(state: AgentLifecycle): void {
    this.lifecycle = state;
  }
}

/** no identity and no join token: only the administrator can help */
export class NotEnrolled extends Error {}

/** a refusal worth retrying: the broker is overloaded (5xx) or throttling (429) */
export function isTransient(err: EnrollRefused): boolean {
  return err.status >= 500 || err.status === 429;
}
