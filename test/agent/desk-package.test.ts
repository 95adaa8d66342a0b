import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('yunzhuo-desk package: the bundle and the Debian package work as installed', function () {
  this.timeout(120_000);
  const out = mkdtempSync(path.join(tmpdir(), 'yz-desk-pkg-'));
  const installed = path.join(out, 'root');

  before(() => {
    execFileSync(process.execPath, [path.join(ROOT, 'agent/scripts/package-desk.mjs'), out], { stdio: 'pipe' });
    execFileSync('dpkg-deb', ['-x', path.join(out, 'yunzhuo-desk_0.1.0_amd64.deb'), installed]);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('installs the bundle, koffi with its native binary, a launcher and an autostart entry', () => {
    for (const file of ['opt/yunzhuo-desk/yunzhuo-desk.mjs', 'opt/yunzhuo-desk/node_modules/@koromix/koffi-linux-x64/linux_x64/koffi.node', 'usr/bin/yunzhuo-desk']) {
      assert.ok(existsSync(path.join(installed, file)), file);
    }
    assert.match(readFileSync(path.join(installed, 'etc/xdg/autostart/yunzhuo-desk.desktop'), 'utf8'), /^Exec=\/usr\/bin\/yunzhuo-desk$/m);
    assert.match(execFileSync('dpkg-deb', ['--field', path.join(out, 'yunzhuo-desk_0.1.0_amd64.deb'), 'Depends'], { encoding: 'utf8' }), /nodejs/);
  });

  it('runs from the installed files: serves the reader API and, outside an xrdp session, says no window is attached', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(installed, 'opt/yunzhuo-desk/yunzhuo-desk.mjs'), '--port', String(port)], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DISPLAY: ':9876' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', () => output.includes('ID card reader API') && resolve());
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
      });
      const info = (await (await fetch(`http://127.0.0.1:${port}/ZKIDROnline/info`)).json()) as { ret: number };
      assert.equal(info.ret, 0);
      const scan = (await (await fetch(`http://127.0.0.1:${port}/ZKIDROnline/ScanReadIdCardInfo?OP-DEV=1&CMD-URL=4`)).json()) as { ret: number; yzCode: string };
      assert.deepEqual([scan.ret, scan.yzCode], [30, 'DEVICE_NOT_ATTACHED']);
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        assert.equal(await exited, 0, output);
      }
    }
  });
});
