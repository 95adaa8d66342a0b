import type { PowerControl } from '../os-adapters.js';
import { run } from './run.js';

/**
 * systemctl reboot / poweroff; a delay is handed to logind (ScheduleShutdown), so it survives the
 * agent. Both go through logind, which the package's polkit rule opens to the agent's own user.
 */
export class LinuxPower implements PowerControl {
  /**
   * `powerOffCommand`: what powers the box off now (`systemctl poweroff` by default; a vendor's
   * own tool on some thin clients), split on spaces and run without a shell.
   */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly powerOffCommand = 'systemctl poweroff',
  ) {}

  reboot(delaySeconds: number): Promise<void> {
    return this.#at(delaySeconds, 'reboot');
  }

  shutdown(delaySeconds: number): Promise<void> {
    return this.#at(delaySeconds, 'poweroff');
  }

  async #at(delaySeconds: number, verb: 'reboot' | 'poweroff'): Promise<void> {
    if (delaySeconds <= 0 && verb === 'poweroff') {
      const [file, ...args] = this.powerOffCommand.trim().split(/\s+/);
      await run(file!, args);
    } else if (delaySeconds <= 0) await run('systemctl', [verb]);
    else await run('busctl', scheduleShutdownArgs(verb, this.now() + delaySeconds * 1000));
  }
}

/** `busctl call` of logind's ScheduleShutdown(type, µs since the epoch) */
export function scheduleShutdownArgs(verb: 'reboot' | 'poweroff', atMs: number): string[] {
  return ['call', 'org.freedesktop.login1', '/org/freedesktop/login1', 'org.freedesktop.login1.Manager', 'ScheduleShutdown', 'st', verb, String(atMs * 1000)];
}
