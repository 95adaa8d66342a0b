// `npm start`: builds the console and the broker bundle only when a source changed since the
// last build, so restarting a service costs the broker's start-up, not two builds (≈ 27 s).
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const TARGETS = [
  {
    script: 'build:console',
    output: 'console/dist/index.html',
    inputs: [
      'console/src',
      'console/index.html',
      'console/terminal.html',
      'console/vite.config.ts',
      'console/package.json',
      'protocol/src',
      'package-lock.json',
    ],
  },
  {
    script: 'build:broker',
    output: 'broker/dist/main.js',
    inputs: ['broker/src', 'broker/migrations', 'broker/scripts', 'broker/package.json', 'protocol/src', 'package-lock.json'],
  },
];

/** Newest modification time under `p` (a file or a folder), 0 when it does not exist. */
function newestMtime(p) {
  let stat;
  try {
    stat = statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

for (const target of TARGETS) {
  const built = newestMtime(path.join(root, target.output));
  const changed = Math.max(...target.inputs.map((input) => newestMtime(path.join(root, input))));
  if (built > 0 && built >= changed) continue;
  process.stdout.write(`${target.script}: ${built === 0 ? 'no build yet' : 'sources changed'}, building…\n`);
  execFileSync('npm', ['run', target.script, '--silent'], { cwd: root, stdio: 'inherit' });
}
