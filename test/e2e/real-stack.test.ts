// Smoke test of the real test stack itself (test/setup/): if this fails, every other e2e test and
// bench that needs guacd, xrdp or sshd would fail for a reason that is not the broker's.
import assert from 'node:assert/strict';
import net from 'node:net';
import { GuacSession } from '../setup/guac-session.js';
import { desktopSessionRunning, startRealStack, type Desktop, type RealStack } from '../setup/real-stack.js';
import { startSshd, type TestSshd } from '../setup/sshd.js';

const FRAME_TIMEOUT_MS = 10_000;

interface FirstFrame {
  syncs: number;
  layer0: { width: number; height: number };
}

/** After `ready`: wait for a `sync` and layer 0's `size` (syncs are answered by GuacSession). */
async function firstFrame(stack: RealStack, desktop: Desktop): Promise<FirstFrame> {
  const session = await GuacSession.open(stack.guacd, desktop, { width: 1024, height: 768 });
  try {
    assert.match(session.connectionId, /^\$/, 'ready carries a connection id');
    assert.match(session.serverArgs[0] ?? '', /^VERSION_1_/, 'guacd announces a protocol version');
    const deadline = Date.now() + FRAME_TIMEOUT_MS;
    let syncs = 0;
    let layer0: FirstFrame['layer0'] | null = null;
    while (syncs === 0 || layer0 === null) {
      const instruction = await session.next(deadline - Date.now());
      if (instruction.opcode === 'error') assert.fail(`guacd error: ${instruction.args.join(' / ')}`);
      if (instruction.opcode === 'sync') syncs += 1;
      if (instruction.opcode === 'size' && instruction.args[0] === '0') {
        layer0 = { width: Number(instruction.args[1]), height: Number(instruction.args[2]) };
      }
    }
    return { syncs, layer0 };
  } finally {
    session.close();
  }
}

/**
 * firstFrame, tried twice. guacd 1.3.0 race (see the note): a session may never get layer 0's
 * size. The broker retries such connections; a second try here keeps this smoke test from
 * flaking on it, and says so on stderr.
 */
async function firstFrameRetried(stack: RealStack, desktop: Desktop): Promise<FirstFrame> {
  try {
    return await firstFrame(stack, desktop);
  } catch (error) {
    process.stderr.write(`first attempt failed (${String(error)}), retrying once\n`);
    return firstFrame(stack, desktop);
  }
}

function readSshBanner(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let received = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error('no SSH banner within 5 s')));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n');
      if (end >= 0) {
        socket.destroy();
        resolve(received.slice(0, end));
      }
    });
    socket.on('error', reject);
  });
}

describe('real test stack (guacd 1.3 → xrdp → Xvnc, sshd)', function () {
  let stack: RealStack | undefined;
  let sshd: TestSshd | undefined;

  before(async function () {
    this.timeout(60_000);
    stack = await startRealStack({ desktops: 1 });
    sshd = await startSshd();
  });

  after(async function () {
    this.timeout(30_000);
    await sshd?.stop();
    await stack?.stop();
  });

  it('shares one running stack between callers', async function () {
    assert.ok(stack);
    const second = await startRealStack({ desktops: 2 });
    try {
      assert.deepEqual(second.guacd, stack.guacd);
      assert.equal(second.desktops.length, 2);
      assert.equal(second.desktops[0]?.port, stack.desktops[0]?.port);
    } finally {
      await second.stop();
    }
    // The first caller still holds it: guacd must still answer.
    const frame = await firstFrameRetried(stack, stack.busyDesktop);
    assert.ok(frame.syncs > 0);
  });

  it("guacd opens an RDP desktop: ready, then a sync and layer 0's size within 10 s", async function () {
    const running = stack;
    const desktop = running?.desktops[0];
    assert.ok(running && desktop);
    const frame = await firstFrameRetried(running, desktop);
    assert.ok(frame.syncs >= 1);
    assert.deepEqual(frame.layer0, { width: 1024, height: 768 });
    // Frames alone could be xrdp's "login failed" dialog: the account's own xterm must run.
    // Its session script starts a moment after the first frame (the login screen): poll, up to 5 s.
    const deadline = Date.now() + 5_000;
    let loggedIn = await desktopSessionRunning(desktop.username);
    while (!loggedIn && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      loggedIn = await desktopSessionRunning(desktop.username);
    }
    assert.equal(loggedIn, true, `${desktop.username}'s xterm runs`);
  });

  it('sshd answers with an SSH-2.0 banner and reports its host key', async function () {
    assert.ok(sshd);
    const banner = await readSshBanner(sshd.host, sshd.port);
    assert.match(banner, /^SSH-2\.0-OpenSSH/);
    assert.match(sshd.hostKeyFingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
    assert.match(sshd.privateKeyPem, /^-----BEGIN OPENSSH PRIVATE KEY-----/);
  });

  it('sshd rotates its host key and keeps its port', async function () {
    assert.ok(sshd);
    const before = sshd.hostKeyFingerprint;
    await sshd.rotateHostKey();
    assert.notEqual(sshd.hostKeyFingerprint, before);
    assert.match(await readSshBanner(sshd.host, sshd.port), /^SSH-2\.0-/);
  });
});
