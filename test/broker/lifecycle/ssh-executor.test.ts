import assert from 'node:assert/strict';
import { nodeSshExecutor } from '../../../broker/src/lifecycle/ssh/ssh-executor.js';
import { startSshd, type TestSshd } from '../../setup/sshd.js';

describe('lifecycle: the SSH executor against a real sshd whose connection dies around the command', function () {
  this.timeout(120_000);
  let sshd: TestSshd;

  before(async () => {
    sshd = await startSshd();
  });
  after(async () => {
    await sshd?.stop();
  });

  // The command ends at once, and a process it leaves behind kills the sshd session right after:
  // the reset reaches the client while the broker closes the connection. node-ssh stops watching
  // for the connection's errors once it is ready, so without our own listener this is an uncaught
  // ECONNRESET / EPIPE that ends the broker (seen on CI while a test restarted sshd).
  for (const delaySeconds of ['0', '0.01', '0.03']) {
    it(`a reset ${delaySeconds} s after the command ended is no uncaught error; the run keeps its outcome`, async () => {
      const endpoint = { host: sshd.host, port: sshd.port, username: sshd.user, privateKey: sshd.privateKeyPem };
      // five in a row: a reset of one run lands while the next runs, inside this test
      for (let i = 0; i < 5; i++) {
        const run = await nodeSshExecutor.exec(endpoint, `p=$PPID; (sleep ${delaySeconds}; kill -9 $p) >/dev/null 2>&1 & echo done`, {
          timeoutMs: 20_000,
          expectedFingerprint: null,
        });
        assert.ok(run.outcome === 'ok' || run.outcome === 'error' || run.outcome === 'failed', run.outcome);
        if (run.outcome === 'ok') assert.equal(run.stdout, 'done');
      }
    });
  }
});
