export * from './guacamole/index.js';
export * from './agent/index.js';
