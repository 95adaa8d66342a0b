#!/usr/bin/env node
// The town connector (docs/TOWNS.md), TypeScript run through tsx's loader like the agent.
import { register } from 'tsx/esm/api';

register();
await import('../src/connector/connector-main.ts');
