// `npm run bench:ldap`: the directory rush. 250 people sign in to the console at once, first as
// local accounts (scrypt), then as accounts of a private slapd (search-then-bind with a service
// account, the account made just in time at its first login, then again with the account known),
// in the same run on the same broker (in-process, SQLite, port 0). Console sign-in is used because
// it is the whole logon without a desktop: password check, login rules, session row, audit.
// Writes test/bench/results/ldap.json.
import { ApiClient } from '../helpers/api-client.js';
import { Factory } from '../helpers/factories.js';
import { SLAPD_SUFFIX, startPrivateSlapd } from '../helpers/private-slapd.js';
import { startTestBroker } from '../helpers/start-broker.js';
import { percentile, ratioTo, writeBenchResult } from './bench-report.js';

const PEOPLE = 250;
const people = `ou=people,${SLAPD_SUFFIX}`;
const SERVICE_DN = `cn=yunzhuo,${SLAPD_SUFFIX}`;
const password = (i: number) => `Rush-pass-${i}-2026`;

/** every sign-in at once; each one's time from request to answer, and the rush's logins per second */
async function rush(url: string, name: (i: number) => string): Promise<{ p99: number; perSecond: number }> {
  const started = performance.now();
  const times = await Promise.all(
    Array.from({ length: PEOPLE }, async (_, i) => {
      const t0 = performance.now();
      const res = await new ApiClient(url).login(name(i), password(i));
      if (res.status !== 200) throw new Error(`${name(i)}: ${res.status} ${JSON.stringify(res.body)}`);
      return performance.now() - t0;
    }),
  );
  return { p99: percentile(times, 99), perSecond: PEOPLE / ((performance.now() - started) / 1000) };
}

async function main(): Promise<void> {
  const slapd = await startPrivateSlapd();
  const broker = await startTestBroker({ env: { YUNZHUO_LOGIN_MAX_FAILURES_PER_ADDRESS: '100000' } });
  try {
    slapd.ldif(
      [
        `dn: ${people}\nobjectClass: organizationalUnit\nou: people\n`,
        `dn: ${SERVICE_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: yunzhuo\nuserPassword: svc-pass-2026\n`,
        ...Array.from(
          { length: PEOPLE },
          (_, i) => `dn: uid=dir${i},${people}\nobjectClass: inetOrgPerson\nuid: dir${i}\ncn: 目录${i}\nsn: 目\nuserPassword: ${password(i)}\n`,
        ),
      ].join('\n'),
    );
    const f = new Factory(broker.admin);
    for (let i = 0; i < PEOPLE; i++) await f.account({ username: `local${i}`, password: password(i), roles: ['auditor'], mustChangePassword: false });
    await broker.admin.create('/api/v1/identity-sources', {
      name: '县政务外网目录',
      urls: [slapd.url],
      baseDn: people,
      bindMode: 'search',
      serviceDn: SERVICE_DN,
      servicePassword: 'svc-pass-2026',
      defaultRoles: ['auditor'],
    });
    const local = await rush(broker.url, (i) => `local${i}`);
    const firstLdap = await rush(broker.url, (i) => `dir${i}`);
    const ldap = await rush(broker.url, (i) => `dir${i}`);
    writeBenchResult(
      'ldap',
      {
        ldap_e2e_p99_ms: ldap.p99,
        ldap_first_login_p99_ms: firstLdap.p99,
        local_e2e_p99_ms: local.p99,
        ldap_logins_per_second: ldap.perSecond,
        ldap_first_logins_per_second: firstLdap.perSecond,
        local_logins_per_second: local.perSecond,
        ldap_to_local_rate: ratioTo(ldap.perSecond, local.perSecond),
        people: PEOPLE,
      },
      {},
      {
        ldap_e2e_p99_ms: `${PEOPLE} console sign-ins at once through LDAP search + bind (accounts known), request → answer`,
        ldap_first_login_p99_ms: 'the same, each account made just in time',
        local_e2e_p99_ms: 'the same people as local accounts (scrypt), same run',
        ldap_to_local_rate: 'LDAP logins/s ÷ local logins/s',
      },
    );
  } finally {
    await broker.stop();
    await slapd.stop();
  }
}

await main();
