import type { ClusterBus } from '../../broker/src/lib/cluster-bus.js';

type Handler = (payload: unknown) => void;

/**
 * Several "broker processes" in one test: each member is a ClusterBus; a message is delivered to
 * the other members' handlers (never back to its sender), at once. The PostgreSQL bus between
 * real processes is tested in test/broker/sessions/multi-broker.test.ts.
 */
export class InProcessCluster {
  readonly #members: Array<Map<string, Handler[]>> = [];

  member(): ClusterBus {
    const handlers = new Map<string, Handler[]>();
    this.#members.push(handlers);
    return {
      clustered: true,
      publish: (kind, payload) => this.deliver(kind, payload, handlers),
      subscribe: (kind, handler) => handlers.set(kind, [...(handlers.get(kind) ?? []), handler]),
      onReconnect: () => undefined,
      close: async () => undefined,
    };
  }

  /** `from`: the sender, left out; null delivers to everyone (a message from a process not in this test) */
  deliver(kind: string, payload: unknown, from: Map<string, Handler[]> | null = null): void {
    for (const member of this.#members) if (member !== from) for (const handler of member.get(kind) ?? []) handler(payload);
  }
}
