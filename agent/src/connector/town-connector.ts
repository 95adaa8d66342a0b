import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CONNECTOR_ENROLL_PATH, CONNECTOR_PROTOCOL_VERSION, connectorEnrollResponse, type BrokerToConnector } from '@yunzhuo/protocol/connector/index';
import type { Logger } from '../log.js';
import { Allowlist } from './allowlist.js';
import { BrokerLink } from './broker-link.js';
import type { ConnectorConfig } from './connector-config.js';

const CREDENTIAL_FILE = 'connector.json';

/**
 * `yunzhuo-connector`: enrolls once with the site's join token (the credential is kept in
 * stateDir, mode 0600), then holds an outbound link to EVERY broker process the county has (the
 * list comes in each broker's welcome), so whichever broker a clerk's tunnel lands on can reach
 * the town's desktops. No inbound port at the town.
 */
export class TownConnector {
  readonly #links = new Map<string, BrokerLink>();
  readonly #allowlist: Allowlist;
  #credential = '';
  #stopped = false;
  onRefused: (code: string) => void = () => undefined;

  constructor(
    private readonly config: ConnectorConfig,
    private readonly logger: Logger,
  ) {
    this.#allowlist = new Allowlist(config.allow);
  }

  get links(): ReadonlyMap<string, BrokerLink> {
    return this.#links;
  }

  async start(): Promise<void> {
    this.#credential = await this.#loadOrEnroll();
    this.#link(this.config.brokerUrl);
  }

  stop(): void {
    this.#stopped = true;
    for (const link of this.#links.values()) link.stop();
  }

  #link(url: string): void {
    if (this.#links.has(url) || this.#stopped) return;
    const link = new BrokerLink({
      brokerUrl: url,
      credential: this.#credential,
      allowlist: this.#allowlist,
      logger: this.logger,
      backoff: { initialMs: this.config.backoffInitialMs, maxMs: this.config.backoffMaxMs },
      pingMs: this.config.pingMs,
      statsMs: this.config.statsMs,
      dialTimeoutMs: this.config.dialTimeoutMs,
      maxStreams: this.config.maxStreams,
      windowBytes: this.config.windowBytes,
      onControl: (message) => this.#onControl(message),
      // refused by every broker (revoked: each process cuts it): nothing left to hold
      onRefused: (code) => {
        if ([...this.#links.values()].every((l) => l.state === 'refused')) {
          this.stop();
          this.onRefused(code);
        }
      },
    });
    this.#links.set(url, link);
    link.start();
  }

  #onControl(message: BrokerToConnector): void {
    this.#allowlist.setBrokerTargets(message.targets);
    if (message.type !== 'welcome') return;
    // discovery: a link to every broker listed; one no longer listed (stopped, or dead by its heartbeat) is dropped
    const listed = new Set([...message.brokers, this.config.brokerUrl]);
    for (const url of listed) this.#link(url);
    for (const [url, link] of this.#links) {
      if (!listed.has(url)) {
        this.logger.info('broker left the list', { url });
        link.stop();
        this.#links.delete(url);
      }
    }
  }

  async #loadOrEnroll(): Promise<string> {
    const file = path.join(this.config.stateDir, CREDENTIAL_FILE);
    try {
      const saved = connectorEnrollResponse.parse(JSON.parse(await readFile(file, 'utf8')));
      return saved.credential;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file} is unreadable: ${(err as Error).message}`);
    }
    if (!this.config.joinToken) throw new Error(`no credential in ${file}: set YUNZHUO_CONNECTOR_JOIN_TOKEN for the first start`);
    const res = await fetch(new URL(CONNECTOR_ENROLL_PATH, this.config.brokerUrl.replace(/^ws/, 'http')), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ joinToken: this.config.joinToken, name: this.config.name, connectorVersion: CONNECTOR_PROTOCOL_VERSION }),
    });
    const body: unknown = await res.json().catch(() => null);
    if (res.status !== 201) throw new Error(`enrollment refused (HTTP ${res.status}): ${JSON.stringify(body)}`);
    const enrolled = connectorEnrollResponse.parse(body);
    await mkdir(this.config.stateDir, { recursive: true, mode: 0o700 });
    await writeFile(file, JSON.stringify(enrolled), { mode: 0o600 });
    this.logger.info('enrolled', { connectorId: enrolled.connectorId, siteId: enrolled.siteId });
    return enrolled.credential;
  }
}
