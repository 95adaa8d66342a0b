#!/usr/bin/env node
// The agent is TypeScript run through tsx's loader (no build step on the thin client).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
