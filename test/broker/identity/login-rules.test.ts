import assert from 'node:assert/strict';
import { AuditEvent } from '../../../broker/src/audit/audit-event.model.js';
import { ApiClient, assertError } from '../../helpers/api-client.js';
import { Factory } from '../../helpers/factories.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

/** Issue 18: login rules per department, role or account, each refusal naming its rule and audited. */
describe('login rules: window sites, office hours, console networks', function () {
  this.timeout(60_000);
  // Tuesday 2026-12-01, 08:30 in Shanghai
  const clock = new ManualClock();
  let broker: TestBroker;
  let f: Factory;
  let hall: Awaited<ReturnType<Factory['hall']>>;
  let countyWindow: ApiClient;

  before(async () => {
    broker = await startTestBroker({ clock });
    f = new Factory(broker.admin);
    hall = await f.hall({ desktops: 4 });
    countyWindow = (await f.windowWithTerminal(hall.site.id)).client;
  });
  after(() => broker.stop());

  it('a clerk of the town is refused at a county window, the rule named in Chinese and audited; a county clerk is not', async () => {
    const town = await f.site({ parentId: hall.site.id, kind: 'town', name: '城东镇便民服务中心' });
    const department = await f.department();
    const pool = await f.pool(department.id, hall.site.id, [hall.gateway.id]);
    await f.desktop(pool.id);
    await broker.admin.create('/api/v1/login-rules', { name: '窗口人员只在本站点登录', departmentIds: [department.id], windowsAtHomeSite: true });
    const townClerk = await f.account({ homeSiteId: town.id, departmentIds: [department.id] });
    const countyClerk = await f.account({ homeSiteId: hall.site.id, departmentIds: [department.id] });

    const refused = await countyWindow.post('/api/v1/terminal/sessions', { username: townClerk.username, password: 'clerk-pass-1' });
    assertError(refused, 403, 'LOGIN_RULE_REFUSED');
    assert.match(refused.body.error.message, /登录规则「窗口人员只在本站点登录」：不能在本窗口所在站点登录/);
    const audit = await AuditEvent.findOne({ where: { action: 'login.refused', targetId: townClerk.id } });
    assert.equal(audit?.details?.rule, '窗口人员只在本站点登录');
    assert.equal(audit?.details?.restriction, 'window-site');

    const allowed = await countyWindow.post('/api/v1/terminal/sessions', { username: countyClerk.username, password: 'clerk-pass-1' });
    assert.equal(allowed.status, 201, JSON.stringify(allowed.body));
  });

  it('office hours on working days, on the injected clock and the holiday calendar', async () => {
    const department = await f.department();
    const pool = await f.pool(department.id, hall.site.id, [hall.gateway.id]);
    await f.desktop(pool.id);
    await f.desktop(pool.id);
    const rule = await broker.admin.create('/api/v1/login-rules', {
      name: '工作日办公时间',
      departmentIds: [department.id],
      hours: { from: '08:30', to: '17:30' },
    });
    const clerk = await f.account({ homeSiteId: hall.site.id, departmentIds: [department.id] });
    const login = () => countyWindow.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' });

    const tuesdayMorning = await login(); // Tuesday 08:30: open
    assert.equal(tuesdayMorning.status, 201, JSON.stringify(tuesdayMorning.body));

    // the rule now opens at 08:31: one minute before, refused; at 08:31, allowed
    assert.equal((await broker.admin.request('PATCH', `/api/v1/login-rules/${rule.id}`, { hours: { from: '08:31', to: '17:30' } })).status, 200);
    const early = await login();
    assertError(early, 403, 'LOGIN_RULE_REFUSED');
    assert.match(early.body.error.message, /「工作日办公时间」：当前不在允许登录的时间/);
    clock.advance(60_000);
    assert.equal((await login()).status, 201);

    // a holiday listed in the calendar closes the Tuesday
    assert.equal((await broker.admin.request('PUT', '/api/v1/calendar-days/2026-12-01', { kind: 'holiday', label: '调休放假' })).status, 200);
    assertError(await login(), 403, 'LOGIN_RULE_REFUSED');
    assert.equal(await AuditEvent.count({ where: { action: 'login.refused', targetId: clerk.id } }), 2);
  });

  it('a console user outside the allowed networks is refused with the rule named, audited; inside, signed in', async () => {
    const site = await f.site();
    const outside = await f.account({ roles: ['site-admin'], homeSiteId: site.id, password: 'Site-admin-pass-1' });
    const inside = await f.account({ roles: ['site-admin'], homeSiteId: site.id, password: 'Site-admin-pass-1' });
    await broker.admin.create('/api/v1/login-rules', { name: '管理台仅限政务外网', accountIds: [outside.id], consoleNetworks: ['10.8.0.0/16'] });
    await broker.admin.create('/api/v1/login-rules', { name: '管理台本机', accountIds: [inside.id], consoleNetworks: ['127.0.0.0/8', '::1'] });
    assertError(await broker.admin.post('/api/v1/login-rules', { name: '坏网络', consoleNetworks: ['999.1.1.1/8'] }), 400, 'VALIDATION_FAILED');

    const refused = await new ApiClient(broker.url).post('/api/v1/auth/login', { username: outside.username, password: 'Site-admin-pass-1' });
    assertError(refused, 403, 'LOGIN_RULE_REFUSED');
    assert.match(refused.body.error.message, /「管理台仅限政务外网」：不能从当前网络地址登录管理台/);
    assert.equal(await AuditEvent.count({ where: { action: 'auth.login.refused', targetId: outside.id } }), 1);
    assert.equal((await new ApiClient(broker.url).login(inside.username, 'Site-admin-pass-1')).status, 200);
  });
});
