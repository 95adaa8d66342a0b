import type { CommandHandler } from './command-handler.js';

/**
 * The broker records the binding once this answers. The open window page hears of it on the
 * screen channel and shows the new window without a reload; only a kiosk whose page did not
 * answer is restarted.
 */
export const bindWindow: CommandHandler<'bind-window'> = async (command, ctx) => {
  ctx.bindWindow(command.windowId);
  const shownOnWindow = await ctx.screen.show({ type: 'window-bound', windowId: command.windowId });
  if (!shownOnWindow && ctx.kioskEnabled() && ctx.os.kiosk.state() === 'running') await ctx.os.kiosk.restart(ctx.kioskUrl());
  return { result: { windowId: command.windowId, shownOnWindow } };
};
