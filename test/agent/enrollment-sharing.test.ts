// Refused enrollments are counted per address on every broker process: each tells the others over
// the cluster bus. Here two EnrollmentServices share an in-process bus; the two-process version on
// PostgreSQL is in test/broker/sessions/multi-broker.test.ts.
import assert from 'node:assert/strict';
import { EnrollmentService } from '../../broker/src/agents/enrollment.service.js';
import { AppError, isAppError } from '../../broker/src/lib/app-error.js';
import type { ClusterBus } from '../../broker/src/lib/cluster-bus.js';
import { InProcessCluster } from '../helpers/in-process-cluster.js';

/** An EnrollmentService whose every join token is refused (nothing else is reached). */
function refusingService(bus: ClusterBus): EnrollmentService {
  const deps = {
    joinTokens: {
      consume: async () => {
        throw new AppError('JOIN_TOKEN_INVALID');
      },
    },
    audit: { record: async () => undefined },
    events: { publish: () => undefined },
    hub: {},
  } as unknown as ConstructorParameters<typeof EnrollmentService>[0];
  const service = new EnrollmentService(deps);
  service.shareWith(bus);
  return service;
}

async function outcome(service: EnrollmentService, address: string): Promise<string> {
  try {
    await service.enroll({ joinToken: 'guessed-token', hardwareId: 'hw', name: 'box' }, address);
    return 'enrolled';
  } catch (error) {
    return isAppError(error) ? error.code : String(error);
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('enrollment refusals shared over the cluster bus', () => {
  it('20 refusals on A and 10 on B stop both answering that address; another address is untouched', async () => {
    const cluster = new InProcessCluster();
    const a = refusingService(cluster.member());
    const b = refusingService(cluster.member());
    for (let i = 0; i < 20; i++) assert.equal(await outcome(a, '10.0.0.7'), 'JOIN_TOKEN_INVALID');
    for (let i = 0; i < 10; i++) assert.equal(await outcome(b, '10.0.0.7'), 'JOIN_TOKEN_INVALID');
    await settle();
    assert.equal(await outcome(a, '10.0.0.7'), 'TOO_MANY_ATTEMPTS');
    assert.equal(await outcome(b, '10.0.0.7'), 'TOO_MANY_ATTEMPTS');
    assert.equal(await outcome(a, '10.0.0.8'), 'JOIN_TOKEN_INVALID');
  });

  it('a message that is not { key: an IP } is dropped on its own; the good ones count', async () => {
    const cluster = new InProcessCluster();
    const a = refusingService(cluster.member());
    for (const bad of [{ key: 'made-up' }, { key: 42 }, {}, null, 'x'.repeat(200)]) {
      for (let i = 0; i < 30; i++) cluster.deliver('enroll.refused.add', bad);
    }
    for (let i = 0; i < 30; i++) cluster.deliver('enroll.refused.add', { key: '192.0.2.1' });
    await settle();
    assert.equal(await outcome(a, '192.0.2.1'), 'TOO_MANY_ATTEMPTS', 'the good messages counted');
    assert.equal(await outcome(a, '192.0.2.2'), 'JOIN_TOKEN_INVALID');
  });
});
