// A private OpenSSH server for tests: Debian's /usr/sbin/sshd with its own config, host key,
// authorized_keys and port, all in a temp dir; the system's sshd config is not touched.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort, makeTempDir, removeTempDir, run, startDaemon, stopDaemon, waitForPort, type Daemon } from './processes.js';

export interface TestSshd {
  host: string;
  port: number;
  user: string;
  /** OpenSSH-format ed25519 private key whose public half is the only authorized key. */
  privateKeyPem: string;
  /** Of the current host key, as `ssh-keygen -l -E sha256` prints it: `SHA256:<base64>`. */
  hostKeyFingerprint: string;
  stop(): Promise<void>;
  /** Restarts on the same port with a new host key (for "changed host key is refused" tests). */
  rotateHostKey(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';
const HOST = '127.0.0.1';
export const SSH_TEST_USER = 'yzssh';

export async function startSshd(): Promise<TestSshd> {
  if (process.getuid?.() !== 0) throw new Error('startSshd needs root (sshd switches to the test user)');
  if (!existsSync(SSHD)) throw new Error(`missing ${SSHD}: run \`bash test/setup/install-deps.sh\` as root first`);
  await ensureSshUser();
  // sshd's privilege-separation directory; no init script made it on this machine.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });

  // sshd reads authorized_keys as the test user: the directory must be searchable by it.
  const dir = await makeTempDir('yunzhuo-sshd-', 0o755);
  const hostKey = path.join(dir, 'host_ed25519');
  const clientKey = path.join(dir, 'client_ed25519');
  const port = await freePort();
  let daemon: Daemon | null = null;
  try {
    await keygen(clientKey, 'yunzhuo-test-client');
    await writeFile(path.join(dir, 'authorized_keys'), await readFile(`${clientKey}.pub`, 'utf8'), { mode: 0o644 });
    await writeFile(path.join(dir, 'sshd_config'), sshdConfig(dir, port));

    const sshd: TestSshd = {
      host: HOST,
      port,
      user: SSH_TEST_USER,
      privateKeyPem: await readFile(clientKey, 'utf8'),
      hostKeyFingerprint: '',
      stop: async () => {
        if (daemon) await stopDaemon(daemon);
        daemon = null;
        await removeTempDir(dir);
      },
      rotateHostKey: async () => {
        if (daemon) await stopDaemon(daemon);
        daemon = null;
        sshd.hostKeyFingerprint = await newHostKey(hostKey);
        daemon = await launch(dir, port);
      },
    };
    sshd.hostKeyFingerprint = await newHostKey(hostKey);
    daemon = await launch(dir, port);
    return sshd;
  } catch (error) {
    if (daemon) await stopDaemon(daemon);
    await removeTempDir(dir);
    throw error;
  }
}

async function launch(dir: string, port: number): Promise<Daemon> {
  const config = path.join(dir, 'sshd_config');
  await run(SSHD, ['-t', '-f', config]); // a config error is reported here, not as a dead port
  // -D: stay in the foreground as our child; -e: log to stderr (the log file) instead of syslog.
  const daemon = startDaemon('sshd', SSHD, ['-D', '-e', '-f', config], path.join(dir, 'sshd.log'));
  await waitForPort([HOST], port, daemon);
  return daemon;
}

async function newHostKey(file: string): Promise<string> {
  await rm(file, { force: true });
  await rm(`${file}.pub`, { force: true });
  await keygen(file, 'yunzhuo-test-host');
  // "256 SHA256:abc... comment (ED25519)"
  const line = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`]);
  const fingerprint = line.trim().split(/\s+/)[1] ?? '';
  if (!fingerprint.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -l output: ${line}`);
  return fingerprint;
}

function keygen(file: string, comment: string): Promise<string> {
  return run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
}

function sshdConfig(dir: string, port: number): string {
  return [
    `Port ${port}`,
    `ListenAddress ${HOST}`,
    `HostKey ${path.join(dir, 'host_ed25519')}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
    `AllowUsers ${SSH_TEST_USER}`,
    'UsePAM no',
    'StrictModes no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin no',
    'AllowTcpForwarding yes',
    'X11Forwarding no',
    'PrintMotd no',
    'LogLevel INFO',
    '',
  ].join('\n');
}

async function ensureSshUser(): Promise<void> {
  const exists = await run('id', ['-u', SSH_TEST_USER]).then(
    () => true,
    () => false,
  );
  if (!exists) await run('useradd', ['--create-home', '--shell', '/bin/bash', '--comment', 'Yunzhuo test ssh', SSH_TEST_USER]);
  // useradd leaves the password "!" (locked); without PAM sshd then refuses even key logins.
  // "*" means "no password" but not locked.
  await run('usermod', ['-p', '*', SSH_TEST_USER]);
}
