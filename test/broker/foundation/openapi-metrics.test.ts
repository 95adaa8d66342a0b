import assert from 'node:assert/strict';
import { Factory } from '../../helpers/factories.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

const CRUD = ['sites', 'departments', 'windows', 'terminals', 'accounts', 'gateways', 'pools', 'desktops'];

interface Operation {
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  parameters?: Array<{ name: string; in: string }>;
  responses: Record<string, unknown>;
}
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: unknown;
  pattern?: string;
  default?: unknown;
}

function patterns(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => patterns(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'pattern' && typeof v === 'string') out.push(v);
      else patterns(v, out);
    }
  }
  return out;
}

/** one sample of `name{labels}` from Prometheus text, or undefined */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('OpenAPI document, metrics and health', () => {
  let broker: TestBroker;
  let doc: { openapi: string; paths: Record<string, Record<string, Operation>> };

  before(async () => {
    broker = await startTestBroker();
    const res = await fetch(`${broker.url}/api/v1/openapi.json`);
    assert.equal(res.status, 200);
    doc = (await res.json()) as typeof doc;
  });
  after(() => broker.stop());

  it('/healthz answers ok without signing in', async () => {
    const res = await fetch(`${broker.url}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('is OpenAPI 3.1', () => {
    assert.match(doc.openapi, /^3\.1\./);
  });

  for (const resource of CRUD) {
    it(`lists ${resource}: list/create on the collection, get/update/delete on {id}, with JSON body schemas`, () => {
      const collection = doc.paths[`/api/v1/${resource}`];
      const item = doc.paths[`/api/v1/${resource}/{id}`];
      assert.ok(collection && item, `paths of ${resource}`);
      assert.deepEqual(Object.keys(collection).sort(), ['get', 'post']);
      assert.deepEqual(Object.keys(item).sort(), ['delete', 'get', 'patch']);
      assert.ok(
        collection.get!.parameters?.some((p) => p.in === 'query' && p.name === 'pageSize'),
        'list documents its query',
      );
      assert.ok(
        item.get!.parameters?.some((p) => p.in === 'path' && p.name === 'id'),
        'item documents its id',
      );
      const create = collection.post!.requestBody?.content['application/json']?.schema;
      const update = item.patch!.requestBody?.content['application/json']?.schema;
      assert.ok(create?.properties && update?.properties, `${resource} body schemas`);
      assert.equal(create.additionalProperties, false, 'unknown fields are refused, as the validator does');
      assert.ok((create.required ?? []).length > 0, 'create names its required fields');
      assert.deepEqual(update.required ?? [], [], 'every update field is optional');
      for (const [name, field] of Object.entries(update.properties)) {
        assert.equal(field.default, undefined, `PATCH ${resource}.${name} documents no default: an omitted field is kept`);
      }
      assert.ok(collection.post!.responses['201'] && item.delete!.responses['204']);
    });
  }

  it('lists auth, sessions, audit events and both imports', () => {
    const expected: Array<[string, string]> = [
      ['/api/v1/auth/login', 'post'],
      ['/api/v1/auth/logout', 'post'],
      ['/api/v1/auth/me', 'get'],
      ['/api/v1/sessions', 'get'],
      ['/api/v1/sessions/{id}', 'get'],
      ['/api/v1/audit-events', 'get'],
      ['/api/v1/imports/windows', 'post'],
      ['/api/v1/imports/accounts', 'post'],
    ];
    for (const [path, method] of expected) assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
    const login = doc.paths['/api/v1/auth/login']!.post!.requestBody?.content['application/json']?.schema;
    assert.deepEqual(login?.required?.sort(), ['password', 'username']);
    for (const kind of ['windows', 'accounts']) {
      assert.ok(doc.paths[`/api/v1/imports/${kind}`]!.post!.parameters?.some((p) => p.name === 'dryRun'));
    }
    assert.equal(doc.paths['/api/v1/audit-events']!.post, undefined, 'the audit log has no write route');
  });

  it('its patterns are plain JSON Schema regexes that accept what the API accepts', () => {
    const all = patterns(doc);
    assert.ok(all.length > 5);
    for (const p of all) {
      assert.doesNotThrow(() => new RegExp(p, 'u'), p);
      assert.doesNotMatch(p, /(?<!\\)\/[a-z]+$/, `pattern carries regex flags: ${p}`);
    }
    const windowLabel = doc.paths['/api/v1/windows']!.post!.requestBody!.content['application/json']!.schema.properties!.label!;
    assert.match('综合受理一号窗', new RegExp(windowLabel.pattern!, 'u'));
    const username = doc.paths['/api/v1/accounts']!.post!.requestBody!.content['application/json']!.schema.properties!.username!;
    assert.match('zhang.san', new RegExp(username.pattern!, 'u'));
  });

  it('/metrics has HTTP latency, sessions and desktops by state, and terminals online', async () => {
    const f = new Factory(broker.admin);
    const hall = await f.hall({ desktops: 2 });
    const clerk = await f.account({ departmentIds: [hall.department.id], homeSiteId: hall.site.id });
    const { client, terminal } = await f.windowWithTerminal(hall.site.id);
    const login = await client.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' });
    assert.equal(login.status, 201, JSON.stringify(login.body));
    // the agent socket is not part of this suite: mark the terminal online the way the agent would
    await broker.sequelize.query('UPDATE terminals SET online = :on WHERE id = :id', { replacements: { on: true, id: terminal.id } });
    await broker.admin.get('/api/v1/sites');

    const res = await fetch(`${broker.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await res.text();
    assert.match(text, /^# TYPE yunzhuo_http_request_duration_seconds histogram$/m);
    assert.ok(
      (sample(text, 'yunzhuo_http_request_duration_seconds_count', '{method="GET",route="/api/v1/sites",status="200"}') ?? 0) >= 1,
      'GET /api/v1/sites was timed',
    );
    assert.match(text, /^# TYPE yunzhuo_sessions gauge$/m);
    assert.equal(sample(text, 'yunzhuo_sessions', '{state="requested"}'), 1);
    assert.equal(sample(text, 'yunzhuo_sessions', '{state="active"}'), 0);
    assert.equal(sample(text, 'yunzhuo_desktops', '{state="assigned"}'), 1);
    assert.equal(sample(text, 'yunzhuo_desktops', '{state="free"}'), 1);
    assert.equal(sample(text, 'yunzhuo_terminals_online'), 1);
  });
});
