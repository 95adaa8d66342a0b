import type { CommandHandler } from './command-handler.js';

/** Like reboot: answered first, then powered off. */
export const shutdown: CommandHandler<'shutdown'> = async (command, ctx) => {
  if (command.delaySeconds > 0) {
    await ctx.os.power.shutdown(command.delaySeconds);
    return { result: { scheduledInSeconds: command.delaySeconds } };
  }
  return { result: { scheduledInSeconds: 0 }, after: () => ctx.os.power.shutdown(0) };
};
