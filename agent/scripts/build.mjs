// The thin client's agent: one ES module (agent/dist/yunzhuo-agent.mjs) with agent/src, protocol/src,
// ws and zod inside, run by the box's plain `node` (no tsx, no node_modules on the thin client).
// Nothing native goes in, so one bundle serves amd64 and arm64 (UOS/Kylin) alike; ws's optional
// native helpers (bufferutil, utf-8-validate) stay out and ws uses its JavaScript code.
// `node build.mjs connector` builds the town connector the same way (agent/dist/yunzhuo-connector.mjs).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const BUNDLES = {
  agent: { entry: '../src/main.ts', out: '../dist/yunzhuo-agent.mjs' },
  connector: { entry: '../src/connector/connector-main.ts', out: '../dist/yunzhuo-connector.mjs' },
};
const which = process.argv[2] ?? 'agent';
const bundle = BUNDLES[which];
if (!bundle) throw new Error(`build.mjs: unknown bundle ${which} (${Object.keys(BUNDLES).join(', ')})`);
export const bundleFile = new URL(bundle.out, import.meta.url).pathname;

const result = await build({
  entryPoints: [new URL(bundle.entry, import.meta.url).pathname],
  outfile: bundleFile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['bufferutil', 'utf-8-validate'],
  // ws is CommonJS and require()s its optional helpers: give the bundle a real require
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as yzCreateRequire } from 'node:module';\nconst require = yzCreateRequire(import.meta.url);" },
  define: { YUNZHUO_AGENT_BUILD_VERSION: JSON.stringify(pkg.version) },
  metafile: true,
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
console.log(`agent/dist/${bundleFile.split('/').at(-1)} built (${Math.round(bytes / 1024)} KiB)`);
