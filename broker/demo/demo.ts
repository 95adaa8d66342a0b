// `npm run demo`: the demo county in one command. Starts the production broker (as `npm start`)
// on a fresh data directory, loads the county through the admin API and runs a simulated day, so
// the hall map, sessions and reports are alive within a minute. Honours the broker's YUNZHUO_*
// settings (port, host, data directory, admin password, database); Ctrl-C stops everything.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COUNTY, COUNTY_WINDOWS, DEPARTMENTS, TOWNS } from './county.js';
import { DemoApi } from './demo-api.js';
import { DemoDay } from './demo-day.js';
import { CLERK_PASSWORD, createAccounts, seedCounty, TOWN_ADMIN_PASSWORD } from './demo-seed.js';
import { startDemoGuacd, startRdpPort } from './demo-stand-ins.js';
import { QueueSimulator } from './queue-simulator.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const started = performance.now();
const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const say = (line: string): void => console.log(`[演示 ${elapsed()}] ${line}`);

/** the demo's own default data directory, so `npm run demo` never writes into `npm start`'s ./data */
const dataDir = path.resolve(process.env.YUNZHUO_DATA_DIR ?? 'demo-data');

function refuseUsedDataDir(): void {
  if (process.env.YUNZHUO_DATABASE_URL?.startsWith('postgres')) return; // the database's emptiness is checked through the API
  if (existsSync(dataDir) && readdirSync(dataDir).some((f) => f.startsWith('yunzhuo.db'))) {
    console.error(`演示需要一个新的数据目录：${dataDir} 已有数据库。\nThe demo loads into a fresh data directory: remove ${dataDir} or set YUNZHUO_DATA_DIR.`);
    process.exit(1);
  }
}

interface Broker {
  child: ChildProcess;
  url: string;
  generatedPassword: string | null;
}

/** Starts `node broker/dist/main.js`; its log goes to <data dir>/demo-broker.log. */
async function startBroker(queueUrl: string): Promise<Broker> {
  mkdirSync(dataDir, { recursive: true });
  const log = createWriteStream(path.join(dataDir, 'demo-broker.log'));
  const child = spawn(process.execPath, [path.join(ROOT, 'broker/dist/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      YUNZHUO_DATA_DIR: dataDir,
      YUNZHUO_LOG_LEVEL: process.env.YUNZHUO_LOG_LEVEL ?? 'info',
      YUNZHUO_RECONCILE_INTERVAL_SECONDS: process.env.YUNZHUO_RECONCILE_INTERVAL_SECONDS ?? '10',
      // the demo county is loaded and shown by password; a real county keeps the TOTP policy on
      YUNZHUO_TOTP_REQUIRED_ROLES: process.env.YUNZHUO_TOTP_REQUIRED_ROLES ?? 'none',
      // 排队叫号: the window page's queue bar speaks to the simulator unless a real queue system is named
      YUNZHUO_QUEUE_URL: process.env.YUNZHUO_QUEUE_URL ?? queueUrl,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  let generatedPassword: string | null = null;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`broker exited (${code}); see ${path.join(dataDir, 'demo-broker.log')}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      out += chunk.toString();
      generatedPassword ??= /initial password:\s+(\S+)/.exec(out)?.[1] ?? null;
      const ready = /"host":"([^"]+)","port":(\d+)[^\n]*"msg":"broker ready"/.exec(out);
      if (ready) resolve(`http://${ready[1]?.includes(':') ? `[${ready[1]}]` : ready[1]}:${ready[2]}`);
    });
  });
  return { child, url, generatedPassword };
}

/** the broker child, stopped when the demo fails to start */
let brokerChild: ChildProcess | null = null;

async function main(): Promise<void> {
  refuseUsedDataDir();
  say('构建控制台与服务端（已是最新则跳过）…');
  execFileSync(process.execPath, [path.join(ROOT, 'broker/scripts/build-if-stale.mjs')], { cwd: ROOT, stdio: 'inherit' });
  const [guacd, rdp] = await Promise.all([startDemoGuacd(), startRdpPort()]);
  const queue = new QueueSimulator();
  const broker = await startBroker(await queue.listen());
  brokerChild = broker.child;
  say(`服务端已启动：${broker.url}`);
  const adminPassword = process.env.YUNZHUO_ADMIN_PASSWORD ?? broker.generatedPassword;
  if (!adminPassword) throw new Error('admin password unknown: set YUNZHUO_ADMIN_PASSWORD');
  const api = new DemoApi(broker.url);
  await api.signIn('admin', adminPassword);
  const existing = await api.get<{ total: number }>('/api/v1/sites?pageSize=1');
  if (existing.total > 0) throw new Error('the database already holds sites: the demo loads into a fresh data directory');

  const county = await seedCounty(api, { gatewayHost: guacd.host, gatewayPort: guacd.port, desktopHost: '127.0.0.1', desktopPort: rdp.port }, say);
  say(`演示县已就绪：${1 + TOWNS.length} 个站点、${DEPARTMENTS.length} 个部门、县中心 ${COUNTY_WINDOWS} 个窗口`);
  // citizens waiting in the county hall: the first numbers a clerk calls at the queue bar
  for (let i = 0; i < 30; i++) queue.take(COUNTY.code);
  const day = new DemoDay(api, county, say);
  day.startTerminals();
  day.run();
  await createAccounts(api, county, (clerk) => day.clerkReady(clerk), say);
  await day.rushDone();
  console.log(
    [
      '',
      `  控制台 console:   ${broker.url}/console/   管理员 admin / ${process.env.YUNZHUO_ADMIN_PASSWORD ? '（YUNZHUO_ADMIN_PASSWORD）' : adminPassword}`,
      `  镇管理员 town admin:  suozhen-admin … chenzhuang-admin / ${TOWN_ADMIN_PASSWORD}    审计 auditor: shenji / ${TOWN_ADMIN_PASSWORD}`,
      `  窗口人员 clerks:  gaj01、rsj01、bdc01 … / ${CLERK_PASSWORD}    窗口页 window page: ${broker.url}/terminal/`,
      '  Ctrl-C 结束演示 / stops the demo',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say(`结束演示：登录 ${day.counts.logins} 次、漫游 ${day.counts.roams} 次、评价 ${day.counts.ratings} 条`);
    await day.stop();
    const exited = new Promise((resolve) => broker.child.once('exit', resolve));
    broker.child.kill('SIGTERM');
    await exited;
    await Promise.all([guacd.close(), rdp.close(), queue.close()]);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  broker.child.once('exit', (code) => {
    if (!stopping) {
      console.error(`broker exited (${code})`);
      process.exit(1);
    }
  });
}

main().catch((err: unknown) => {
  console.error('演示启动失败 / the demo failed:', err);
  brokerChild?.kill('SIGTERM');
  process.exit(1);
});
