// Pure modules of the window page (console/src/terminal/guac/), without a browser: how text
// becomes keysyms, how a dropped tunnel is explained, how reconnects are spaced.
import assert from 'node:assert/strict';
import Guacamole from 'guacamole-common-js';
import { backoffMs, MAX_RECONNECT_ATTEMPTS } from '../../../console/src/terminal/guac/backoff.js';
import { keysymsOf } from '../../../console/src/terminal/guac/keysyms.js';
import { relayText, troubleOfApiError, troubleOfStatus } from '../../../console/src/terminal/guac/trouble.js';

const S = Guacamole.Status.Code;
/** what WindowApi throws: an Error with the broker's code */
const refusal = (code: string) => Object.assign(new Error(code), { status: 409, code, serverMessage: `${code} message`, details: {} });

describe('window page: keysyms, trouble, backoff', () => {
  it('types Latin-1 as itself and everything else as 0x01000000 + code point, one per code point', () => {
    assert.deepEqual(keysymsOf('aZ é'), [0x61, 0x5a, 0x20, 0xe9]);
    assert.deepEqual(keysymsOf('税务'), [0x01000000 + 0x7a0e, 0x01000000 + 0x52a1]);
    // 𠀀 (CJK Extension B, a 生僻字 in names) is one keysym, not two surrogate halves
    assert.deepEqual(keysymsOf('𠀀'), [0x01000000 + 0x20000]);
    assert.deepEqual(keysymsOf('a\nb\t'), [0x61, 0xff0d, 0x62, 0xff09]);
    assert.deepEqual(keysymsOf('\u0007\u0085'), [], 'other control characters are dropped');
  });

  it("explains a dropped tunnel by the relay's status and message", () => {
    const taken = troubleOfStatus(S.SESSION_CONFLICT, '已在窗口 A-002 登录 / signed in at window A-002');
    assert.deepEqual([taken.kind, taken.final], ['taken-over', true]);
    assert.deepEqual([troubleOfStatus(S.SESSION_CLOSED, '已注销 / logged off').kind, troubleOfStatus(S.SESSION_CLOSED, null).final], ['session-ended', true]);
    const gateway = troubleOfStatus(S.UPSTREAM_NOT_FOUND, '桌面网关无法连接 / The desktop gateway cannot be reached (GATEWAY_UNAVAILABLE)');
    assert.deepEqual([gateway.kind, gateway.code, gateway.final], ['gateway-down', 'GATEWAY_UNAVAILABLE', false]);
    assert.equal(troubleOfStatus(S.UPSTREAM_ERROR, 'Aborted. See logs.').kind, 'desktop-down', 'guacd spoke: the desktop behind it failed');
    assert.equal(troubleOfStatus(S.UPSTREAM_NOT_FOUND, null).kind, 'network', 'no word at all: the network');
    assert.equal(troubleOfStatus(S.SERVER_BUSY, '515 broker-shutdown').message, null, 'a close reason is not a message for people');
  });

  it('a refused token request says whether the session ended or moved', () => {
    assert.deepEqual([troubleOfApiError(refusal('SESSION_ENDED')).kind, troubleOfApiError(refusal('NOT_FOUND')).kind], ['session-ended', 'taken-over']);
    const network = troubleOfApiError(refusal('NETWORK'));
    assert.deepEqual([network.kind, network.final], ['network', false]);
    assert.equal(troubleOfApiError(new TypeError('fetch failed')).kind, 'network');
  });

  it("shows the relay's text in the page's language", () => {
    const message = '桌面网关无法连接 / The desktop gateway cannot be reached (GATEWAY_UNAVAILABLE)';
    assert.equal(relayText(message, 'zh-CN'), '桌面网关无法连接');
    assert.equal(relayText(message, 'en'), 'The desktop gateway cannot be reached');
    assert.equal(relayText('Aborted. See logs.', 'zh-CN'), 'Aborted. See logs.');
  });

  it('spaces reconnects out, capped and jittered', () => {
    assert.equal(
      backoffMs(1, () => 0.5),
      250,
    );
    assert.equal(
      backoffMs(3, () => 0.5),
      1000,
    );
    assert.equal(
      backoffMs(MAX_RECONNECT_ATTEMPTS + 10, () => 0.5),
      8000,
    );
    assert.equal(
      backoffMs(10, () => 0),
      5600,
    );
    assert.equal(
      backoffMs(10, () => 1),
      10400,
    );
  });
});
