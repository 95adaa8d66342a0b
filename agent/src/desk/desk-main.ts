import { DEVICE_CHANNEL_NAME } from '@yunzhuo/protocol/devices/index';
import { DeskLink } from './desk-link.js';
import { WtsChannelPort } from './wts-channel.port.js';
import { DESK_USAGE, parseDeskArgs } from './desk-args.js';
import { ZkIdrApi } from './zk-idr.api.js';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    console.log(DESK_USAGE);
    return 0;
  }
  const args = parseDeskArgs(argv);
  if (typeof args === 'string') {
    console.error(`${args}\n\n${DESK_USAGE}`);
    return 2;
  }
  const trace = args.trace ? (event: string) => console.error(`${new Date().toISOString()} yunzhuo-desk: ${event}`) : undefined;
  const link = new DeskLink(new WtsChannelPort(DEVICE_CHANNEL_NAME, args.library), { software: 'yunzhuo-desk', ...(trace ? { trace } : {}) });
  const api = new ZkIdrApi(link);
  const port = await api.listen(args.port);
  console.log(`yunzhuo-desk: ID card reader API (ZKIDROnline) on http://127.0.0.1:${port}/ZKIDROnline`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  link.close();
  await api.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('yunzhuo-desk failed:', err);
    process.exit(1);
  },
);
