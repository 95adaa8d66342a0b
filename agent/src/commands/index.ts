import type { CommandMessage, CommandResultMessage } from '@yunzhuo/protocol/agent/index';
import { bindWindow } from './bind-window.js';
import { CommandError, type AnyCommandHandler, type CommandContext, type CommandHandlers } from './command-handler.js';
import { lock } from './lock.js';
import { message } from './message.js';
import { openKiosk } from './open-kiosk.js';
import { reboot } from './reboot.js';
import { restartKiosk } from './restart-kiosk.js';
import { setConfig } from './set-config.js';
import { shutdown } from './shutdown.js';
import { unlock } from './unlock.js';
import { wakeOnLan } from './wake-on-lan.js';

/** One handler per command; the map's type makes a missing one a compile error. */
export const COMMAND_HANDLERS: CommandHandlers = {
  reboot,
  shutdown,
  lock,
  unlock,
  message,
  'open-kiosk': openKiosk,
  'restart-kiosk': restartKiosk,
  'set-config': setConfig,
  'bind-window': bindWindow,
  'wake-on-lan': wakeOnLan,
};

export async function runCommand(
  message: CommandMessage,
  ctx: CommandContext,
  handlers: CommandHandlers = COMMAND_HANDLERS,
): Promise<{ outcome: CommandResultMessage['outcome']; after?: () => Promise<void> }> {
  const handler = handlers[message.command.type] as AnyCommandHandler;
  try {
    const { result, after } = await handler(message.command, ctx);
    return { outcome: { ok: true, result }, ...(after ? { after } : {}) };
  } catch (err) {
    const code = err instanceof CommandError ? err.code : 'OS_ACTION_FAILED';
    ctx.log.warn('command failed', { type: message.command.type, code, error: (err as Error).message });
    return { outcome: { ok: false, error: { code, message: String((err as Error).message).slice(0, 500) } } };
  }
}
