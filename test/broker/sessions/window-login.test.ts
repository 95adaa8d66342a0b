import assert from 'node:assert/strict';
import { assertError } from '../../helpers/api-client.js';
import { Factory } from '../../helpers/factories.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

describe('brokering engine: window login', () => {
  let broker: TestBroker;
  let f: Factory;
  const clock = new ManualClock();

  before(async () => {
    broker = await startTestBroker({ clock });
    f = new Factory(broker.admin);
  });
  after(() => broker.stop());

  it('gives a clerk a desktop of its department and a single-use tunnel token', async () => {
    const hall = await f.hall({ desktops: 1 });
    const clerk = await f.account({ departmentIds: [hall.department.id], homeSiteId: hall.site.id });
    const { client } = await f.windowWithTerminal(hall.site.id);
    const res = await client.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.session.poolId, hall.pool.id);
    assert.equal(res.body.session.state, 'requested');
    assert.ok(res.body.tunnel.token.length >= 22);
    const target = await broker.lifecycle.redeemToken(res.body.tunnel.token);
    assert.equal(target.desktop.id, hall.desktops[0].id);
    assert.equal(target.desktop.password, 'Desk-secret-1!');
    await assert.rejects(broker.lifecycle.redeemToken(res.body.tunnel.token), { code: 'TOKEN_USED' });
  });

  it('refuses wrong passwords, disabled and locked accounts with their own codes', async () => {
    const hall = await f.hall({ desktops: 1 });
    const { client } = await f.windowWithTerminal(hall.site.id);
    const disabled = await f.account({ departmentIds: [hall.department.id], disabled: true });
    const locked = await f.account({ departmentIds: [hall.department.id], locked: true });
    assertError(await client.post('/api/v1/terminal/sessions', { username: disabled.username, password: 'nope-nope' }), 401, 'INVALID_CREDENTIALS');
    assertError(await client.post('/api/v1/terminal/sessions', { username: disabled.username, password: 'clerk-pass-1' }), 403, 'ACCOUNT_DISABLED');
    assertError(await client.post('/api/v1/terminal/sessions', { username: locked.username, password: 'clerk-pass-1' }), 403, 'ACCOUNT_LOCKED');
  });

  it('refuses an unknown terminal credential', async () => {
    const res = await broker.admin.request(
      'POST',
      '/api/v1/terminal/sessions',
      { username: 'x', password: 'y' },
      { headers: { authorization: 'Terminal 00000000-0000-4000-8000-000000000000.forged' } },
    );
    assertError(res, 401, 'TERMINAL_UNKNOWN');
  });
});
