import { ConfigError, loadConfig } from './config/load-config.js';
import { startBroker } from './server.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const broker = await startBroker({ config });
  if (broker.generatedAdminPassword) {
    const line = '═'.repeat(64);
    console.log(
      `\n${line}\n  云桌 Yunzhuo — 首次启动 / first start\n  管理员账号 admin account:  admin\n  初始密码 initial password:  ${broker.generatedAdminPassword}\n  只显示这一次，请立即登录并修改。Shown once: sign in and change it.\n  控制台 console: ${broker.url}/console/\n${line}\n`,
    );
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping…`);
    await broker.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('云桌 broker failed to start:', err);
  process.exit(1);
});
