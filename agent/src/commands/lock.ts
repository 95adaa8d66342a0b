import type { CommandHandler } from './command-handler.js';

export const lock: CommandHandler<'lock'> = async (_command, ctx) => {
  await ctx.os.screen.lock();
  return { result: { locked: true } };
};
