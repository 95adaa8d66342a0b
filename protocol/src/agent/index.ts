export * from './version.js';
export * from './lifecycle.js';
export * from './close-codes.js';
export * from './commands.js';
export * from './messages.js';
export * from './enrollment.js';
export * from './window-screen.js';
