export * from './errors.js';
export * from './limits.js';
export * from './encoder.js';
export * from './decoder.js';
export * from './boundary.js';
export * from './spans.js';
export * from './opcodes.js';
export * from './versions.js';
