import type { CommandHandler } from './command-handler.js';

/** Answered first, then rebooted: a reboot must not race its own acknowledgement. A delayed one is scheduled before answering. */
export const reboot: CommandHandler<'reboot'> = async (command, ctx) => {
  if (command.delaySeconds > 0) {
    await ctx.os.power.reboot(command.delaySeconds);
    return { result: { scheduledInSeconds: command.delaySeconds } };
  }
  return { result: { scheduledInSeconds: 0 }, after: () => ctx.os.power.reboot(0) };
};
