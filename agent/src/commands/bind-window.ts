import type { CommandHandler } from './command-handler.js';

/** The broker records the binding once this answers; the window page is reloaded so it shows the new window. */
export const bindWindow: CommandHandler<'bind-window'> = async (command, ctx) => {
  ctx.bindWindow(command.windowId);
  if (ctx.kioskEnabled() && ctx.os.kiosk.state() === 'running') await ctx.os.kiosk.restart(ctx.kioskUrl());
  return { result: { windowId: command.windowId } };
};
