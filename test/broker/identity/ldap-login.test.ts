import assert from 'node:assert/strict';
import { Account, AccountDepartment } from '../../../broker/src/accounts/account.model.js';
import { AuditEvent } from '../../../broker/src/audit/audit-event.model.js';
import { ApiClient, assertError } from '../../helpers/api-client.js';
import { eventually } from '../../helpers/eventually.js';
import { Factory } from '../../helpers/factories.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { freePort, SLAPD_SUFFIX, startPrivateSlapd, type PrivateSlapd } from '../../helpers/private-slapd.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

const people = `ou=people,${SLAPD_SUFFIX}`;
const groups = `ou=groups,${SLAPD_SUFFIX}`;
const SERVICE_DN = `cn=yunzhuo,${SLAPD_SUFFIX}`;

function person(uid: string, name: string, password: string): string {
  return `dn: uid=${uid},${people}\nobjectClass: inetOrgPerson\nuid: ${uid}\ncn: ${name}\nsn: ${name.slice(0, 1)}\nuserPassword: ${password}\n`;
}
function group(cn: string, members: string[]): string {
  return `dn: cn=${cn},${groups}\nobjectClass: groupOfNames\ncn: ${cn}\n${members.map((m) => `member: ${m}\n`).join('')}`;
}

/**
 * Issue 18: window and console logins checked by a REAL OpenLDAP (Debian's slapd, a private
 * process on loopback). The source lists a dead server first, so every login here also shows
 * the failover to the second one.
 */
