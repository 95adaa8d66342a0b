export * from './frame.js';
export * from './frame-errors.js';
export * from './frame-decoder.js';
export * from './messages.js';
export * from './version.js';
export * from './mux-stream.js';
export * from './mux-session.js';
export * from './api.js';
