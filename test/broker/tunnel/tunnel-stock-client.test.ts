// The stock Guacamole.WebSocketTunnel of guacamole-common-js 1.5.0, unchanged, against the relay.
// Node has no browser globals: `WebSocket` is the `ws` package's (recording what goes each way),
// and `window` gives the tunnel timers on a manual clock (window.setTimeout/clearTimeout are all
// the tunnel uses of it for a ws:// URL), so its ping period and its 1.5 s instability threshold
// run when the test says.
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import type * as GuacamoleTypes from 'guacamole-common-js';
import { INTERNAL_OPCODE, encodeInstruction } from '@yunzhuo/protocol';
import { AppError } from '../../../broker/src/lib/app-error.js';
import type { ClockTimer } from '../../../broker/src/lib/clock.js';
import { FakeGuacd } from '../../helpers/fake-guacd.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { eventually } from '../../helpers/eventually.js';
import { startRelay, target, type RelayUnderTest } from './tunnel-test-kit.js';

type Guacamole = typeof GuacamoleTypes;

/** The `ws` client, keeping the text of every message sent and received. */
class RecordingWebSocket extends WebSocket {
  static last: RecordingWebSocket | null = null;
  readonly sentTexts: string[] = [];
  readonly receivedTexts: string[] = [];

  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    RecordingWebSocket.last = this;
    this.on('message', (data) => this.receivedTexts.push(String(data)));
    const send = this.send.bind(this) as (data: unknown) => void;
    this.send = ((data: unknown) => {
      this.sentTexts.push(String(data));
      send(data);
    }) as WebSocket['send'];
  }
}

/** The timestamps of the internal pings among `texts` (the stock client's, or our answers). */
function pingStamps(texts: string[]): string[] {
  const prefix = encodeInstruction(INTERNAL_OPCODE, 'ping', '').slice(0, -'0.;'.length);
  return texts.filter((t) => t.startsWith(prefix)).map((t) => t.slice(prefix.length).replace(/^\d+\.|;$/g, ''));
}

describe('tunnel: the stock Guacamole.WebSocketTunnel', function () {
  let Guacamole: Guacamole;
  let relay: RelayUnderTest | undefined;
  let guacd: FakeGuacd | undefined;
  let browserClock: ManualClock;
  const saved = { window: Reflect.get(globalThis, 'window'), WebSocket: Reflect.get(globalThis, 'WebSocket') };

  before(async function () {
    Object.assign(globalThis, { window: globalThis, WebSocket: RecordingWebSocket });
    // The package's ESM build has a default export; its typings describe the namespace itself.
    const loaded = (await import('guacamole-common-js')) as unknown as { default: Guacamole };
    Guacamole = loaded.default;
  });

  beforeEach(function () {
    const clock = (browserClock = new ManualClock());
    const window = {
      setTimeout: (fn: () => void, ms: number) => clock.setTimeout(fn, ms),
      // the tunnel clears timers it never set (null) too
      clearTimeout: (timer: ClockTimer | null | undefined) => timer && clock.clearTimeout(timer),
    };
    Object.assign(globalThis, { window });
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

  function connect(
    url: string,
    data: string,
  ): { tunnel: GuacamoleTypes.WebSocketTunnel; received: Array<[string, string[]]>; errors: GuacamoleTypes.Status[]; states: number[] } {
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
    await eventually(() => {
      assert.deepEqual(
        received.map(([op]) => op),
        ['size', 'sync'],
      );
      return true;
    });
    assert.match(tunnel.uuid ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(tunnel.state, Guacamole.Tunnel.State.OPEN);
    const socket = RecordingWebSocket.last!;
    const sent = (): string[] => pingStamps(socket.sentTexts);
    const answered = (): string[] => pingStamps(socket.receivedTexts);
    // guacd is silent from here; only our ping answers keep the tunnel from turning UNSTABLE
    // (1.5 s without a message). 2.5 s of its time, a ping every 500 ms:
    for (let i = 0; i < 5; i++) {
      const before = sent().length;
      browserClock.advance(500);
      assert.equal(sent().length, before + 1, 'the stock tunnel pinged');
      await eventually(() => {
        assert.deepEqual(answered(), sent(), 'an answer for every ping, with its timestamp');
        return true;
      });
    }
    assert.equal(sent().length, 5);
    assert.ok(!states.includes(Guacamole.Tunnel.State.UNSTABLE), `states: ${states.join(',')}`);
    assert.deepEqual(errors, []);
    // The threshold is live: with no answer read (no I/O runs between these lines) it turns
    // UNSTABLE one tick past 1.5 s after the last answer, and the answer still due makes it OPEN.
    browserClock.advance(1499);
    assert.equal(tunnel.state, Guacamole.Tunnel.State.OPEN);
    browserClock.advance(1);
    assert.equal(tunnel.state, Guacamole.Tunnel.State.UNSTABLE);
    await eventually(() => {
      assert.equal(tunnel.state, Guacamole.Tunnel.State.OPEN);
      return true;
    });
    tunnel.sendMessage('key', 65507, 1);
    const conn = await guacd.connection(1);
    const key = await conn.waitFor((i) => i.opcode === 'key');
    assert.deepEqual(key.args, ['65507', '1']);
    tunnel.disconnect();
    await eventually(() => {
      assert.deepEqual(relay?.broker.called('markClosed'), [['session-1', 'browser-closed']]);
      return true;
    });
  });

  it('reports a refused token with status 769 and our error code', async function () {
    relay = await startRelay();
    relay.broker.tokens.set('t1', new AppError('TOKEN_EXPIRED'));
    const { received, errors } = connect(relay.url, 'token=t1');
    await eventually(() => {
      assert.equal(errors.length, 1);
      return true;
    });
    const error = received.find(([op]) => op === 'error');
    assert.ok(error?.[1][0]?.includes('TOKEN_EXPIRED'));
    assert.equal(error?.[1][1], '769');
    assert.equal(errors[0]?.code, 769, 'the WebSocket close reason starts with the status');
    assert.equal(errors[0]?.message, '769 TOKEN_EXPIRED');
  });
});
