import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestBroker } from '../helpers/start-broker.js';
import { ApiClient } from '../helpers/api-client.js';
import type { Factory } from '../helpers/factories.js';

const DEPARTMENTS = [
  { code: 'TAX', name: '税务' },
  { code: 'SI', name: '社保' },
  { code: 'MKT', name: '市场监管' },
  { code: 'LAND', name: '不动产登记' },
];
/** a real guacd stream (test/fixtures): what guacd would have written for the recorded session */
const GUACD_STREAM = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/guacd-stream.bin');

const CLERKS = ['王晓梅', '李建国', '张丽', '刘洋', '陈静', '杨帆', '赵敏', '孙磊', '周婷', '吴军'];

export interface SeededHall {
  county: { id: string; name: string };
  town: { id: string; name: string };
  sessionIds: string[];
  recordedSessionId: string;
  recordingPath: string;
}

/**
 * A county hall that looks like a working morning: 4 departments, 24 windows in 3 rows, most
 * terminals online, clerks signed in (one disconnected), one department's pool in maintenance,
 * refused logins, and a town center below the county. Everything goes through the real API,
 * except terminals' `online` flag, which only a connected agent sets (no agents run here).
 */
export async function seedHall(broker: TestBroker, factory: Factory): Promise<SeededHall> {
  const county = await factory.site({ code: 'HT', name: '桓台县政务服务中心', kind: 'county', address: '桓台县中心大街 1 号' });
  const town = await factory.site({ code: 'HT-GL', name: '果里镇便民服务中心', kind: 'town', parentId: county.id });
  await factory.site({ code: 'HT-XZ', name: '新城镇便民服务中心', kind: 'town', parentId: county.id });
  const gw = await factory.gateway({ name: 'guacd-县中心-1', siteId: county.id });
  const gw2 = await factory.gateway({ name: 'guacd-县中心-2', siteId: county.id, host: '127.0.0.2' });
  const depts = [];
  const pools = [];
  for (const [i, d] of DEPARTMENTS.entries()) {
    const dept = await factory.department({ ...d, code: `${d.code}` });
    depts.push(dept);
    const pool = await factory.pool(dept.id, county.id, [gw.id, gw2.id], {
      name: `${d.name}-浮动池`,
      ...(i === 3 ? { state: 'maintenance' } : {}),
      ...(i === 0 ? { settings: { recording: true } } : {}),
    });
    pools.push(pool);
    for (let n = 0; n < 5; n++) await factory.desktop(pool.id, { name: `${d.code}-VD-${String(n + 1).padStart(3, '0')}`, host: `10.1.${i}.${n + 10}` });
  }
  const terminals: { windowIndex: number; client: ApiClient; terminalId: string }[] = [];
  for (let i = 0; i < 24; i++) {
    const row = Math.floor(i / 8);
    const dept = depts[i % 4]!;
    const code = `${'ABC'[row]}-${String((i % 8) + 1).padStart(3, '0')}`;
    if (i % 11 === 10) {
      await factory.window(county.id, { code, posX: i % 8, posY: row * 2, area: `${'ABC'[row]}区`, departmentId: dept.id });
      continue;
    }
    const { terminal, client } = await factory.windowWithTerminal(county.id, {
      code,
      label: `${dept.name}窗口`,
      posX: i % 8,
      posY: row * 2,
      area: `${'ABC'[row]}区`,
      departmentId: dept.id,
    });
    terminals.push({ windowIndex: i, client, terminalId: terminal.id });
  }
  const offline = new Set([terminals[5]!.terminalId, terminals[13]!.terminalId]);
  const online = terminals.map((t) => t.terminalId).filter((id) => !offline.has(id));
  await broker.sequelize.query(
    `UPDATE terminals SET online = :yes, last_seen_at = :now, agent_version = '0.1.0', address = '10.20.0.' || substr(id, 1, 2) WHERE id IN (:ids)`,
    {
      replacements: { yes: true, now: new Date(), ids: online },
    },
  );
  for (let w = 0; w < 2; w++) {
    const { terminal } = await factory.windowWithTerminal(town.id, { code: `G-00${w + 1}`, posX: w, posY: 0 });
    await broker.sequelize.query('UPDATE terminals SET online = :yes WHERE id = :id', { replacements: { yes: true, id: terminal.id } });
  }

  const sessionIds: string[] = [];
  let recordedSessionId = '';
  for (const [n, name] of CLERKS.slice(0, 8).entries()) {
    const t = terminals[[0, 1, 2, 4, 6, 8, 9, 17][n]!]!;
    const dept = depts[t.windowIndex % 4]!;
    const pool = pools[t.windowIndex % 4]!;
    if (pool.state !== 'active') continue;
    const clerk = await factory.account({ displayName: name, homeSiteId: county.id, departmentIds: [dept.id], poolIds: [pool.id] });
    const res = await t.client.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' });
    if (res.status !== 201) throw new Error(`seed login ${res.status} ${JSON.stringify(res.body)}`);
    const id: string = res.body.session.id;
    sessionIds.push(id);
    if (pool.settings.recording) {
      // guacd opens the recording before the first frame: the broker checks it is there
      const dir = path.join(broker.dataDir, 'recordings', (await broker.admin.get(`/api/v1/sessions/${id}`)).body.siteId as string);
      mkdirSync(dir, { recursive: true });
      copyFileSync(GUACD_STREAM, path.join(dir, id));
    }
    await broker.lifecycle.markActive(id, `$seed-${n}`);
    if (n === 3) await t.client.post(`/api/v1/terminal/sessions/${id}/disconnect`);
    if (!recordedSessionId && pool.settings.recording) recordedSessionId = id;
  }
  // refused logins feed the reports page
  const stranger = await factory.account({ displayName: '未授权人员', homeSiteId: county.id });
  await terminals[3]!.client.post('/api/v1/terminal/sessions', { username: stranger.username, password: 'clerk-pass-1' });
  await terminals[3]!.client.post('/api/v1/terminal/sessions', { username: stranger.username, password: 'wrong-password' });

  const recorded = await broker.admin.get(`/api/v1/sessions/${recordedSessionId}`);
  if (!recorded.body.hasRecording) throw new Error('seed: the recording pool did not mark its session as recorded');
  const [rows] = await broker.sequelize.query('SELECT recording_path AS p FROM sessions WHERE id = :id', { replacements: { id: recordedSessionId } });
  const recordingPath = (rows as { p: string }[])[0]!.p;
  return { county, town, sessionIds, recordedSessionId, recordingPath };
}
