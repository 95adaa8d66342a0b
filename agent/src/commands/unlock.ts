import type { CommandHandler } from './command-handler.js';

export const unlock: CommandHandler<'unlock'> = async (_command, ctx) => {
  await ctx.os.screen.unlock();
  const shownOnWindow = await ctx.screen.show({ type: 'unlock' });
  return { result: { locked: false, shownOnWindow } };
};
