export * from './guacamole/index.js';
