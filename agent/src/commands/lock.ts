import type { CommandHandler } from './command-handler.js';

/** The OS locks the screen; the window page covers itself too and says it is locked (shownOnWindow). */
export const lock: CommandHandler<'lock'> = async (_command, ctx) => {
  await ctx.os.screen.lock();
  const shownOnWindow = await ctx.screen.show({ type: 'lock' });
  return { result: { locked: true, shownOnWindow } };
};