describe('identity sources: LDAP logins against a private slapd', function () {
  this.timeout(60_000);
  let slapd: PrivateSlapd;
  let broker: TestBroker;
  let f: Factory;
  let hall: Awaited<ReturnType<Factory['hall']>>;
  let taxDepartment: { id: string };
  let window: ApiClient;
  let sourceId: string;
  const clock = new ManualClock();

  before(async () => {
    slapd = await startPrivateSlapd();
    slapd.ldif(
      [
        `dn: ${people}\nobjectClass: organizationalUnit\nou: people\n`,
        `dn: ${groups}\nobjectClass: organizationalUnit\nou: groups\n`,
        `dn: ${SERVICE_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: yunzhuo\nuserPassword: svc-pass-2026\n`,
        person('zhangwei', '张伟', 'Zw-ldap-2026'),
        person('lina', '李娜', 'Ln-ldap-2026'),
        person('wangfang', '王芳', 'Wf-ldap-2026'),
        person('chenjie', '陈杰', 'Cj-ldap-2026'),
        group('social-window', [`uid=zhangwei,${people}`, `uid=wangfang,${people}`]),
        // nested: lina is in tax-front, which is in tax
        group('tax-front', [`uid=lina,${people}`]),
        group('tax', [`cn=tax-front,${groups}`]),
        group('it-admins', [`uid=chenjie,${people}`]),
      ].join('\n'),
    );
    broker = await startTestBroker({ clock });
    f = new Factory(broker.admin);
    hall = await f.hall({ desktops: 3 });
    taxDepartment = await f.department();
    await f.pool(taxDepartment.id, hall.site.id, [hall.gateway.id]).then((pool: { id: string }) => f.desktop(pool.id));
    window = (await f.windowWithTerminal(hall.site.id)).client;
    const dead = `ldap://127.0.0.1:${await freePort()}`;
    const source = await broker.admin.create('/api/v1/identity-sources', {
      name: '县政务外网目录',
      siteId: hall.site.id,
      urls: [dead, slapd.url],
      timeoutMs: 3000,
      baseDn: people,
      groupBaseDn: groups,
      bindMode: 'search',
      serviceDn: SERVICE_DN,
      servicePassword: 'svc-pass-2026',
      groupMappings: [
        { groupDn: `cn=social-window,${groups}`, departmentIds: [hall.department.id] },
        { groupDn: `CN=Tax, ${groups.toUpperCase()}`, departmentIds: [taxDepartment.id] },
        { groupDn: `cn=it-admins,${groups}`, roles: ['site-admin'] },
      ],
    });
    sourceId = source.id;
  });
  after(async () => {
    await broker?.stop();
    await slapd?.stop();
  });

  it('keeps the service password sealed: never presented, not in the table in clear', async () => {
    const shown = await broker.admin.get(`/api/v1/identity-sources/${sourceId}`);
    assert.equal(shown.body.hasServicePassword, true);
    assert.ok(!JSON.stringify(shown.body).includes('svc-pass-2026'));
    const [rows] = await broker.sequelize.query('SELECT service_password_enc FROM identity_sources');
    assert.match(String((rows as Array<{ service_password_enc: string }>)[0]?.service_password_enc), /^v1:/);
  });

  it('测试连接 asks every server: the dead first one is named with its error, the second answers and counts the users', async () => {
    const res = await broker.admin.post(`/api/v1/identity-sources/${sourceId}/test`, {});
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.ok, true);
    assert.equal(res.body.servers.length, 2);
    assert.equal(res.body.servers[0].ok, false);
    assert.match(res.body.servers[0].error, /ECONNREFUSED|connect/i);
    assert.deepEqual({ ok: res.body.servers[1].ok, error: res.body.servers[1].error }, { ok: true, error: null });
    assert.equal(res.body.users, 4, 'the four people under ou=people');
    // a wrong service password: the server answers, the service account is refused
    const wrong = await broker.admin.create('/api/v1/identity-sources', {
      name: '错误的服务账号',
      urls: [slapd.url],
      baseDn: people,
      serviceDn: SERVICE_DN,
      servicePassword: 'not-the-password',
      enabled: false,
    });
    const refused = await broker.admin.post(`/api/v1/identity-sources/${wrong.id}/test`, {});
    assert.equal(refused.body.ok, false);
    assert.match(refused.body.servers[0].error, /service account/);
    assert.equal((await broker.admin.delete(`/api/v1/identity-sources/${wrong.id}`)).status, 204);
  });

  it('a clerk logs in at the window with the directory password; the account appears with its group department', async () => {
    const res = await window.post('/api/v1/terminal/sessions', { username: 'zhangwei', password: 'Zw-ldap-2026' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.session.poolId, hall.pool.id);
    const account = await Account.findOne({ where: { username: 'zhangwei' } });
    assert.ok(account);
    assert.equal(account.identitySourceId, sourceId);
    assert.equal(account.displayName, '张伟');
    assert.equal(account.homeSiteId, hall.site.id);
    assert.deepEqual(account?.roles, ['clerk']);
    assert.ok(!account.passwordHash.includes('Zw-ldap'), 'no directory password is stored');
    const shown = (await broker.admin.get(`/api/v1/accounts/${account.id}`)).body;
    assert.deepEqual(shown.departmentIds, [hall.department.id]);
    assert.equal(await AuditEvent.count({ where: { action: 'account.provision', targetId: account.id } }), 1);
  });

  it('a known clerk whose entry and groups did not change logs in again without rewriting the account or its links', async () => {
    const updates: string[] = [];
    Account.addHook('beforeUpdate', 'count-updates', (row) => void updates.push(String(row.get('id'))));
    AccountDepartment.addHook('beforeBulkDestroy', 'count-links', () => void updates.push('links'));
    try {
      const again = await window.post('/api/v1/terminal/sessions', { username: 'zhangwei', password: 'Zw-ldap-2026' });
      assert.equal(again.status, 201, JSON.stringify(again.body));
    } finally {
      Account.removeHook('beforeUpdate', 'count-updates');
      AccountDepartment.removeHook('beforeBulkDestroy', 'count-links');
    }
    assert.deepEqual(updates, []);
  });

  it('a nested group maps too: lina is in tax-front, which is in tax', async () => {
    const res = await window.post('/api/v1/terminal/sessions', { username: 'lina', password: 'Ln-ldap-2026' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const account = await Account.findOne({ where: { username: 'lina' } });
    assert.ok(account);
    assert.deepEqual((await broker.admin.get(`/api/v1/accounts/${account.id}`)).body.departmentIds, [taxDepartment.id]);
  });

  it('a mapped admin group signs in to the console with the directory password', async () => {
    const console = new ApiClient(broker.url);
    const res = await console.post('/api/v1/auth/login', { username: 'chenjie', password: 'Cj-ldap-2026' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.account.roles, ['site-admin']);
    assert.equal(res.body.account.homeSiteId, hall.site.id);
  });

  it('a wrong directory password is refused in Chinese and nothing is created', async () => {
    const res = await window.post('/api/v1/terminal/sessions', { username: 'wangfang', password: 'not-her-password' });
    assertError(res, 401, 'INVALID_CREDENTIALS');
    assert.match(res.body.error.message, /^账号或密码错误/);
    assert.equal(await Account.count({ where: { username: 'wangfang' } }), 0);
    assertError(await window.post('/api/v1/terminal/sessions', { username: 'nobody-here', password: 'whatever-1' }), 401, 'INVALID_CREDENTIALS');
  });

  it('an account locked in the directory (ppolicy pwdAccountLockedTime) is refused with its own Chinese message', async () => {
    slapd.ldif(`dn: uid=wangfang,${people}\nchangetype: modify\nadd: pwdAccountLockedTime\npwdAccountLockedTime: 000001010000Z\n`);
    const res = await window.post('/api/v1/terminal/sessions', { username: 'wangfang', password: 'Wf-ldap-2026' });
    assertError(res, 403, 'DIRECTORY_ACCOUNT_LOCKED');
    assert.match(res.body.error.message, /目录.*锁定/);
  });

  it('a local account with the same kind of name still logs in by its local password', async () => {
    const clerk = await f.account({ departmentIds: [hall.department.id], homeSiteId: hall.site.id });
    const res = await window.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  });

  it('the scheduled sync (on the injected clock) disables a clerk removed from the directory, audited', async () => {
    slapd.ldif(`dn: uid=zhangwei,${people}\nchangetype: delete\n`);
    clock.advance(61 * 60_000);
    const account = await eventually(
      async () => {
        const a = await Account.findOne({ where: { username: 'zhangwei' } });
        return a?.disabled ? a.id : null;
      },
      { timeoutMs: 30_000 },
    ); // the sync lists the directory and writes: seconds on a busy machine
    assert.equal(await AuditEvent.count({ where: { action: 'account.disable', targetId: account } }), 1);
    const lina = await Account.findOne({ where: { username: 'lina' } });
    assert.equal(lina?.disabled, false);
    const sync = await broker.admin.post(`/api/v1/identity-sources/${sourceId}/sync`, {});
    assert.equal(sync.status, 200, JSON.stringify(sync.body));
    assert.equal(sync.body.disabled, 0);
  });

  it('a source that maps no group reads no groups: its clerk gets in even where its group base does not exist', async () => {
    const contractors = `ou=contractors,${SLAPD_SUFFIX}`;
    slapd.ldif(
      `dn: ${contractors}\nobjectClass: organizationalUnit\nou: contractors\n\n` +
        `dn: uid=sunli,${contractors}\nobjectClass: inetOrgPerson\nuid: sunli\ncn: 孙丽\nsn: 孙\nuserPassword: Sl-ldap-2026\n`,
    );
    const plain = await broker.admin.create('/api/v1/identity-sources', {
      name: '外包人员目录',
      siteId: hall.site.id,
      urls: [slapd.url],
      baseDn: contractors,
      // searching it would be refused (noSuchObject): with no group mapping nothing searches it
      groupBaseDn: `ou=nowhere,${SLAPD_SUFFIX}`,
      bindMode: 'search',
      serviceDn: SERVICE_DN,
      servicePassword: 'svc-pass-2026',
    });
    // checked and provisioned (default roles, no department), then refused a desktop: no pool is hers
    assertError(await window.post('/api/v1/terminal/sessions', { username: 'sunli', password: 'Sl-ldap-2026' }), 403, 'NOT_ENTITLED');
    const account = await Account.findOne({ where: { username: 'sunli' } });
    assert.equal(account?.identitySourceId, plain.id);
    assert.deepEqual(account?.roles, ['clerk']);
  });

  it('no server answering is its own error, in Chinese', async () => {
    const dead = await broker.admin.create('/api/v1/identity-sources', {
      name: '停机目录',
      siteId: hall.site.id,
      urls: [`ldap://127.0.0.1:${await freePort()}`],
      baseDn: people,
      bindMode: 'user',
      userDnTemplate: `uid={username},${people}`,
    });
    const res = await window.post('/api/v1/terminal/sessions', { username: 'zhaolei', password: 'Zl-ldap-2026' });
    assertError(res, 503, 'DIRECTORY_UNAVAILABLE');
    assert.match(res.body.error.message, /目录服务器/);
    assert.equal((await broker.admin.request('DELETE', `/api/v1/identity-sources/${dead.id}`)).status, 204);
  });

  it('refuses deleting a source that still vouches for accounts', async () => {
    assertError(await broker.admin.request('DELETE', `/api/v1/identity-sources/${sourceId}`), 409, 'IN_USE');
  });
});
