import { appendFileSync } from 'node:fs';
import os from 'node:os';
import type { KioskState } from '@yunzhuo/protocol/agent/index';
import type { OsAdapters, SystemFacts } from '../os-adapters.js';
import { localAddresses, localNics } from '../linux/linux-system-info.js';

export interface RecordedAction {
  at: string;
  action: string;
  args: Record<string, unknown>;
}

/**
 * Does nothing to the machine: appends every action as one JSON line to `file`, so a test can
 * assert what a real agent process would have done. System facts are real except the screen.
 */
export function recordingOs(file: string): OsAdapters {
  const record = (action: string, args: Record<string, unknown> = {}) => {
    const line: RecordedAction = { at: new Date().toISOString(), action, args };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  };
  let kiosk: KioskState = 'stopped';
  return {
    power: {
      reboot: async (delaySeconds) => record('power.reboot', { delaySeconds }),
      shutdown: async (delaySeconds) => record('power.shutdown', { delaySeconds }),
    },
    screen: {
      lock: async () => record('screen.lock'),
      unlock: async () => record('screen.unlock'),
    },
    kiosk: {
      open: async (url) => {
        record('kiosk.open', { url });
        kiosk = 'running';
      },
      restart: async (url) => {
        record('kiosk.restart', { url });
        kiosk = 'running';
      },
      close: async () => {
        record('kiosk.close');
        kiosk = 'stopped';
      },
      state: () => kiosk,
    },
    notice: {
      show: async (text, level, durationSeconds) => {
        record('notice.show', { text, level, durationSeconds });
        return null;
      },
    },
    system: {
      collect: async (): Promise<SystemFacts> => {
        const [a, b, c] = os.loadavg();
        return {
          hostname: os.hostname(),
          os: `${os.type()} ${os.release()}`,
          uptimeSeconds: Math.round(os.uptime()),
          load: [a ?? 0, b ?? 0, c ?? 0],
          memory: { totalBytes: os.totalmem(), freeBytes: os.freemem() },
          addresses: localAddresses(),
          screen: { width: 1920, height: 1080 },
          nics: localNics(),
        };
      },
    },
    // never sends: a test's broadcast address is the machine's real segment, not loopback
    wake: { send: async (mac, broadcast, port) => record('wake.send', { mac, broadcast, port }) },
  };
}
