// Session recordings as guacd leaves them on disk: `<id>` for a session's first guacd connection,
// `<id>.1`, `<id>.2`, … for each later one (a reconnect that cannot join the parked desktop), all
// in the directory the first tunnel was given. The API lists and serves every part; roaming to
// another site keeps that one directory.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiClient, assertError, type AnyBody } from '../../helpers/api-client.js';
import { eventually } from '../../helpers/eventually.js';
import { Factory } from '../../helpers/factories.js';
import { FAKE_RDP_ARGS, FakeGuacd, type FakeGuacdConnection } from '../../helpers/fake-guacd.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';
import { TunnelClient } from '../tunnel/tunnel-test-kit.js';

const PASS = 'clerk-pass-1';

/** What guacd does with create-recording-path: `<name>` if free, else the first free `<name>.<n>`. */
function writeAsGuacd(dir: string, name: string, bytes: string): string {
  mkdirSync(dir, { recursive: true });
  for (let n = 0; ; n++) {
    const file = path.join(dir, n === 0 ? name : `${name}.${n}`);
    if (!existsSync(file)) {
      writeFileSync(file, bytes);
      return file;
    }
  }
}

/** A GET on `agent`'s one keep-alive connection; `beforeBody` runs once the headers are in, before the body is read. */
function getOver(agent: http.Agent, client: ApiClient, url: string, beforeBody: () => void = () => {}) {
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return new Promise<{ status: number; contentLength: number; body: Buffer; reusedSocket: boolean }>((resolve, reject) => {
    const req = http.get(url, { agent, headers: { cookie } }, (res) => {
      beforeBody();
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({ status: res.statusCode!, contentLength: Number(res.headers['content-length']), body: Buffer.concat(chunks), reusedSocket: req.reusedSocket }),
      );
    });
    req.on('error', reject);
  });
}

/** A value of the `connect` guacd received (the fake speaks 1.3: the version comes first). */
async function connectValue(conn: FakeGuacdConnection, name: (typeof FAKE_RDP_ARGS)[number]): Promise<string | undefined> {
  const connect = await conn.waitFor((i) => i.opcode === 'connect');
  return connect.args[FAKE_RDP_ARGS.indexOf(name) + 1];
}

