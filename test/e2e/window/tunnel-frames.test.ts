// How the clipboard suite's frame reader splits the Guacamole instructions a tunnel carries.
import assert from 'node:assert/strict';
import { parseInstructions } from './tunnel-frames.js';

describe('tunnel frames: parsing Guacamole instructions', () => {
  it('splits whole instructions, lengths counted in code points', () => {
    const text = '4.sync,13.1733300000000;9.clipboard,1.0,10.text/plain;4.blob,1.0,2.𠀀税;';
    assert.deepEqual(parseInstructions(text), {
      instructions: [
        ['sync', '1733300000000'],
        ['clipboard', '0', 'text/plain'],
        ['blob', '0', '𠀀税'],
      ],
      rest: '',
    });
  });

  it('keeps an instruction cut by a frame for the next one, and the tunnel’s own empty opcode', () => {
    const first = parseInstructions('0.,4.ping,3.123;5.mouse,3.30');
    assert.deepEqual(first.instructions, [['', 'ping', '123']]);
    assert.equal(first.rest, '5.mouse,3.30');
    const second = parseInstructions(`${first.rest}0,3.300;`);
    assert.deepEqual(second, { instructions: [['mouse', '300', '300']], rest: '' });
    assert.deepEqual(parseInstructions('4.sync,2.1'), { instructions: [], rest: '4.sync,2.1' }, 'an element whose value is cut');
    assert.deepEqual(parseInstructions('4.sync'), { instructions: [], rest: '4.sync' }, 'an element whose terminator is still to come');
  });

  it('throws on text that is not an instruction, rather than reading nothing from it', () => {
    assert.throws(() => parseInstructions('hello;'), /not a Guacamole instruction/);
    assert.throws(() => parseInstructions('4.sync;3.abc:'), /not a Guacamole instruction/);
  });
});
