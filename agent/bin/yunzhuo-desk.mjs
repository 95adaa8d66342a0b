#!/usr/bin/env node
// The companion inside the desktop, TypeScript run through tsx's loader like the agent.
import { register } from 'tsx/esm/api';

register();
await import('../src/desk/desk-main.ts');
