export * from './common.js';
export * from './resources.js';
export * from './window.js';
export * from './names.js';
