import type { MessageNotice } from '../os-adapters.js';

/** The window page shows the message (the agent's window screen channel); the kiosk terminal draws nothing else. */
export class WindowPageNotice implements MessageNotice {
  async show(): Promise<null> {
    return null;
  }
}
