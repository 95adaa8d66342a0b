import { CommandError, type CommandHandler } from './command-handler.js';

export const restartKiosk: CommandHandler<'restart-kiosk'> = async (_command, ctx) => {
  if (!ctx.kioskEnabled()) throw new CommandError('INVALID_PARAMS', 'the kiosk is disabled on this terminal (set-config kioskEnabled)');
  await ctx.os.kiosk.restart(ctx.kioskUrl());
  return { result: { kiosk: ctx.os.kiosk.state() } };
};
