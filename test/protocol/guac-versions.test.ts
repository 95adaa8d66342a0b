import assert from 'node:assert/strict';
import {
  CLIENT_INPUT_OPCODES,
  CLIENT_STREAM_OPCODES,
  GUAC_PROTOCOL_VERSIONS,
  INTERNAL_OPCODE,
  isClientInputOpcode,
  isClientStreamOpcode,
  negotiateVersion,
} from '../../protocol/src/guacamole/index.js';

describe('guacamole versions and opcodes', () => {
  it('announces the server version up to our latest, with its handshake flags', () => {
    assert.deepEqual(negotiateVersion('VERSION_1_3_0'), { version: 'VERSION_1_3_0', versionArg: true, sendTimezone: true, sendName: false });
    assert.deepEqual(negotiateVersion('VERSION_1_1_0'), { version: 'VERSION_1_1_0', versionArg: true, sendTimezone: true, sendName: false });
    assert.deepEqual(negotiateVersion('VERSION_1_5_0'), { version: 'VERSION_1_5_0', versionArg: true, sendTimezone: true, sendName: true });
    assert.deepEqual(negotiateVersion('VERSION_1_6_2'), { version: 'VERSION_1_5_0', versionArg: true, sendTimezone: true, sendName: true });
    assert.deepEqual(negotiateVersion('VERSION_1_0_0'), { version: 'VERSION_1_0_0', versionArg: true, sendTimezone: false, sendName: false });
  });

  it('treats guacd before 1.1 (no version element) as 1.0.0', () => {
    const old = { version: 'VERSION_1_0_0', versionArg: false, sendTimezone: false, sendName: false };
    assert.deepEqual(negotiateVersion('hostname'), old);
    assert.deepEqual(negotiateVersion(undefined), old);
    assert.deepEqual(negotiateVersion('VERSION_1_x_0'), old);
  });

  it('lists known versions oldest first', () => {
    assert.deepEqual(GUAC_PROTOCOL_VERSIONS, ['VERSION_1_0_0', 'VERSION_1_1_0', 'VERSION_1_3_0', 'VERSION_1_5_0']);
  });

  it('splits client opcodes into input and stream sets that do not overlap', () => {
    const all = [...CLIENT_INPUT_OPCODES, ...CLIENT_STREAM_OPCODES].sort();
    assert.deepEqual(all, [
      'ack',
      'argv',
      'audio',
      'blob',
      'clipboard',
      'disconnect',
      'end',
      'file',
      'get',
      'key',
      'mouse',
      'nop',
      'pipe',
      'put',
      'size',
      'sync',
      'touch',
    ]);
    assert.ok(isClientInputOpcode('key') && !isClientInputOpcode('clipboard'));
    assert.ok(isClientStreamOpcode('clipboard') && !isClientStreamOpcode('mouse'));
    assert.ok(!isClientInputOpcode(INTERNAL_OPCODE) && !isClientStreamOpcode('select'));
  });
});
