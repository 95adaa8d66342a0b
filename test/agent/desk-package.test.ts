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

/** `unzip -p`: one entry's bytes */
function unzipEntry(zip: string, entry: string): Buffer {
  return execFileSync('unzip', ['-p', zip, entry], { maxBuffer: 64 * 1024 * 1024 });
}

describe('yunzhuo-desk package: the bundle and the Debian package work as installed; the Windows zip holds what a Windows image needs', function () {
  this.timeout(120_000);
  const out = mkdtempSync(path.join(tmpdir(), 'yz-desk-pkg-'));
  const installed = path.join(out, 'root');

  before(() => {
    // as `npm run package:desk` does: with --windows (koffi's win32-x64 binary comes from the registry through `npm pack`)
    execFileSync(process.execPath, [path.join(ROOT, 'agent/scripts/package-desk.mjs'), out, '--windows'], { stdio: 'pipe' });
    execFileSync('dpkg-deb', ['-x', path.join(out, 'yunzhuo-desk_0.1.0_amd64.deb'), installed]);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('installs the bundle, koffi with its native binary, a launcher and an autostart entry', () => {
    for (const file of [
      'opt/yunzhuo-desk/yunzhuo-desk.mjs',
      'opt/yunzhuo-desk/node_modules/@koromix/koffi-linux-x64/linux_x64/koffi.node',
      'usr/bin/yunzhuo-desk',
    ]) {
      assert.ok(existsSync(path.join(installed, file)), file);
    }
    assert.match(readFileSync(path.join(installed, 'etc/xdg/autostart/yunzhuo-desk.desktop'), 'utf8'), /^Exec=\/usr\/bin\/yunzhuo-desk$/m);
    assert.match(execFileSync('dpkg-deb', ['--field', path.join(out, 'yunzhuo-desk_0.1.0_amd64.deb'), 'Depends'], { encoding: 'utf8' }), /nodejs/);
  });

  it('runs from the installed files: serves the reader API and, outside an xrdp session, says no window is attached', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(installed, 'opt/yunzhuo-desk/yunzhuo-desk.mjs'), '--port', String(port)], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DISPLAY: ':9876' },
      stdio: ['ignore', 'pipe', 'pipe'],
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
      const scan = (await (await fetch(`http://127.0.0.1:${port}/ZKIDROnline/ScanReadIdCardInfo?OP-DEV=1&CMD-URL=4`)).json()) as {
        ret: number;
        yzCode: string;
      };
      assert.deepEqual([scan.ret, scan.yzCode], [30, 'DEVICE_NOT_ATTACHED']);
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        assert.equal(await exited, 0, output);
      }
    }
  });

  it('the Windows zip: the same bundle, koffi with its x64 Windows binary of the same version, a launcher and a logon task (its contents checked here; nothing runs on Windows here)', () => {
    const zip = path.join(out, 'yunzhuo-desk-0.1.0-win-x64.zip');
    const entries = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).split('\n');
    const dir = 'yunzhuo-desk/';
    const koffiWin = `${dir}node_modules/@koromix/koffi-win32-x64/`;
    for (const entry of [
      'yunzhuo-desk.mjs',
      'yunzhuo-desk.cmd',
      'install-logon-task.ps1',
      'node_modules/koffi/index.js',
      'node_modules/koffi/src/koffi/index.js',
      'node_modules/@koromix/koffi-win32-x64/win32_x64/koffi.node',
    ]) {
      assert.ok(entries.includes(`${dir}${entry}`), entry);
    }
    assert.ok(!entries.some((e) => e.includes('koffi-linux-x64')), 'no Linux binary in the Windows zip');
    assert.deepEqual(unzipEntry(zip, `${dir}yunzhuo-desk.mjs`), readFileSync(path.join(out, 'yunzhuo-desk.mjs')), 'the same bundle as the Debian package');
    // koffi loads ../../../@koromix/koffi-<platform>-<arch> from its own folder and refuses a binary of another version
    assert.match(unzipEntry(zip, `${dir}node_modules/koffi/src/koffi/index.js`).toString(), /\/\.\.\/\.\.\/\.\.\/@koromix\/koffi-\$\{pkg2?\}/);
    const versionOf = (entry: string) => (JSON.parse(unzipEntry(zip, entry).toString()) as { version: string }).version;
    assert.equal(versionOf(`${koffiWin}package.json`), versionOf(`${dir}node_modules/koffi/package.json`));
    // a PE32+ DLL for x86-64: "MZ", then at e_lfanew "PE\0\0" and machine 0x8664
    const dll = unzipEntry(zip, `${koffiWin}win32_x64/koffi.node`);
    const pe = dll.readUInt32LE(0x3c);
    assert.deepEqual([dll.subarray(0, 2).toString('latin1'), dll.subarray(pe, pe + 4).toString('latin1'), dll.readUInt16LE(pe + 4)], ['MZ', 'PE\0\0', 0x8664]);
    assert.equal(unzipEntry(zip, `${dir}yunzhuo-desk.cmd`).toString(), '@echo off\r\nnode "%~dp0yunzhuo-desk.mjs" %*\r\n');
    const task = unzipEntry(zip, `${dir}install-logon-task.ps1`).toString();
    assert.match(task, /New-ScheduledTaskTrigger -AtLogOn/);
    assert.match(task, /-GroupId "S-1-5-32-545"/, "for every member of Users, in that user's own session");
    assert.match(task, /yunzhuo-desk\.mjs/);
  });
});
