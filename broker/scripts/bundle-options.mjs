// The esbuild settings of the production bundle: build.mjs uses them for broker/dist/, and the
// benches for harnesses around broker code (test/bench/bench-bundle.ts), so a bench measures the
// code as it ships (no tsx, no keepNames wrappers, no source maps at run time).
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// npm packages stay external (installed next to it); our own workspaces are bundled in
const external = Object.keys(pkg.dependencies).filter((name) => !name.startsWith('@yunzhuo/'));

/** @param {{ entryPoints: Record<string, string>; outdir: string }} what */
export function bundleOptions({ entryPoints, outdir }) {
  return /** @type {const} */ ({
    entryPoints,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external,
    sourcemap: 'linked', // for `node --enable-source-maps` when a stack trace must point into the sources
    metafile: true,
    logLevel: 'warning',
  });
}
