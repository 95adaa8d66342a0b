import assert from 'node:assert/strict';
import { codePointLength, encodeInstruction, encodeInstructionBuffer } from '../../protocol/src/guacamole/index.js';

describe('guacamole encoder', () => {
  it('writes length-prefixed elements', () => {
    assert.equal(encodeInstruction('size', 0, 1024, 768), '4.size,1.0,4.1024,3.768;');
    assert.equal(encodeInstruction('select', 'rdp'), '6.select,3.rdp;');
    assert.equal(encodeInstruction('nop'), '3.nop;');
  });

  it('counts code points, not UTF-16 units or bytes', () => {
    assert.equal(encodeInstruction('name', '你好'), '4.name,2.你好;');
    assert.equal(encodeInstruction('x', '😀'), '1.x,1.😀;');
    assert.equal(encodeInstructionBuffer('x', '😀').length, '1.x,1.'.length + 4 + 1);
    assert.equal(encodeInstructionBuffer('', '你好').toString('hex'), Buffer.from('0.,2.你好;').toString('hex'));
    assert.equal(codePointLength('a😀b你'), 4);
  });

  it('counts a lone surrogate as the one U+FFFD that Buffer writes for it', () => {
    const lone = 'a\ud800b';
    assert.equal(codePointLength(lone), 3);
    assert.equal(encodeInstructionBuffer('x', lone).toString(), '1.x,3.a\ufffdb;');
  });

  it('writes the internal channel opcode as an empty element', () => {
    const uuid = '8c5e0f3a-1b2c-4d5e-8f90-a1b2c3d4e5f6';
    assert.equal(encodeInstruction('', uuid), `0.,36.${uuid};`);
    assert.equal(encodeInstruction('', 'ping', 1700000000000), '0.,4.ping,13.1700000000000;');
  });

  it('keeps separators inside elements as data', () => {
    assert.equal(encodeInstruction('clipboard', 'a,b;c.'), '9.clipboard,6.a,b;c.;');
  });

  it('refuses non-finite numbers', () => {
    assert.throws(() => encodeInstruction('mouse', Number.NaN), RangeError);
    assert.throws(() => encodeInstruction('mouse', Number.POSITIVE_INFINITY), RangeError);
  });
});
