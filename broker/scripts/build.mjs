// The production broker: one ES module bundle of broker/src and protocol/src (broker/dist/main.js),
// run by plain `node`. npm packages stay external (installed next to it). Running TypeScript
// through tsx in production would also turn on source maps for every stack trace: Sequelize's
// SQLite dialect formats one per query, which costs the login rush about a tenth of its time.
import { build } from 'esbuild';
import { bundleOptions } from './bundle-options.mjs';

const result = await build(
  bundleOptions({
    // the password-hash worker is loaded by its file name (lib/passwords.ts), so it is its own file
    entryPoints: {
      main: new URL('../src/main.ts', import.meta.url).pathname,
      'password-worker': new URL('../src/lib/password-worker.ts', import.meta.url).pathname,
    },
    outdir: new URL('../dist', import.meta.url).pathname,
  }),
);
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
console.log(`broker/dist/main.js and password-worker.js built (${Math.round(bytes / 1024)} KiB with its source map)`);
