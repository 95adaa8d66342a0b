export * from './common.js';
export * from './resources.js';
