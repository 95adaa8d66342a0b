// Benches measure what ships: the broker's production bundle (`npm run build:broker` writes
// broker/dist/main.js, which `npm start` runs with plain node), and bench children that host
// broker code bundled with the very settings of that build (broker/scripts/bundle-options.mjs).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { build } from 'esbuild';
import { bundleOptions } from '../../broker/scripts/bundle-options.mjs';
import { BUILT_BROKER } from '../helpers/broker-process.js';
import { resultsDir } from './bench-report.js';

/** Builds broker/dist/main.js from the current sources (a few seconds) and returns its path. */
export function buildBrokerBundle(): string {
  execFileSync('npm', ['run', 'build:broker', '--silent'], { stdio: 'inherit' });
  return BUILT_BROKER;
}

/** Bundles a bench child (`x.child.ts`) into <results>/bundle/x.child.js, to run with plain node. */
export async function bundleBenchChild(entry: string): Promise<string> {
  const name = path.basename(entry, '.ts');
  const outdir = path.join(resultsDir(), 'bundle');
  await build(bundleOptions({ entryPoints: { [name]: entry }, outdir }));
  return path.join(outdir, `${name}.js`);
}
