import type { CommandHandler } from './command-handler.js';

export const unlock: CommandHandler<'unlock'> = async (_command, ctx) => {
  await ctx.os.screen.unlock();
  return { result: { locked: false } };
};
