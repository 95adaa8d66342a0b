import type { KioskState } from '@yunzhuo/protocol/agent/index';

/** Everything the agent does to the box goes through these; `linux/` acts, `recording/` only writes down. */
export interface PowerControl {
  reboot(delaySeconds: number): Promise<void>;
  shutdown(delaySeconds: number): Promise<void>;
}

export interface ScreenLock {
  lock(): Promise<void>;
  unlock(): Promise<void>;
}

export interface KioskBrowser {
  /** opens the window page full-screen; a no-op when it is already open on that page */
  open(url: string): Promise<void>;
  restart(url: string): Promise<void>;
  close(): Promise<void>;
  state(): KioskState;
}

/** The window page shows messages (the agent's window screen channel); the OS side may add its own notice, or none (null). */
export interface MessageNotice {
  show(text: string, level: string, durationSeconds: number): Promise<'desktop-notification' | null>;
}

/** Sends wake-on-LAN magic packets (UDP broadcast on the terminal's own segment). */
export interface WakeSender {
  send(mac: string, broadcast: string, port: number): Promise<void>;
}

export interface SystemFacts {
  hostname: string;
  os: string;
  uptimeSeconds: number;
  load: [number, number, number];
  memory: { totalBytes: number; freeBytes: number };
  addresses: string[];
  screen: { width: number; height: number } | null;
  /** IPv4 cards with their MAC, for wake-on-LAN */
  nics?: Array<{ mac: string; ipv4: string; netmask: string }>;
}

export interface SystemInfo {
  collect(): Promise<SystemFacts>;
}

export interface OsAdapters {
  power: PowerControl;
  screen: ScreenLock;
  kiosk: KioskBrowser;
  notice: MessageNotice;
  system: SystemInfo;
  wake: WakeSender;
}
