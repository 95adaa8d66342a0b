// A command for a terminal whose agent socket another broker process holds: asked for over the
// cluster bus (here an in-process one), with the accept and answer deadlines on a manual clock.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { CommandResultMessage } from '@yunzhuo/protocol/agent/index';
import { ACCEPT_MS, AgentCommandRelay } from '../../broker/src/agents/agent-command-relay.js';
import { isAppError } from '../../broker/src/lib/app-error.js';
import { createLogger } from '../../broker/src/lib/logger.js';
import { InProcessCluster } from '../helpers/in-process-cluster.js';
import { ManualClock } from '../helpers/manual-clock.js';

type Outcome = CommandResultMessage['outcome'];

/** The agent socket of one terminal, held by one broker: records what it was sent, answers when told. */
class FakeLink {
  readonly sent: Array<{ type: string; commandId?: string }> = [];
  readonly #pending = new Map<string, (outcome: Outcome) => void>();

  constructor(readonly terminalId: string) {}

  send(message: { type: string; commandId?: string }): boolean {
    this.sent.push(message);
    return true;
  }

  expect(commandId: string): Promise<Outcome> {
    return new Promise((resolve) => this.#pending.set(commandId, resolve));
  }

  forget(commandId: string): void {
    this.#pending.delete(commandId);
  }

  answer(commandId: string, outcome: Outcome): void {
    this.#pending.get(commandId)?.(outcome);
  }
}

/** a broker process: its relay on the cluster, the sockets it holds, its clock */
function broker(cluster: InProcessCluster, clock: ManualClock, links: FakeLink[] = []): AgentCommandRelay {
  const held = new Map(links.map((l) => [l.terminalId, l]));
  const deps = {
    hub: { get: (id: string) => held.get(id) },
    presence: { update: () => undefined },
    bus: cluster.member(),
    clock,
    logger: createLogger('silent'),
  };
  return new AgentCommandRelay(deps as unknown as ConstructorParameters<typeof AgentCommandRelay>[0]);
}

/** the settled state of a promise so far: its value, its error code, or 'pending' */
function watch(promise: Promise<Outcome>): () => string {
  let state = 'pending';
  promise.then(
    (o) => (state = JSON.stringify(o)),
    (err: unknown) => (state = isAppError(err) ? err.code : String(err)),
  );
  return () => state;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const TIMEOUT_MS = 15_000;

/** one tick before `ms`: still pending; at `ms`: failed with `code` */
async function failsAt(clock: ManualClock, ms: number, state: () => string, code: string): Promise<void> {
  clock.advance(ms - 1);
  await settle();
  assert.equal(state(), 'pending');
  clock.advance(1);
  await settle();
  assert.equal(state(), code);
}

describe('agent commands across broker processes (in-process bus, manual clock)', () => {
  it('the broker holding the socket runs it and its answer comes back', async () => {
    const cluster = new InProcessCluster();
    const clock = new ManualClock();
    const link = new FakeLink(randomUUID());
    const a = broker(cluster, clock);
    broker(cluster, clock, [link]);
    const commandId = randomUUID();
    const state = watch(a.send(link.terminalId, commandId, { type: 'lock' }, TIMEOUT_MS, true));
    assert.deepEqual(link.sent, [{ type: 'command', commandId, command: { type: 'lock' } }]);
    link.answer(commandId, { ok: true, result: { locked: true } });
    await settle();
    assert.equal(state(), JSON.stringify({ ok: true, result: { locked: true } }));
  });

  it('nobody accepts: TERMINAL_OFFLINE at ACCEPT_MS, not one tick before', async () => {
    const clock = new ManualClock();
    const state = watch(broker(new InProcessCluster(), clock).send(randomUUID(), randomUUID(), { type: 'lock' }, TIMEOUT_MS, true));
    await failsAt(clock, ACCEPT_MS, state, 'TERMINAL_OFFLINE');
  });

  it("accepted but the agent never answers: COMMAND_TIMEOUT at the command's timeout, not one tick before", async () => {
    const cluster = new InProcessCluster();
    const clock = new ManualClock();
    const link = new FakeLink(randomUUID());
    const a = broker(cluster, clock);
    broker(cluster, clock, [link]);
    const state = watch(a.send(link.terminalId, randomUUID(), { type: 'lock' }, TIMEOUT_MS, true));
    await failsAt(clock, TIMEOUT_MS, state, 'COMMAND_TIMEOUT');
  });

  it('a request the holder sees after the asker gave up is not run there', async () => {
    const cluster = new InProcessCluster();
    const askerClock = new ManualClock();
    const holderClock = new ManualClock(askerClock.now() + ACCEPT_MS); // the holder's view: the accept window is over
    const link = new FakeLink(randomUUID());
    const a = broker(cluster, askerClock);
    broker(cluster, holderClock, [link]);
    const state = watch(a.send(link.terminalId, randomUUID(), { type: 'reboot', delaySeconds: 0 }, TIMEOUT_MS, true));
    assert.deepEqual(link.sent, [], 'the holder decided at once, before anything async');
    askerClock.advance(ACCEPT_MS);
    await settle();
    assert.equal(state(), 'TERMINAL_OFFLINE');
  });
});
