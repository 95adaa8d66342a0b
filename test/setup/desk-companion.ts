// yunzhuo-desk started inside a logged-in desktop (as its user, with its DISPLAY), and HTTP
// requests made from inside that desktop, as a business page in it would make them.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { desktopUserOf, type DesktopUser } from './desktop-user.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let packaged: Promise<string> | null = null;

/**
 * The companion as a desktop image gets it (agent/scripts/package-desk.mjs: one bundle, koffi
 * beside it), in a folder every desktop user can read: the checkout itself may not be (CI clones
 * into a private temporary folder), and a desktop user must never need it.
 */
function packagedDesk(): Promise<string> {
  packaged ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'yunzhuo-desk-test-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    await promisify(execFile)(process.execPath, [path.join(ROOT, 'agent/scripts/package-desk.mjs'), dir], { cwd: ROOT });
    for (const module of ['koffi', '@koromix/koffi-linux-x64']) {
      cpSync(path.join(ROOT, 'node_modules', module), path.join(dir, 'node_modules', module), { recursive: true });
    }
    chmodSync(dir, 0o755);
    return path.join(dir, 'yunzhuo-desk.mjs');
  })();
  return packaged;
}

export class DeskCompanion {
  output = '';

  private constructor(
    readonly user: DesktopUser,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  /** Starts the companion in `username`'s desktop; resolves once its API listens. */
  static async start(username: string, port: number): Promise<DeskCompanion> {
    const [user, bundle] = await Promise.all([desktopUserOf(username), packagedDesk()]);
    const child = spawn(process.execPath, [bundle, '--port', String(port), '--trace'], {
      uid: user.uid,
      gid: user.gid,
      env: user.env,
      cwd: path.dirname(bundle),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const desk = new DeskCompanion(user, port, child);
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (desk.output.includes('yunzhuo-desk: ID card reader API')) resolve();
      };
      child.stdout?.on('data', check);
      child.once('exit', (code) => reject(new Error(`yunzhuo-desk exited ${code}: ${desk.output}`)));
    });
    return desk;
  }

  /** GET `pathAndQuery` on the companion, made by a process of the desktop's user; returns the body's bytes. */
  requestInside(pathAndQuery: string): Promise<Buffer> {
    const script = `fetch(${JSON.stringify(`http://127.0.0.1:${this.port}${pathAndQuery}`)}).then((r) => r.arrayBuffer()).then((b) => process.stdout.write(Buffer.from(b)), (e) => { console.error(String(e)); process.exit(1); });`;
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', script], {
        uid: this.user.uid,
        gid: this.user.gid,
        env: this.user.env,
        cwd: '/',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.once('exit', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`request inside the desktop failed (${code}): ${err}`))));
    });
  }

  /**
   * GETs `pathAndQuery` `times` times in a row from ONE process of the desktop's user (no process
   * start in the figures); resolves with each request's ms and bytes. A non-200 answer, or a
   * JSON answer with a non-zero `ret`, fails the lot.
   */
  timeInside(pathAndQuery: string, times: number): Promise<Array<{ ms: number; bytes: number }>> {
    const script = `(async () => {
      const out = [];
      for (let i = 0; i < ${times}; i++) {
        const started = performance.now();
        const res = await fetch(${JSON.stringify(`http://127.0.0.1:${this.port}${pathAndQuery}`)});
        const body = Buffer.from(await res.arrayBuffer());
        const ms = performance.now() - started;
        if (res.status !== 200) throw new Error('status ' + res.status + ': ' + body.subarray(0, 200));
        if (body[0] === 0x7b && JSON.parse(body.toString().replace(/\\\\/g, '/')).ret !== 0) throw new Error(body.subarray(0, 200).toString());
        out.push({ ms, bytes: body.length });
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((e) => { console.error(String(e)); process.exit(1); });`;
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', script], {
        uid: this.user.uid,
        gid: this.user.gid,
        env: this.user.env,
        cwd: '/',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.once('exit', (code) =>
        code === 0
          ? resolve(JSON.parse(out) as Array<{ ms: number; bytes: number }>)
          : reject(new Error(`timed requests inside the desktop failed (${code}): ${err}`)),
      );
    });
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    return exited;
  }
}
