import { BlockList, isIP } from 'node:net';
import type { ConnectorTarget } from '@yunzhuo/protocol/connector/index';

/**
 * What the connector lets a broker reach on the town network. A target must be BOTH one of the
 * desktops of this site the broker listed (`targets` in welcome) AND inside the town's own
 * local allowlist (CIDRs, addresses or host names, optionally `:port`), which the town set up
 * on the box and no broker can change: a compromised broker cannot pivot past the town's rules.
 */
export class Allowlist {
  readonly #rules: Array<{ test(host: string): boolean; ports: Set<number> | null }> = [];
  #brokerTargets = new Set<string>();

  constructor(localRules: readonly string[]) {
    for (const raw of localRules) this.#addRule(raw.trim());
  }

  /** the broker's list of this site's desktops (replaces the previous one) */
  setBrokerTargets(targets: readonly ConnectorTarget[]): void {
    this.#brokerTargets = new Set(targets.map((t) => keyOf(t.host, t.port)));
  }

  /** null when allowed, else why not (for the log and the stream's CLOSE message) */
  refusal(target: ConnectorTarget): string | null {
    const host = target.host.toLowerCase();
    if (!this.#brokerTargets.has(keyOf(host, target.port))) return 'not a desktop of this site';
    const local = this.#rules.some((rule) => rule.test(host) && (rule.ports === null || rule.ports.has(target.port)));
    return local ? null : "outside the town's local allowlist";
  }

  #addRule(rule: string): void {
    if (!rule) return;
    const { hostPart, port } = splitRule(rule);
    const ports = port === null ? null : new Set([port]);
    const [base, bits] = hostPart.split('/');
    if (bits !== undefined) {
      if (isIP(base!) === 0 || !/^\d{1,3}$/.test(bits)) throw new Error(`allowlist rule not a CIDR: ${rule}`);
      const list = new BlockList(); // used as an allow list: `check` = inside the range
      list.addSubnet(base!, Number(bits), isIP(base!) === 6 ? 'ipv6' : 'ipv4');
      this.#rules.push({ test: (h) => isIP(h) !== 0 && list.check(h, isIP(h) === 6 ? 'ipv6' : 'ipv4'), ports });
      return;
    }
    this.#rules.push({ test: (h) => h === hostPart, ports });
  }
}

/** `10.8.0.0/16`, `10.8.0.5:3389`, `desk-3.town.local`, `[fd00::/8]:3389` (IPv6 with a port in brackets) */
function splitRule(rule: string): { hostPart: string; port: number | null } {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(rule);
  if (bracketed) return { hostPart: bracketed[1]!.toLowerCase(), port: bracketed[2] ? Number(bracketed[2]) : null };
  if ((rule.match(/:/g) ?? []).length > 1) return { hostPart: rule.toLowerCase(), port: null };
  const [hostPart, port] = rule.split(':');
  if (port !== undefined && !/^\d{1,5}$/.test(port)) throw new Error(`allowlist rule has a bad port: ${rule}`);
  return { hostPart: hostPart!.toLowerCase(), port: port === undefined ? null : Number(port) };
}

function keyOf(host: string, port: number): string {
  return `${host.toLowerCase()}|${port}`;
}
