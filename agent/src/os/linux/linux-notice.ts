import type { MessageNotice } from '../os-adapters.js';

/** The window page shows the message (the broker pushes `terminal.message` to it); nothing to draw here. */
export class WindowPageNotice implements MessageNotice {
  async show(): Promise<'window-page'> {
    return 'window-page';
  }
}
