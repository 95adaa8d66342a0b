/** Opcode of the tunnel's own channel: `0.,36.<uuid>;` at open, `0.,4.ping,<ms>;` after. */
export const INTERNAL_OPCODE = '';

/** Client→server instructions that carry user input or display state after the handshake. */
export const CLIENT_INPUT_OPCODES = ['key', 'mouse', 'touch', 'size', 'sync', 'nop', 'disconnect'] as const;

/**
 * Client→server instructions that open, feed, acknowledge or close streams and objects
 * (clipboard, file transfer, audio input, named pipes, argument updates). A relay applies
 * its clipboard/file policy to these.
 */
export const CLIENT_STREAM_OPCODES = ['clipboard', 'file', 'pipe', 'audio', 'argv', 'blob', 'end', 'ack', 'get', 'put'] as const;

export type ClientInputOpcode = (typeof CLIENT_INPUT_OPCODES)[number];
export type ClientStreamOpcode = (typeof CLIENT_STREAM_OPCODES)[number];
export type ClientOpcode = ClientInputOpcode | ClientStreamOpcode;

const inputOpcodes: ReadonlySet<string> = new Set(CLIENT_INPUT_OPCODES);
const streamOpcodes: ReadonlySet<string> = new Set(CLIENT_STREAM_OPCODES);

export function isClientInputOpcode(opcode: string): opcode is ClientInputOpcode {
  return inputOpcodes.has(opcode);
}

export function isClientStreamOpcode(opcode: string): opcode is ClientStreamOpcode {
  return streamOpcodes.has(opcode);
}
