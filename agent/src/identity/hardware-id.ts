import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';

/** /etc/machine-id (stable across reinstalls of the agent), else the first real MAC address. */
export function detectHardwareId(readFile: (file: string) => string = (f) => readFileSync(f, 'utf8')): string | null {
  for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      const id = readFile(file).trim();
      if (/^[0-9a-f]{32}$/i.test(id)) return `machine-id:${id.toLowerCase()}`;
    } catch {
      /* next source */
    }
  }
  const macs = Object.entries(networkInterfaces())
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([, addrs]) => addrs ?? [])
    .filter((a) => !a.internal && a.mac && a.mac !== '00:00:00:00:00:00')
    .map((a) => a.mac.toLowerCase());
  return macs[0] ? `mac:${macs[0]}` : null;
}
