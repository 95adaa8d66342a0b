import type { PowerControl } from '../os-adapters.js';
import { run } from './run.js';

/** systemctl reboot / poweroff; a delay becomes a transient systemd timer, so it survives the agent. */
export class LinuxPower implements PowerControl {
  reboot(delaySeconds: number): Promise<void> {
    return this.#at(delaySeconds, 'reboot');
  }

  shutdown(delaySeconds: number): Promise<void> {
    return this.#at(delaySeconds, 'poweroff');
  }

  async #at(delaySeconds: number, verb: 'reboot' | 'poweroff'): Promise<void> {
    if (delaySeconds <= 0) await run('systemctl', [verb]);
    else await run('systemd-run', [`--on-active=${delaySeconds}s`, '--unit', `yunzhuo-${verb}`, 'systemctl', verb]);
  }
}
