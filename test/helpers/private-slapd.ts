import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'ldapts';
import { eventually } from './eventually.js';

export const SLAPD_SUFFIX = 'dc=county,dc=gov,dc=cn';
export const SLAPD_ROOT_DN = `cn=admin,${SLAPD_SUFFIX}`;
export const SLAPD_ROOT_PASSWORD = 'root-secret-2026';

export interface PrivateSlapd {
  url: string;
  port: number;
  /** applies LDIF (add / modify / delete records) as the root DN, with ldapmodify */
  ldif(text: string): void;
  stop(): Promise<void>;
}

/** A port nobody listens on right now (slapd must be told one: it has no port 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Debian's slapd as a private process on 127.0.0.1: its own slapd.conf, MDB database and pid
 * file in a temp dir, the ppolicy overlay loaded (so `pwdAccountLockedTime` locks an account
 * the way a county directory does), the root DN writing the test's entries. No system service.
 */
export async function startPrivateSlapd(): Promise<PrivateSlapd> {
  const dir = mkdtempSync(path.join(tmpdir(), 'yz-slapd-'));
  mkdirSync(path.join(dir, 'db'));
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const conf = [
    ...['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `include /etc/ldap/schema/${s}.schema`),
    `pidfile ${dir}/slapd.pid`,
    `argsfile ${dir}/slapd.args`,
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    'moduleload ppolicy',
    'database mdb',
    `suffix "${SLAPD_SUFFIX}"`,
    `rootdn "${SLAPD_ROOT_DN}"`,
    `rootpw ${SLAPD_ROOT_PASSWORD}`,
    `directory ${dir}/db`,
    'maxsize 104857600',
    'index objectClass,member,uid eq',
    'overlay ppolicy',
    `ppolicy_default "cn=default,ou=policies,${SLAPD_SUFFIX}"`,
    // every user reads the tree (groups included); passwords only for binding
    'access to attrs=userPassword by anonymous auth by self write by * none',
    'access to * by * read',
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'slapd.conf'), conf);
  const child: ChildProcess = spawn('/usr/sbin/slapd', ['-d', '0', '-f', path.join(dir, 'slapd.conf'), '-h', `${url}/`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ldif = (text: string) => {
    const result = spawnSync('ldapmodify', ['-x', '-c', '-H', url, '-D', SLAPD_ROOT_DN, '-w', SLAPD_ROOT_PASSWORD, '-a'], { input: text, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`ldapmodify failed (${result.status}): ${result.stderr}${result.stdout}`);
  };
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`slapd exited ${child.exitCode}: ${stderr}`);
        const client = new Client({ url, connectTimeout: 1000 });
        try {
          await client.bind(SLAPD_ROOT_DN, SLAPD_ROOT_PASSWORD);
          return true;
        } finally {
          await client.unbind().catch(() => undefined);
        }
      },
      { timeoutMs: 15_000, intervalMs: 50 },
    );
    ldif(
      [
        `dn: ${SLAPD_SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: county\no: County\n`,
        `dn: ou=policies,${SLAPD_SUFFIX}\nobjectClass: organizationalUnit\nou: policies\n`,
        // a locked entry (pwdAccountLockedTime) cannot bind, even with the right password
        `dn: cn=default,ou=policies,${SLAPD_SUFFIX}\nobjectClass: device\nobjectClass: pwdPolicy\ncn: default\npwdAttribute: userPassword\npwdLockout: TRUE\n`,
      ].join('\n'),
    );
  } catch (err) {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    port,
    ldif,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
