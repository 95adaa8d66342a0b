// The stock Guacamole.WebSocketTunnel of guacamole-common-js 1.5.0, unchanged, against the relay.
// Node has no browser globals: `window` is globalThis and `WebSocket` is the `ws` package's.
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import type * as GuacamoleTypes from 'guacamole-common-js';
import { AppError } from '../../../broker/src/lib/app-error.js';
import { FakeGuacd } from '../../helpers/fake-guacd.js';
import { eventually, sleep, startRelay, target, type RelayUnderTest } from './tunnel-test-kit.js';

type Guacamole = typeof GuacamoleTypes;

describe('tunnel: the stock Guacamole.WebSocketTunnel', function () {
  let Guacamole: Guacamole;
  let relay: RelayUnderTest | undefined;
  let guacd: FakeGuacd | undefined;
  const saved = { window: Reflect.get(globalThis, 'window'), WebSocket: Reflect.get(globalThis, 'WebSocket') };

  before(async function () {
    Object.assign(globalThis, { window: globalThis, WebSocket });
    // The package's ESM build has a default export; its typings describe the namespace itself.
    const loaded = (await import('guacamole-common-js')) as unknown as { default: Guacamole };
    Guacamole = loaded.default;
  });

  after(function () {
    Object.assign(globalThis, saved);
  });

  afterEach(async function () {
    await relay?.close();
    await guacd?.close();
    relay = undefined;
    guacd = undefined;
  });

  function connect(url: string, data: string): { tunnel: GuacamoleTypes.WebSocketTunnel; received: Array<[string, string[]]>; errors: GuacamoleTypes.Status[]; states: number[] } {
    const tunnel = new Guacamole.WebSocketTunnel(url);
    const received: Array<[string, string[]]> = [];
    const errors: GuacamoleTypes.Status[] = [];
    const states: number[] = [];
    // The tunnel reuses its args array after the handler returns: keep a copy.
    tunnel.oninstruction = (opcode, args) => received.push([opcode, args.map(String)]);
    tunnel.onerror = (status) => errors.push(status);
    tunnel.onstatechange = (state) => states.push(state);
    tunnel.connect(data);
    return { tunnel, received, errors, states };
  }

  it('opens, takes the UUID, stays stable on answered pings, and carries input', async function () {
    guacd = await FakeGuacd.start();
    relay = await startRelay();
    relay.broker.tokens.set('t1', target([guacd]));
    const { tunnel, received, errors, states } = connect(relay.url, 'token=t1&width=1280&height=720&dpi=96');
    await eventually(() => assert.deepEqual(received.map(([op]) => op), ['size', 'sync']));
    assert.match(tunnel.uuid ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(tunnel.state, Guacamole.Tunnel.State.OPEN);
    // guacd is silent from here; only our ping answers keep the tunnel from turning UNSTABLE (1.5 s).
    await sleep(2200);
    assert.ok(!states.includes(Guacamole.Tunnel.State.UNSTABLE), `states: ${states.join(',')}`);
    assert.deepEqual(errors, []);
    tunnel.sendMessage('key', 65507, 1);
    const conn = await guacd.connection(1);
    const key = await conn.waitFor((i) => i.opcode === 'key');
    assert.deepEqual(key.args, ['65507', '1']);
    tunnel.disconnect();
    await eventually(() => assert.deepEqual(relay?.broker.called('markClosed'), [['session-1', 'browser-closed']]));
  });

  it('reports a refused token with status 769 and our error code', async function () {
    relay = await startRelay();
    relay.broker.tokens.set('t1', new AppError('TOKEN_EXPIRED'));
    const { received, errors } = connect(relay.url, 'token=t1');
    await eventually(() => assert.equal(errors.length, 1));
    const error = received.find(([op]) => op === 'error');
    assert.ok(error?.[1][0]?.includes('TOKEN_EXPIRED'));
    assert.equal(error?.[1][1], '769');
    assert.equal(errors[0]?.code, 769, 'the WebSocket close reason starts with the status');
    assert.equal(errors[0]?.message, '769 TOKEN_EXPIRED');
  });
});
