import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '../../helpers/eventually.js';
import type { TownNetns } from '../../helpers/town-netns.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CONNECTOR_MAIN = path.join(ROOT, 'agent/src/connector/connector-main.ts');
export const TOWN_TARGETS = path.join(ROOT, 'test/agent/connector/town-target.child.ts');

export const until = (check: () => unknown, timeoutMs = 30_000) =>
  eventually(
    async () => {
      await check();
      return true;
    },
    { timeoutMs, intervalMs: 100 },
  );

/** A connector process inside the town's namespace, its log (stderr, JSON lines) kept. */
export class ConnectorProcess {
  log = '';
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    child.stderr!.on('data', (d: Buffer) => (this.log += d.toString()));
    child.stdout!.on('data', (d: Buffer) => (this.log += d.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(town: TownNetns, env: Record<string, string>): ConnectorProcess {
    return new ConnectorProcess(
      town.spawnNode(CONNECTOR_MAIN, [], {
        YUNZHUO_CONNECTOR_LOG_LEVEL: 'info',
        YUNZHUO_CONNECTOR_PING_MS: '1000',
        YUNZHUO_CONNECTOR_STATS_MS: '500',
        YUNZHUO_CONNECTOR_BACKOFF_INITIAL_MS: '200',
        YUNZHUO_CONNECTOR_BACKOFF_MAX_MS: '1000',
        ...env,
      }),
    );
  }

  lines(): Array<Record<string, unknown>> {
    return this.log
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  /** resident memory of the connector process, MB */
  rssMb(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** Starts the stand-in desktops inside the namespace; resolves with their ports. */
export async function startTownTargets(town: TownNetns, host = town.desktopIp): Promise<{ echo: number; stall: number }> {
  const child = town.spawnNode(TOWN_TARGETS, [host]);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  return eventually(() => (out.includes('\n') ? (JSON.parse(out.split('\n')[0]!) as { echo: number; stall: number }) : null), { timeoutMs: 30_000 });
}
