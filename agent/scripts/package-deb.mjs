// `npm run package:agent`: agent/dist/yunzhuo-agent_<version>_all.deb from the bundle (build.mjs),
// the systemd unit and agent/debian/, staged in a temporary directory and built with
// `dpkg-deb --build --root-owner-group` (no network, no debhelper needed).
// `npm run package:connector` (`package-deb.mjs connector`): the town connector's
// yunzhuo-connector_<version>_all.deb the same way, from agent/debian-connector/ (docs/TOWNS.md).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const AGENT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(path.join(AGENT, 'package.json'), 'utf8'));

/** what goes where (from agent/, to the staged root, mode), the maintainer scripts and the conffiles, per package */
const PACKAGES = {
  agent: {
    name: 'yunzhuo-agent',
    debian: 'debian',
    files: [
      ['dist/yunzhuo-agent.mjs', 'usr/lib/yunzhuo-agent/yunzhuo-agent.mjs', 0o644],
      ['systemd/yunzhuo-agent.service', 'lib/systemd/system/yunzhuo-agent.service', 0o644],
      ['debian/agent.json', 'etc/yunzhuo/agent.json', 0o644],
      ['debian/sudoers', 'etc/sudoers.d/yunzhuo-agent', 0o440],
      ['debian/polkit.rules', 'usr/share/polkit-1/rules.d/50-yunzhuo-agent.rules', 0o644],
      ['../docs/AGENT.md', 'usr/share/doc/yunzhuo-agent/AGENT.md', 0o644],
      ['debian/templates', 'DEBIAN/templates', 0o644],
    ],
    scripts: ['config', 'postinst', 'prerm', 'postrm'],
    conffiles: ['/etc/yunzhuo/agent.json', '/etc/sudoers.d/yunzhuo-agent'],
  },
  connector: {
    name: 'yunzhuo-connector',
    debian: 'debian-connector',
    files: [
      ['dist/yunzhuo-connector.mjs', 'usr/lib/yunzhuo-connector/yunzhuo-connector.mjs', 0o644],
      ['systemd/yunzhuo-connector.service', 'lib/systemd/system/yunzhuo-connector.service', 0o644],
      // the join token goes in here: root only
      ['debian-connector/connector.env', 'etc/yunzhuo/connector.env', 0o600],
      ['../docs/TOWNS.md', 'usr/share/doc/yunzhuo-connector/TOWNS.md', 0o644],
    ],
    scripts: ['postinst', 'prerm', 'postrm'],
    conffiles: ['/etc/yunzhuo/connector.env'],
  },
};
const which = process.argv[2] ?? 'agent';
const pack = PACKAGES[which];
if (!pack) throw new Error(`package-deb.mjs: unknown package ${which} (${Object.keys(PACKAGES).join(', ')})`);
const DEBIAN = path.join(AGENT, pack.debian);

execFileSync(process.execPath, [path.join(AGENT, 'scripts/build.mjs'), which], { stdio: 'inherit' });

const stage = mkdtempSync(path.join(tmpdir(), `${pack.name}-deb-`));
/** copies `from` (relative to agent/) to `to` inside the staged root with `mode` */
function put(from, to, mode) {
  const target = path.join(stage, to);
  mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
  copyFileSync(path.join(AGENT, from), target);
  chmodSync(target, mode);
}

try {
  for (const [from, to, mode] of pack.files) put(from, to, mode);
  for (const script of pack.scripts) put(`${pack.debian}/${script}`, `DEBIAN/${script}`, 0o755);
  writeFileSync(path.join(stage, 'DEBIAN/conffiles'), pack.conffiles.map((f) => `${f}\n`).join(''));
  const control = readFileSync(path.join(DEBIAN, 'control'), 'utf8')
    .replace('@VERSION@', version)
    .replace('@INSTALLED_SIZE@', String(Math.ceil(treeBytes(stage) / 1024)));
  writeFileSync(path.join(stage, 'DEBIAN/control'), control);
  for (const dir of walkDirs(stage)) chmodSync(dir, 0o755);

  const deb = path.join(AGENT, 'dist', `${pack.name}_${version}_all.deb`);
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
