// `npm run package:agent`: agent/dist/yunzhuo-agent_<version>_all.deb from the bundle (build.mjs),
// the systemd unit and agent/debian/, staged in a temporary directory and built with
// `dpkg-deb --build --root-owner-group` (no network, no debhelper needed).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const AGENT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEBIAN = path.join(AGENT, 'debian');
const { version } = JSON.parse(readFileSync(path.join(AGENT, 'package.json'), 'utf8'));

execFileSync(process.execPath, [path.join(AGENT, 'scripts/build.mjs')], { stdio: 'inherit' });

const stage = mkdtempSync(path.join(tmpdir(), 'yunzhuo-agent-deb-'));
/** copies `from` (relative to agent/) to `to` inside the staged root with `mode` */
function put(from, to, mode) {
  const target = path.join(stage, to);
  mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
  copyFileSync(path.join(AGENT, from), target);
  chmodSync(target, mode);
}

try {
  put('dist/yunzhuo-agent.mjs', 'usr/lib/yunzhuo-agent/yunzhuo-agent.mjs', 0o644);
  put('systemd/yunzhuo-agent.service', 'lib/systemd/system/yunzhuo-agent.service', 0o644);
  put('debian/agent.json', 'etc/yunzhuo/agent.json', 0o644);
  put('debian/sudoers', 'etc/sudoers.d/yunzhuo-agent', 0o440);
  put('debian/polkit.rules', 'usr/share/polkit-1/rules.d/50-yunzhuo-agent.rules', 0o644);
  put('../docs/AGENT.md', 'usr/share/doc/yunzhuo-agent/AGENT.md', 0o644);
  for (const script of ['config', 'postinst', 'prerm', 'postrm']) put(`debian/${script}`, `DEBIAN/${script}`, 0o755);
  put('debian/templates', 'DEBIAN/templates', 0o644);
  writeFileSync(path.join(stage, 'DEBIAN/conffiles'), '/etc/yunzhuo/agent.json\n/etc/sudoers.d/yunzhuo-agent\n');
  const control = readFileSync(path.join(DEBIAN, 'control'), 'utf8')
    .replace('@VERSION@', version)
    .replace('@INSTALLED_SIZE@', String(Math.ceil(treeBytes(stage) / 1024)));
  writeFileSync(path.join(stage, 'DEBIAN/control'), control);
  for (const dir of walkDirs(stage)) chmodSync(dir, 0o755);

  const deb = path.join(AGENT, 'dist', `yunzhuo-agent_${version}_all.deb`);
  execFileSync('dpkg-deb', ['--build', '--root-owner-group', stage, deb], { stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(path.relative(process.cwd(), deb));
} finally {
  rmSync(stage, { recursive: true, force: true });
}

function treeBytes(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && !path.join(e.parentPath, e.name).includes('/DEBIAN/'))
    .reduce((sum, e) => sum + statSync(path.join(e.parentPath, e.name)).size, 0);
}

function walkDirs(dir) {
  return [
    dir,
    ...readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isDirectory())
      .map((e) => path.join(e.parentPath, e.name)),
  ];
}
