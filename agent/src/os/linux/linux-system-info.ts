import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import type { SystemFacts, SystemInfo } from '../os-adapters.js';

/** Facts from node:os and sysfs; the screen size is the first connected DRM output's preferred mode. */
export class LinuxSystemInfo implements SystemInfo {
  async collect(): Promise<SystemFacts> {
    const [a, b, c] = os.loadavg();
    return {
      hostname: os.hostname(),
      os: `${os.type()} ${os.release()}`,
      uptimeSeconds: Math.round(os.uptime()),
      load: [a ?? 0, b ?? 0, c ?? 0],
      memory: { totalBytes: os.totalmem(), freeBytes: os.freemem() },
      addresses: localAddresses(),
      screen: drmScreen(),
    };
  }
}

export function localAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal)
    .map((a) => a.address)
    .slice(0, 32);
}

function drmScreen(root = '/sys/class/drm'): { width: number; height: number } | null {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return null;
  }
  for (const entry of entries.sort()) {
    try {
      if (readFileSync(`${root}/${entry}/status`, 'utf8').trim() !== 'connected') continue;
      const match = /^(\d+)x(\d+)/.exec(readFileSync(`${root}/${entry}/modes`, 'utf8'));
      if (match) return { width: Number(match[1]), height: Number(match[2]) };
    } catch {
      /* not a connector */
    }
  }
  return null;
}
