import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * A town network in its own network namespace, joined to the county (the default namespace)
 * by a veth pair: county side `10.<a>.<b>.1/30`, the connector's uplink `10.<a>.<b>.2/30`. The
 * town's desktops live on `192.168.<b>.0/24` (on the namespace's loopback), which the county
 * has no route to: only the connector, running inside, reaches them. Names are unique per run
 * (interface names at most 15 characters); `destroy` kills what it started and removes it all.
 */
export class TownNetns {
  readonly name: string;
  readonly hostIf: string;
  readonly townIf: string;
  readonly countyIp: string;
  readonly uplinkIp: string;
  /** the town desktops' network address, e.g. 192.168.37.10 */
  readonly desktopIp: string;
  readonly #children = new Set<ChildProcess>();

  private constructor(id: string, a: number, b: number) {
    this.name = `yzt-${id}`;
    this.hostIf = `yzc${id}`;
    this.townIf = `yzu${id}`;
    this.countyIp = `10.${a}.${b}.1`;
    this.uplinkIp = `10.${a}.${b}.2`;
    this.desktopIp = `192.168.${b}.10`;
  }

  static create(): TownNetns {
    installExitHook();
    if (!swept) {
      swept = true; // once per process: what an earlier crashed run left would collide or pile up
      TownNetns.sweepLeftovers();
    }
    const bytes = randomBytes(3);
    const id = `${process.pid.toString(36).slice(-3)}${bytes.toString('hex').slice(0, 4)}`;
    const town = new TownNetns(id, 200 + (bytes[0]! % 50), (bytes[1]! % 63) * 4);
    try {
      town.#setUp();
    } catch (err) {
      town.destroy();
      throw err;
    }
    live.add(town);
    return town;
  }

  /**
   * Removes the town namespaces and veths an earlier run left behind (it crashed, or was killed
   * before its `after`): every `yzt-*` namespace with no process left in it, and every `yzc*`
   * veth whose peer namespace is gone. Run under the e2e lock, so no other run is using them.
   */
  static sweepLeftovers(): string[] {
    const removed: string[] = [];
    const names = ip('netns', 'list')
      .split('\n')
      .map((l) => l.split(' ')[0] ?? '')
      .filter((n) => n.startsWith('yzt-') && ![...live].some((t) => t.name === n));
    for (const name of names) {
      const pids = ipQuiet('netns', 'pids', name);
      if (pids === null || pids.trim() !== '') continue;
      if (ipQuiet('netns', 'del', name) !== null) removed.push(name);
    }
    for (const line of ip('-o', 'link', 'show', 'type', 'veth').split('\n')) {
      const name = /^\d+:\s+(yzc[0-9a-z]+)@/.exec(line)?.[1];
      if (!name || [...live].some((t) => t.hostIf === name)) continue;
      // the peer left with its namespace: the veth says so (`@if…` with no link-netns)
      if (!/link-netns|link-netnsid/.test(line) && ipQuiet('link', 'del', name) !== null) removed.push(name);
    }
    return removed;
  }

  #setUp(): void {
    ip('netns', 'add', this.name);
    ip('link', 'add', this.hostIf, 'type', 'veth', 'peer', 'name', this.townIf);
    ip('link', 'set', this.townIf, 'netns', this.name);
    ip('addr', 'add', `${this.countyIp}/30`, 'dev', this.hostIf);
    ip('link', 'set', this.hostIf, 'up');
    this.ipIn('addr', 'add', `${this.uplinkIp}/30`, 'dev', this.townIf);
    this.ipIn('link', 'set', this.townIf, 'up');
    this.ipIn('link', 'set', 'lo', 'up');
    this.ipIn('addr', 'add', `${this.desktopIp}/24`, 'dev', 'lo');
  }

  ipIn(...args: string[]): string {
    return ip('netns', 'exec', this.name, 'ip', ...args);
  }

  /** the county side's route to the desktop network: never through the town's veth */
  countyRouteToDesktops(): string {
    try {
      return ip('route', 'get', this.desktopIp);
    } catch (err) {
      return String((err as Error).message);
    }
  }

  /** cuts or restores the town's uplink (a WAN outage) */
  setLink(up: boolean): void {
    ip('link', 'set', this.hostIf, up ? 'up' : 'down');
  }

  /** Shapes both directions of the town's uplink with a token bucket (the kernel here has no netem). */
  shape(rate: string): void {
    const args = ['root', 'tbf', 'rate', rate, 'burst', '32kbit', 'latency', '400ms'];
    execFileSync('tc', ['qdisc', 'replace', 'dev', this.hostIf, ...args]);
    execFileSync('ip', ['netns', 'exec', this.name, 'tc', 'qdisc', 'replace', 'dev', this.townIf, ...args]);
  }

  /** Runs `node --import tsx <script> ...args` inside the namespace. */
  spawnNode(script: string, args: string[], env: Record<string, string> = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.name, process.execPath, '--import', 'tsx', script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
    return child;
  }

  destroy(): void {
    live.delete(this);
    for (const child of this.#children) child.kill('SIGKILL');
    for (const args of [
      ['link', 'del', this.hostIf],
      ['netns', 'del', this.name],
    ]) {
      try {
        ip(...args);
      } catch {
        /* already gone */
      }
    }
  }
}

/** towns of this process not yet destroyed: removed at exit whatever happened (a failed before, mocha --exit, a crash) */
const live = new Set<TownNetns>();
let exitHook = false;
let swept = false;

function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const town of [...live]) town.destroy();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const town of [...live]) town.destroy();
      process.exit(130);
    });
  }
}

function ipQuiet(...args: string[]): string | null {
  try {
    return ip(...args);
  } catch {
    return null;
  }
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
