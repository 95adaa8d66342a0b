import type { ScreenLock } from '../os-adapters.js';
import { run } from './run.js';

/**
 * loginctl. The agent is a system service with no login session of its own, so it locks every
 * session on the seat (`lock-sessions`): on a thin client that is the kiosk user's one session.
 */
export class LinuxScreenLock implements ScreenLock {
  async lock(): Promise<void> {
    await run('loginctl', ['lock-sessions']);
  }

  async unlock(): Promise<void> {
    await run('loginctl', ['unlock-sessions']);
  }
}
