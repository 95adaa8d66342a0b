import type { PowerControl } from '../os-adapters.js';
import { run } from './run.js';

/**
 * systemctl reboot / poweroff; a delay is handed to logind (ScheduleShutdown), so it survives the
 * agent. Both go through logind, which the package's polkit rule opens to the agent's own user.
 */
export class LinuxPower implements PowerControl {
  constructor(private readonly now: () => number = Date.now) {}

  reboot(delaySeconds: number): Promise<void> {
    return this.#at(delaySeconds, 'reboot');
  }

  shutdown(delaySeconds: number): Promise<void> {
    return this.#at(delaySeconds, 'poweroff');
  }

  async #at(delaySeconds: number, verb: 'reboot' | 'poweroff'): Promise<void> {
    if (delaySeconds <= 0) await run('systemctl', [verb]);
    else await run('busctl', scheduleShutdownArgs(verb, this.now() + delaySeconds * 1000));
  }
}

/** `busctl call` of logind's ScheduleShutdown(type, µs since the epoch) */
export function scheduleShutdownArgs(verb: 'reboot' | 'poweroff', atMs: number): string[] {
  return ['call', 'org.freedesktop.login1', '/org/freedesktop/login1', 'org.freedesktop.login1.Manager', 'ScheduleShutdown', 'st', verb, String(atMs * 1000)];
}
