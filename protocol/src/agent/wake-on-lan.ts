import { z } from 'zod';

/** `aa:bb:cc:dd:ee:ff` (lower case, colons); dashes and upper case are accepted and normalised. */
export const macSchema = z
  .string()
  .trim()
  .regex(/^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$/, '应为网卡地址（MAC），如 52:54:00:12:34:56')
  .transform((mac) => mac.toLowerCase().replace(/-/g, ':'));

const ipv4 = z.string().regex(/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/, '应为 IPv4 地址');

/** One network card of a terminal, as its heartbeat reports it (for wake-on-LAN). */
export const nicSchema = z.object({ mac: macSchema, ipv4, netmask: ipv4 }).strict();
export type Nic = z.infer<typeof nicSchema>;

/** The standard UDP port of wake-on-LAN (discard). */
export const WAKE_PORT = 9;
/** Bytes of a magic packet: 6 × 0xFF, then the MAC 16 times. */
export const MAGIC_PACKET_BYTES = 6 + 16 * 6;

/** The magic packet that wakes the card `mac`. */
export function magicPacket(mac: string): Buffer {
  const address = Buffer.from(
    macSchema
      .parse(mac)
      .split(':')
      .map((h) => parseInt(h, 16)),
  );
  return Buffer.concat([Buffer.alloc(6, 0xff), ...Array.from({ length: 16 }, () => address)]);
}

function toInt(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function toAddress(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** Whether two cards are on one IPv4 segment (same network under the first card's mask). */
export function sameSegment(a: Pick<Nic, 'ipv4' | 'netmask'>, b: Pick<Nic, 'ipv4'>): boolean {
  const mask = toInt(a.netmask);
  return (toInt(a.ipv4) & mask) >>> 0 === (toInt(b.ipv4) & mask) >>> 0;
}

/** The segment's directed broadcast address (`192.168.1.255` for 192.168.1.20/24). */
export function broadcastOf(nic: Pick<Nic, 'ipv4' | 'netmask'>): string {
  const mask = toInt(nic.netmask);
  return toAddress(((toInt(nic.ipv4) & mask) | (~mask >>> 0)) >>> 0);
}

/** `wake-on-lan` command: the agent sends one magic packet per target to its segment's broadcast. */
export const wakeTargetSchema = z.object({ mac: macSchema, broadcast: ipv4, port: z.number().int().min(1).max(65535).default(WAKE_PORT) }).strict();
export type WakeTarget = z.infer<typeof wakeTargetSchema>;
