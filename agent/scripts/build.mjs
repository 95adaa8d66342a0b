// The thin client's agent: one ES module (agent/dist/yunzhuo-agent.mjs) with agent/src, protocol/src,
// ws and zod inside, run by the box's plain `node` (no tsx, no node_modules on the thin client).
// Nothing native goes in, so one bundle serves amd64 and arm64 (UOS/Kylin) alike; ws's optional
// native helpers (bufferutil, utf-8-validate) stay out and ws uses its JavaScript code.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
export const bundleFile = new URL('../dist/yunzhuo-agent.mjs', import.meta.url).pathname;

const result = await build({
  entryPoints: [new URL('../src/main.ts', import.meta.url).pathname],
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
console.log(`agent/dist/yunzhuo-agent.mjs built (${Math.round(bytes / 1024)} KiB)`);
