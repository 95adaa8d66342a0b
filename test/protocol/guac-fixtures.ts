import type { Instruction } from '../../protocol/src/guacamole/index.js';

const uuid = '8c5e0f3a-1b2c-4d5e-8f90-a1b2c3d4e5f6';

/** Literal wire bytes and what they mean. */
export const FIXTURES: { wire: Buffer; instructions: Instruction[] }[] = [
  { wire: Buffer.from('4.size,1.0,4.1024,3.768;'), instructions: [{ opcode: 'size', args: ['0', '1024', '768'] }] },
  { wire: Buffer.from([0x32, 0x2e, 0xe4, 0xbd, 0xa0, 0xe5, 0xa5, 0xbd, 0x3b]), instructions: [{ opcode: '你好', args: [] }] },
  { wire: Buffer.from([0x31, 0x2e, 0x78, 0x2c, 0x31, 0x2e, 0xf0, 0x9f, 0x98, 0x80, 0x3b]), instructions: [{ opcode: 'x', args: ['😀'] }] },
  { wire: Buffer.from(`0.,36.${uuid};`), instructions: [{ opcode: '', args: [uuid] }] },
  {
    wire: Buffer.from('0.,4.ping,13.1700000000000;4.sync,8.12345678;'),
    instructions: [
      { opcode: '', args: ['ping', '1700000000000'] },
      { opcode: 'sync', args: ['12345678'] },
    ],
  },
  {
    wire: Buffer.from('9.clipboard,6.a,b;c.,0.,3.é€😀;'),
    instructions: [{ opcode: 'clipboard', args: ['a,b;c.', '', 'é€😀'] }],
  },
  {
    wire: Buffer.from('4.args,13.VERSION_1_3_0,8.hostname,4.port;3.nop;'),
    instructions: [
      { opcode: 'args', args: ['VERSION_1_3_0', 'hostname', 'port'] },
      { opcode: 'nop', args: [] },
    ],
  },
  { wire: Buffer.from('007.leading;'), instructions: [{ opcode: 'leading', args: [] }] },
];
