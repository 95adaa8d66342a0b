import { CommandError, type CommandHandler } from './command-handler.js';

export const openKiosk: CommandHandler<'open-kiosk'> = async (_command, ctx) => {
  if (!ctx.kioskEnabled()) throw new CommandError('INVALID_PARAMS', 'the kiosk is disabled on this terminal (set-config kioskEnabled)');
  await ctx.os.kiosk.open(ctx.kioskUrl());
  return { result: { kiosk: ctx.os.kiosk.state() } };
};
