// Builds yunzhuo-desk for desktop images: one ES module bundle (agent/src/desk + protocol + zod)
// run by plain `node`, koffi beside it (its prebuilt native binary, no compiler), and a Debian
// package that installs it with an XDG autostart entry; with --windows also a zip for Windows
// desktop images (koffi's win32-x64 binary is fetched from the npm registry with `npm pack`).
// Usage: node agent/scripts/package-desk.mjs [outDir] [--windows]
// Output in outDir (default agent/dist): yunzhuo-desk.mjs, yunzhuo-desk_<version>_amd64.deb[, yunzhuo-desk-<version>-win-x64.zip].
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const agentDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.resolve(agentDir, '..');
const args = process.argv.slice(2);
const windows = args.includes('--windows');
const outDir = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(agentDir, 'dist'));
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
  writeFileSync(
    path.join(stage, 'etc/xdg/autostart/yunzhuo-desk.desktop'),
    [
      '[Desktop Entry]',
      'Type=Application',
      'Name=yunzhuo-desk',
      'Name[zh_CN]=云桌桌面助手',
      'Comment=Window devices (ID card reader) for business pages in this desktop',
      'Exec=/usr/bin/yunzhuo-desk',
      'NoDisplay=true',
      '',
    ].join('\n'),
  );
  // the desktop's 窗口打印机 (docs/PAPER.md): a CUPS backend handing each job's PDF to the companion
  const deskCups = path.join(agentDir, 'desk-cups');
  mkdirSync(path.join(stage, 'usr/lib/cups/backend'), { recursive: true });
  cpSync(path.join(deskCups, 'yunzhuo'), path.join(stage, 'usr/lib/cups/backend/yunzhuo'));
  chmodSync(path.join(stage, 'usr/lib/cups/backend/yunzhuo'), 0o755);
  mkdirSync(path.join(stage, 'usr/share/ppd/yunzhuo'), { recursive: true });
  cpSync(path.join(deskCups, 'yunzhuo-window-printer.ppd'), path.join(stage, 'usr/share/ppd/yunzhuo/yunzhuo-window-printer.ppd'));
  mkdirSync(path.join(stage, 'DEBIAN'));
  writeFileSync(
    path.join(stage, 'DEBIAN/postinst'),
    [
      '#!/bin/sh',
      'set -e',
      '# the queue 窗口打印机 when CUPS is installed and running; without CUPS the companion still serves its HTTP API',
      'if [ "$1" = configure ] && command -v lpadmin >/dev/null 2>&1; then',
      "  lpadmin -p yunzhuo-window -D '窗口打印机' -E -v yunzhuo://127.0.0.1:24010 -P /usr/share/ppd/yunzhuo/yunzhuo-window-printer.ppd -o printer-error-policy=abort-job || true",
      'fi',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  writeFileSync(
    path.join(stage, 'DEBIAN/control'),
    [
      'Package: yunzhuo-desk',
      `Version: ${version}`,
      'Architecture: amd64',
      'Section: misc',
      'Priority: optional',
      'Depends: nodejs (>= 18)',
      'Maintainer: Yunzhuo <yunzhuo@localhost>',
      'Description: Yunzhuo companion inside the desktop',
      ' Serves the local ID card reader API (ZKIDROnline, 127.0.0.1:24010) that business pages call',
      " and carries each request to the window's devices over the RDP static channel YZDEV.",
      '',
    ].join('\n'),
  );
  const deb = path.join(outDir, `yunzhuo-desk_${version}_amd64.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '--build', stage, deb], { stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`built ${bundle} and ${deb}`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}

if (windows) {
  const { version: koffiVersion } = JSON.parse(readFileSync(path.join(modules, 'koffi/package.json'), 'utf8'));
  const winStage = mkdtempSync(path.join(tmpdir(), 'yunzhuo-desk-win-'));
  try {
    const dir = path.join(winStage, 'yunzhuo-desk');
    mkdirSync(path.join(dir, 'node_modules/@koromix'), { recursive: true });
    cpSync(bundle, path.join(dir, 'yunzhuo-desk.mjs'));
    cpSync(path.join(modules, 'koffi'), path.join(dir, 'node_modules/koffi'), { recursive: true, filter: (src) => !/\/koffi\/(doc|vendor)(\/|$)/.test(src) });
    execFileSync('npm', ['pack', `@koromix/koffi-win32-x64@${koffiVersion}`, '--pack-destination', winStage], { stdio: 'pipe' });
    const tarball = path.join(winStage, `koromix-koffi-win32-x64-${koffiVersion}.tgz`);
    mkdirSync(path.join(dir, 'node_modules/@koromix/koffi-win32-x64'));
    execFileSync('tar', ['xzf', tarball, '-C', path.join(dir, 'node_modules/@koromix/koffi-win32-x64'), '--strip-components=1']);
    // started at every user's logon, in that user's session (a service in session 0 has no channel)
    writeFileSync(path.join(dir, 'yunzhuo-desk.cmd'), '@echo off\r\nnode "%~dp0yunzhuo-desk.mjs" %*\r\n');
    writeFileSync(
      path.join(dir, 'install-logon-task.ps1'),
      [
        "# Registers yunzhuo-desk to start at the logon of any user, in that user's session. Run as administrator.",
        '$dir = Split-Path -Parent $MyInvocation.MyCommand.Path',
        '$action = New-ScheduledTaskAction -Execute "node.exe" -Argument "`"$dir\\yunzhuo-desk.mjs`""',
        '$trigger = New-ScheduledTaskTrigger -AtLogOn',
        '$principal = New-ScheduledTaskPrincipal -GroupId "S-1-5-32-545" -RunLevel Limited',
        'Register-ScheduledTask -TaskName "yunzhuo-desk" -Action $action -Trigger $trigger -Principal $principal -Force',
        '',
      ].join('\r\n'),
    );
    rmSync(tarball);
    const zip = path.join(outDir, `yunzhuo-desk-${version}-win-x64.zip`);
    rmSync(zip, { force: true });
    execFileSync('zip', ['-qr', zip, 'yunzhuo-desk'], { cwd: winStage });
    console.log(`built ${zip}`);
  } finally {
    rmSync(winStage, { recursive: true, force: true });
  }
}
