// The smallest bench, for bench-report.test.ts: one measured figure and one target, reported
// through the shared writer and ended with process.exit() like the real benches.
import { writeBenchResult } from './bench-report.js';

const TARGETS = { answer: '== 42' } as const;

writeBenchResult('tiny', { answer: 6 * 7 }, TARGETS);
process.exit();
