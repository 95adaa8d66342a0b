// Prints the gzip size of every built asset and enforces the budget of the console's INITIAL
// JavaScript: the entry chunk of index.html plus every chunk it imports statically. Chunks
// loaded on demand (reports, recording player) do not count. Exits 1 over budget.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 300 * 1024;
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
const manifest = JSON.parse(readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8'));

const gzipBytes = (file) => gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

function staticClosure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const dep of manifest[key]?.imports ?? []) staticClosure(dep, seen);
  return seen;
}

const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry && k.endsWith('index.html'));
if (!entryKey) {
  console.error('check-size: no index.html entry in the manifest');
  process.exit(1);
}
const initial = new Set([...staticClosure(entryKey)].map((k) => manifest[k].file));

const rows = [...new Set(Object.values(manifest).flatMap((c) => [c.file, ...(c.css ?? [])]))]
  .map((file) => ({ file, gzip: gzipBytes(file), initial: initial.has(file) }))
  .sort((a, b) => b.gzip - a.gzip);
console.log('\nconsole build sizes (gzip):');
for (const r of rows) console.log(`  ${r.initial ? '*' : ' '} ${kb(r.gzip).padStart(10)}  ${r.file}`);
const total = rows.filter((r) => r.initial && r.file.endsWith('.js')).reduce((sum, r) => sum + r.gzip, 0);
console.log(`  (* = loaded by /console at start)\ninitial JS of the console: ${kb(total)} gzip (budget ${kb(BUDGET_BYTES)})`);
if (total > BUDGET_BYTES) {
  console.error(`check-size: initial JS ${kb(total)} exceeds the ${kb(BUDGET_BYTES)} budget`);
  process.exit(1);
}
