// Smoke test of the real test stack itself (test/setup/): if this fails, every other e2e test and
// bench that needs guacd, xrdp or sshd would fail for a reason that is not the broker's.
import assert from 'node:assert/strict';
import net from 'node:net';
import { eventually } from '../helpers/eventually.js';
import { GuacSession } from '../setup/guac-session.js';
import { desktopSessionRunning, startRealStack, type Desktop, type RealStack } from '../setup/real-stack.js';
import { startSshd, type TestSshd } from '../setup/sshd.js';

const FRAME_TIMEOUT_MS = 10_000;

interface FirstFrame {
  syncs: number;
  layer0: { width: number; height: number };
}

/**
 * Reads a session until it has had a `sync` and layer 0's `size` (syncs are answered by
 * GuacSession). `lostSize` says what to do on a `sync` before layer 0's size: on guacd 1.3.0 it
 * is the signature of its race (shared/notes/real-desktop-stack.md: the RDP thread sends the size
 * before the owner is in its user list, so it goes to nobody, and the display stays 0×0 for the
 * owner); on 1.6.0 it is normal (a `sync` for frames without images, shared/notes/current-guacd.md).
 */
async function readFirstFrame(session: GuacSession, lostSize: () => Promise<FirstFrame>): Promise<FirstFrame> {
  const racy = session.serverArgs[0] === 'VERSION_1_3_0';
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
    if (racy && syncs > 0 && layer0 === null) return lostSize();
  }
  return { syncs, layer0 };
}

/**
 * After `ready`: a `sync` and layer 0's `size`. When guacd 1.3.0 loses the size (rare without
 * audio mimetypes, yet up to 1 connection in 3 with a busy loop on each core), a second user joins
 * the connection, as the broker's relay does, and is sent the display as it is, its size included.
 */
async function firstFrame(stack: RealStack, desktop: Desktop): Promise<FirstFrame> {
  const session = await GuacSession.open(stack.guacd, desktop, { width: 1024, height: 768 });
  try {
    assert.match(session.connectionId, /^\$/, 'ready carries a connection id');
    assert.match(session.serverArgs[0] ?? '', /^VERSION_1_/, 'guacd announces a protocol version');
    return await readFirstFrame(session, async () => {
      process.stderr.write(`guacd 1.3 lost layer 0's size of ${session.connectionId}: joining it\n`);
      const joined = await GuacSession.open(stack.guacd, desktop, { width: 1024, height: 768, join: session.connectionId });
      try {
        return await readFirstFrame(joined, () => assert.fail('a user joining the connection was not sent layer 0 either'));
      } finally {
        joined.close();
      }
    });
  } finally {
    session.close();
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
    const frame = await firstFrame(stack, stack.busyDesktop);
    assert.ok(frame.syncs > 0);
  });

  it("guacd opens an RDP desktop: ready, then a sync and layer 0's size within 10 s", async function () {
    const running = stack;
    const desktop = running?.desktops[0];
    assert.ok(running && desktop);
    const frame = await firstFrame(running, desktop);
    assert.ok(frame.syncs >= 1);
    assert.deepEqual(frame.layer0, { width: 1024, height: 768 });
    // Frames alone could be xrdp's "login failed" dialog: the account's own xterm must run.
    // Its session script starts a moment after the first frame (the login screen).
    await eventually(
      async () => {
        assert.equal(await desktopSessionRunning(desktop.username), true, `${desktop.username}'s xterm runs`);
        return true;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
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