describe('session recordings: every part, one directory', () => {
  let broker: TestBroker;
  let f: Factory;
  let recordingDir: string;
  let guacd: FakeGuacd;

  before(async () => {
    recordingDir = mkdtempSync(path.join(tmpdir(), 'yz-recordings-'));
    guacd = await FakeGuacd.start();
    broker = await startTestBroker({ env: { YUNZHUO_RECORDING_DIR: recordingDir } });
    f = new Factory(broker.admin);
  });
  after(async () => {
    await broker?.stop();
    await guacd?.close();
    rmSync(recordingDir, { recursive: true, force: true });
  });

  /** A county with two towns; town A has a recording pool whose gateway is the fake guacd. */
  async function county() {
    const root = await f.site();
    const townA = await f.site({ kind: 'town', parentId: root.id });
    const townB = await f.site({ kind: 'town', parentId: root.id });
    const department = await f.department();
    const gateway = await f.gateway({ siteId: root.id, port: guacd.port });
    const pool = await f.pool(department.id, townA.id, [gateway.id], { settings: { recording: true } });
    await f.desktop(pool.id);
    const clerk = await f.account({ departmentIds: [department.id] });
    return { root, townA, townB, department, pool, clerk };
  }

  /** A session of a recording pool, active, with nothing on disk yet; `dir` is where guacd writes it. */
  async function recordedSession() {
    const c = await county();
    const seat = await f.windowWithTerminal(c.townA.id);
    const login = await seat.client.post('/api/v1/terminal/sessions', { username: c.clerk.username, password: PASS });
    assert.equal(login.status, 201, JSON.stringify(login.body));
    const id: string = login.body.session.id;
    await broker.lifecycle.markActive(id, '$conn-1');
    return { c, id, dir: path.join(recordingDir, c.townA.id) };
  }

  async function signIn(account: Record<string, unknown>): Promise<ApiClient> {
    const created = await f.account({ ...account, password: PASS });
    const client = new ApiClient(broker.url);
    assert.equal((await client.login(created.username, PASS)).status, 200);
    return client;
  }

  it("lists the parts in numeric order and serves each one, within the session's scope", async () => {
    const { c, id, dir } = await recordedSession();
    const [rows] = await broker.sequelize.query('SELECT recording_path AS p FROM sessions WHERE id = :id', { replacements: { id } });
    assert.equal((rows as { p: string }[])[0]!.p, path.join(dir, id));

    mkdirSync(dir, { recursive: true });
    const parts: Record<string, string> = { [id]: '4.sync,1.0;', [`${id}.1`]: '4.sync,4.1000;4.sync,4.2000;', [`${id}.10`]: '4.sync,5.90000;' };
    for (const [name, bytes] of Object.entries(parts)) writeFileSync(path.join(dir, name), bytes);
    // not parts: another name, a suffix guacd never writes, a directory, a link
    for (const decoy of [`${id}.x`, `${id}-other`, `${id}.01`, `${id}.1.1`]) writeFileSync(path.join(dir, decoy), 'decoy');
    mkdirSync(path.join(dir, `${id}.2`));
    symlinkSync(path.join(dir, id), path.join(dir, `${id}.3`));

    const listed = await broker.admin.get(`/api/v1/sessions/${id}/recordings`);
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.deepEqual(
      listed.body.items.map((p: { index: number; size: number }) => [p.index, p.size]),
      [
        [0, Buffer.byteLength(parts[id]!)],
        [1, Buffer.byteLength(parts[`${id}.1`]!)],
        [10, Buffer.byteLength(parts[`${id}.10`]!)],
      ],
    );
    for (const p of listed.body.items) assert.ok(Math.abs(Date.parse(p.modifiedAt) - Date.now()) < 60_000, `modifiedAt ${p.modifiedAt}`);

    const download = (query = '', client = broker.admin) => client.get(`/api/v1/sessions/${id}/recording${query}`);
    const first = await download();
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('content-type'), 'application/octet-stream');
    assert.equal(first.body, parts[id]);
    assert.equal((await download('?part=0')).body, parts[id]);
    assert.equal((await download('?part=1')).body, parts[`${id}.1`]);
    assert.equal((await download('?part=10')).body, parts[`${id}.10`]);
    for (const missing of ['2', '3', '4', '255']) assertError(await download(`?part=${missing}`), 404, 'NOT_FOUND');
    for (const bad of ['x', '-1', '1.5', '256', '1&other=2']) assertError(await download(`?part=${bad}`), 400, 'VALIDATION_FAILED');

    const audit = await broker.admin.get(`/api/v1/audit-events?action=session.recording.view&targetId=${id}&pageSize=50`);
    assert.deepEqual(audit.body.items.map((e: { details: { part: number } }) => e.details.part).sort(), [0, 0, 1, 10]);

    // a town's admin sees the town's recordings; another town's admin learns nothing
    const own = await signIn({ roles: ['site-admin'], homeSiteId: c.townA.id });
    assert.equal((await own.get(`/api/v1/sessions/${id}/recordings`)).body.items.length, 3);
    assert.equal((await download('?part=1', own)).body, parts[`${id}.1`]);
    const other = await signIn({ roles: ['site-admin'], homeSiteId: c.townB.id });
    assertError(await other.get(`/api/v1/sessions/${id}/recordings`), 404, 'NOT_FOUND');
    assertError(await download('?part=1', other), 404, 'NOT_FOUND');
    const auditor = await signIn({ roles: ['auditor'] });
    assert.equal((await download('?part=10', auditor)).body, parts[`${id}.10`]);
  });

  it('a part guacd is still writing is sent as long as announced, and the keep-alive connection stays usable', async () => {
    const { id, dir } = await recordedSession();
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, id);
    // far more than the socket buffers hold, so the broker is still reading the part when it grows
    const announced = 16 * 1024 * 1024;
    writeFileSync(file, Buffer.alloc(announced, 'a'));
    const appended = 1024 * 1024;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const url = `${broker.url}/api/v1/sessions/${id}/recording`;
      const growing = await getOver(agent, broker.admin, url, () => appendFileSync(file, Buffer.alloc(appended, 'b')));
      assert.equal(growing.status, 200);
      assert.equal(growing.contentLength, announced);
      assert.equal(growing.body.length, announced);
      assert.equal(growing.body.indexOf('b'), -1, 'nothing written after the part was opened');
      const grown = await getOver(agent, broker.admin, url);
      assert.equal(grown.reusedSocket, true, 'the same connection serves the next request');
      assert.equal(grown.status, 200);
      assert.equal(grown.contentLength, announced + appended);
      assert.equal(grown.body.length, announced + appended);
      writeFileSync(`${file}.1`, '');
      const empty = await getOver(agent, broker.admin, `${url}?part=1`);
      assert.deepEqual([empty.status, empty.contentLength, empty.body.length, empty.reusedSocket], [200, 0, 0, true], 'a part guacd has just opened');
    } finally {
      agent.destroy();
    }
  });

  it('serves nothing through a link: neither a part that is one nor a directory linking out of the root', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'yz-not-recordings-'));
    try {
      writeFileSync(path.join(outside, 'secret'), 'not a recording');
      const linkedPart = await recordedSession();
      mkdirSync(linkedPart.dir, { recursive: true });
      writeFileSync(path.join(linkedPart.dir, linkedPart.id), '4.sync,1.0;');
      symlinkSync(path.join(outside, 'secret'), path.join(linkedPart.dir, `${linkedPart.id}.1`));
      const parts = await broker.admin.get(`/api/v1/sessions/${linkedPart.id}/recordings`);
      assert.deepEqual(
        parts.body.items.map((p: { index: number }) => p.index),
        [0],
      );
      assertError(await broker.admin.get(`/api/v1/sessions/${linkedPart.id}/recording?part=1`), 404, 'NOT_FOUND');

      // the town's directory is a link to a directory outside the root that holds the session's name
      const linkedOut = await recordedSession();
      writeFileSync(path.join(outside, linkedOut.id), 'not a recording either');
      symlinkSync(outside, linkedOut.dir);
      assert.deepEqual((await broker.admin.get(`/api/v1/sessions/${linkedOut.id}/recordings`)).body.items, []);
      assertError(await broker.admin.get(`/api/v1/sessions/${linkedOut.id}/recording`), 404, 'NOT_FOUND');

      // a linked directory that stays inside the root is followed
      const linkedIn = await recordedSession();
      const inside = path.join(recordingDir, `moved-${linkedIn.c.townA.id}`);
      mkdirSync(inside);
      writeFileSync(path.join(inside, linkedIn.id), '4.sync,1.0;');
      symlinkSync(inside, linkedIn.dir);
      assert.equal((await broker.admin.get(`/api/v1/sessions/${linkedIn.id}/recording`)).body, '4.sync,1.0;');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('documents both routes in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${broker.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, AnyBody>> };
    const list = doc.paths['/api/v1/sessions/{id}/recordings']?.get;
    assert.deepEqual(Object.keys(list?.responses['200'].content['application/json'].schema.properties.items.items.properties ?? {}), [
      'index',
      'size',
      'modifiedAt',
    ]);
    const download = doc.paths['/api/v1/sessions/{id}/recording']?.get;
    assert.ok(download?.parameters.some((p: { name: string; in: string }) => p.name === 'part' && p.in === 'query'));
  });

  it('a session that is not recorded has no parts', async () => {
    const hall = await f.hall({ desktops: 1 });
    const clerk = await f.account({ departmentIds: [hall.department.id] });
    const seat = await f.windowWithTerminal(hall.site.id);
    const login = await seat.client.post('/api/v1/terminal/sessions', { username: clerk.username, password: PASS });
    await broker.lifecycle.markActive(login.body.session.id, '$conn-1');
    assertError(await broker.admin.get(`/api/v1/sessions/${login.body.session.id}/recordings`), 404, 'NOT_FOUND');
    assertError(await broker.admin.get(`/api/v1/sessions/${login.body.session.id}/recording`), 404, 'NOT_FOUND');
  });

  it('a clerk roaming to a terminal of another site keeps one recording directory; both parts are listed', async () => {
    const c = await county();
    const openTunnel = (token: string) =>
      TunnelClient.open(`${broker.url.replace('http', 'ws')}/tunnel`, `token=${encodeURIComponent(token)}&width=1024&height=768`);
    const stateOf = async (id: string) => (await broker.admin.get(`/api/v1/sessions/${id}`)).body;

    const seatA = await f.windowWithTerminal(c.townA.id);
    const first = await seatA.client.post('/api/v1/terminal/sessions', { username: c.clerk.username, password: PASS });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const id: string = first.body.session.id;
    const before = guacd.connections.length;
    const tunnelA = openTunnel(first.body.tunnel.token);
    const connA = await guacd.connection(before + 1);
    const dir = path.join(recordingDir, c.townA.id);
    assert.equal(await connectValue(connA, 'recording-path'), dir);
    assert.equal(await connectValue(connA, 'recording-name'), id);
    assert.equal(await connectValue(connA, 'create-recording-path'), 'true');
    writeAsGuacd(dir, id, '4.sync,1.0;');
    await eventually(async () => (await stateOf(id)).state === 'active');

    // guacd loses the desktop (nothing left to join), then the clerk signs in at a window of
    // town B: the session follows, guacd opens a new connection, the recording stays put
    connA.die();
    await tunnelA.closed;
    await eventually(async () => (await stateOf(id)).state === 'disconnected');
    const seatB = await f.windowWithTerminal(c.townB.id);
    const second = await seatB.client.post('/api/v1/terminal/sessions', { username: c.clerk.username, password: PASS });
    assert.equal(second.status, 201, JSON.stringify(second.body));
    assert.equal(second.body.session.id, id);
    const tunnelB = openTunnel(second.body.tunnel.token);
    const connB = await guacd.connection(before + 2);
    assert.deepEqual((await connB.waitFor((i) => i.opcode === 'select')).args, ['rdp'], 'a new guacd connection, which guacd records as a new part');
    assert.equal(await connectValue(connB, 'recording-path'), dir, "the first tunnel's directory, not town B's");
    assert.equal(await connectValue(connB, 'recording-name'), id);
    assert.equal(writeAsGuacd(dir, id, '4.sync,4.5000;'), path.join(dir, `${id}.1`));
    await eventually(async () => (await stateOf(id)).state === 'active' && (await stateOf(id)).siteId === c.townB.id);

    const listed = await broker.admin.get(`/api/v1/sessions/${id}/recordings`);
    assert.deepEqual(
      listed.body.items.map((p: { index: number }) => p.index),
      [0, 1],
    );
    assert.equal((await broker.admin.get(`/api/v1/sessions/${id}/recording?part=1`)).body, '4.sync,4.5000;');
    assert.equal(existsSync(path.join(recordingDir, c.townB.id)), false, 'nothing is written for town B');
    tunnelB.ws.close();
  });
});
