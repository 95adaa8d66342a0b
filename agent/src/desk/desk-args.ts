import { ZK_IDR_PORT } from './zk-idr.api.js';

export const DESK_USAGE = `yunzhuo-desk — serves the window's devices inside the desktop (docs/DEVICES.md)

  --port N         port of the ID card reader API (default ${ZK_IDR_PORT}, ZKIDROnline's)
  --library PATH   the WTS API library (default: xrdp's libxrdpapi.so on Linux, wtsapi32.dll on Windows)
  --trace          print each step of the device channel (open, hello, acknowledgements, resets) with its time

Start it at desktop login, as the desktop's user (on Linux it needs that session's DISPLAY).`;

export interface DeskArgs {
  port: number;
  library: string | undefined;
  trace: boolean;
}

export function parseDeskArgs(argv: readonly string[]): DeskArgs | string {
  const out: DeskArgs = { port: ZK_IDR_PORT, library: undefined, trace: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--port' && value !== undefined && /^\d{1,5}$/.test(value) && Number(value) <= 65535) out.port = Number(argv[++i]);
    else if (flag === '--library' && value) out.library = argv[++i];
    else if (flag === '--trace') out.trace = true;
    else return `unknown or incomplete option: ${flag}`;
  }
  return out;
}
