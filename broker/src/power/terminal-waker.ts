import { broadcastOf, nicSchema, sameSegment, WAKE_PORT, type Nic } from '@yunzhuo/protocol/agent/wake-on-lan';
import type { BulkTerminalResult } from '@yunzhuo/protocol/agent/bulk-commands';
import type { AgentCommandService } from '../agents/agent-commands.service.js';
import { storedInfo } from '../agents/presence.service.js';
import type { Actor } from '../auth/actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { isAppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import type { Terminal } from '../terminals/terminal.model.js';

/** The broker's own wake-on-LAN sender, when it sits on the terminals' segment (`YUNZHUO_WAKE_BROADCAST`). */
export interface BrokerWake {
  address: string;
  port: number;
  send(mac: string, address: string, port: number): Promise<void>;
}

/** `192.168.10.255:9` → address and port (9 when absent). */
export function parseWakeBroadcast(value: string): { address: string; port: number } {
  const [address, port] = value.split(':');
  return { address: address!, port: port ? Number(port) : WAKE_PORT };
}

/** The cards a terminal's last heartbeat reported (valid ones only). */
export function nicsOf(terminal: Terminal): Nic[] {
  const parsed = nicSchema.array().safeParse(storedInfo(terminal.info)?.nics ?? []);
  return parsed.success ? parsed.data : [];
}

type Base = Pick<BulkTerminalResult, 'terminalId' | 'terminalName' | 'windowCode'>;
interface Target {
  terminal: Terminal;
  base: Base;
  nic: Nic;
}

/**
 * Wakes powered-off terminals (issue 17). A thin client that is off cannot be reached by the
 * broker; its card is woken by a magic packet on its own segment. The packet is sent by an online
 * terminal of the same site whose card is on that segment (one `wake-on-lan` command per relay,
 * over the ordinary command path: acks, relay to other brokers, audit), else by the broker itself
 * when configured on that segment. Each terminal's outcome says which; a terminal already online
 * is reported as such. One `terminal.wake` audit row per terminal.
 */
export class TerminalWaker {
  constructor(private readonly deps: { commands: AgentCommandService; audit: AuditService; clock: Clock; broker: BrokerWake | null }) {}

  async wake(
    actor: Actor,
    targets: Array<{ terminal: Terminal; windowCode: string | null }>,
    relays: Terminal[],
    bulkId: string,
    timeoutSeconds: number,
  ): Promise<BulkTerminalResult[]> {
    const started = this.deps.clock.now();
    const results = new Map<string, BulkTerminalResult>();
    const done = (base: Base, outcome: BulkTerminalResult['outcome'], result: Record<string, unknown> | null, error: BulkTerminalResult['error']) =>
      results.set(base.terminalId, { ...base, outcome, error, result, durationMs: this.deps.clock.now() - started });
    const byRelay = new Map<Terminal, Target[]>();
    const viaBroker: Target[] = [];
    const relayNics = relays.filter((r) => r.online).map((r) => ({ relay: r, nics: nicsOf(r) }));

    for (const { terminal, windowCode } of targets) {
      const base = { terminalId: terminal.id, terminalName: terminal.name, windowCode };
      if (terminal.online) {
        done(base, 'ok', { via: null, alreadyOnline: true }, null);
        continue;
      }
      const [nic] = nicsOf(terminal);
      if (!nic) {
        done(base, 'failed', null, { code: 'WAKE_NO_MAC', agentCode: null });
        continue;
      }
      const relay = relayNics.find((r) => r.relay.id !== terminal.id && r.nics.some((n) => sameSegment(n, nic)))?.relay;
      if (relay) byRelay.set(relay, [...(byRelay.get(relay) ?? []), { terminal, base, nic }]);
      else viaBroker.push({ terminal, base, nic });
    }

    await Promise.all(
      [...byRelay].map(async ([relay, list]) => {
        for (let i = 0; i < list.length; i += 64) {
          const chunk = list.slice(i, i + 64);
          try {
            const answer = await this.deps.commands.run(
              actor,
              relay.id,
              {
                command: { type: 'wake-on-lan', targets: chunk.map((t) => ({ mac: t.nic.mac, broadcast: broadcastOf(t.nic), port: WAKE_PORT })) },
                timeoutSeconds,
              },
              { bulkId },
            );
            const sent = new Set(Array.isArray(answer.result.sent) ? answer.result.sent : []);
            for (const t of chunk) {
              if (sent.has(t.nic.mac)) done(t.base, 'ok', { via: 'terminal', relay: relay.name, mac: t.nic.mac }, null);
              else viaBroker.push(t);
            }
          } catch (err) {
            // the relay could not send (offline meanwhile, an agent too old for the command): the broker may still
            if (this.deps.broker) viaBroker.push(...chunk);
            else for (const t of chunk) done(t.base, 'failed', null, { code: isAppError(err) ? err.code : 'INTERNAL', agentCode: null });
          }
        }
      }),
    );

    for (const t of viaBroker) {
      const broker = this.deps.broker;
      if (!broker) {
        done(t.base, 'failed', null, { code: 'WAKE_NO_RELAY', agentCode: null });
        continue;
      }
      try {
        await broker.send(t.nic.mac, broker.address, broker.port);
        done(t.base, 'ok', { via: 'broker', mac: t.nic.mac }, null);
      } catch {
        done(t.base, 'failed', null, { code: 'INTERNAL', agentCode: null });
      }
    }

    const ordered = targets.map(({ terminal }) => results.get(terminal.id)!);
    for (const [i, r] of ordered.entries()) {
      await this.deps.audit.record(actor, {
        action: 'terminal.wake',
        targetType: 'terminal',
        targetId: r.terminalId,
        siteId: targets[i]!.terminal.siteId,
        details: { bulkId, outcome: r.outcome, error: r.error?.code ?? null, ...(r.result ?? {}) },
      });
    }
    return ordered;
  }
}
