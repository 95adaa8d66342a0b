// Builds yunzhuo-desk for desktop images: one ES module bundle (agent/src/desk + protocol + zod)
// run by plain `node`, koffi beside it (its prebuilt native binary, no compiler), and a Debian
// package that installs it with an XDG autostart entry. Usage: node agent/scripts/package-desk.mjs [outDir]
// Output: <outDir>/yunzhuo-desk.mjs and <outDir>/yunzhuo-desk_<version>_amd64.deb (default agent/dist).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const agentDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.resolve(agentDir, '..');
const outDir = path.resolve(process.argv[2] ?? path.join(agentDir, 'dist'));
const { version } = JSON.parse(readFileSync(path.join(agentDir, 'package.json'), 'utf8'));
const modules = path.join(root, 'node_modules');

mkdirSync(outDir, { recursive: true });
const bundle = path.join(outDir, 'yunzhuo-desk.mjs');
await build({
  entryPoints: [path.join(agentDir, 'src/desk/desk-main.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['koffi'], // native: loaded from node_modules beside the bundle
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
chmodSync(bundle, 0o755);

// The Debian package: /opt/yunzhuo-desk (bundle + koffi), /usr/bin/yunzhuo-desk, an autostart entry.
const stage = mkdtempSync(path.join(tmpdir(), 'yunzhuo-desk-deb-'));
try {
  const opt = path.join(stage, 'opt/yunzhuo-desk');
  mkdirSync(path.join(opt, 'node_modules/@koromix'), { recursive: true });
  cpSync(bundle, path.join(opt, 'yunzhuo-desk.mjs'));
  cpSync(path.join(modules, 'koffi'), path.join(opt, 'node_modules/koffi'), { recursive: true, filter: (src) => !/\/koffi\/(doc|vendor)(\/|$)/.test(src) });
  cpSync(path.join(modules, '@koromix/koffi-linux-x64'), path.join(opt, 'node_modules/@koromix/koffi-linux-x64'), { recursive: true });
  mkdirSync(path.join(stage, 'usr/bin'), { recursive: true });
  writeFileSync(path.join(stage, 'usr/bin/yunzhuo-desk'), '#!/bin/sh\nexec node /opt/yunzhuo-desk/yunzhuo-desk.mjs "$@"\n', { mode: 0o755 });
  mkdirSync(path.join(stage, 'etc/xdg/autostart'), { recursive: true });
  writeFileSync(path.join(stage, 'etc/xdg/autostart/yunzhuo-desk.desktop'), [
    '[Desktop Entry]', 'Type=Application', 'Name=yunzhuo-desk', 'Name[zh_CN]=云桌桌面助手',
    'Comment=Window devices (ID card reader) for business pages in this desktop', 'Exec=/usr/bin/yunzhuo-desk', 'NoDisplay=true', '',
  ].join('\n'));
  mkdirSync(path.join(stage, 'DEBIAN'));
  writeFileSync(path.join(stage, 'DEBIAN/control'), [
    'Package: yunzhuo-desk', `Version: ${version}`, 'Architecture: amd64', 'Section: misc', 'Priority: optional',
    'Depends: nodejs (>= 18)', 'Maintainer: Yunzhuo <yunzhuo@localhost>',
    'Description: Yunzhuo companion inside the desktop',
    ' Serves the local ID card reader API (ZKIDROnline, 127.0.0.1:24010) that business pages call',
    ' and carries each request to the window\'s devices over the RDP static channel YZDEV.', '',
  ].join('\n'));
  const deb = path.join(outDir, `yunzhuo-desk_${version}_amd64.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '--build', stage, deb], { stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`built ${bundle} and ${deb}`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
