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
      nics: localNics(),
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

/** IPv4 cards with a real MAC (not loopback, not a zero MAC), for wake-on-LAN; at most 16. */
export function localNics(): Array<{ mac: string; ipv4: string; netmask: string }> {
  return Object.values(os.networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal && a.family === 'IPv4' && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(a.mac) && a.mac !== '00:00:00:00:00:00')
    .map((a) => ({ mac: a.mac, ipv4: a.address, netmask: a.netmask }))
    .slice(0, 16);
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
