import type { CommandHandler } from './command-handler.js';

/** Applied at once (a new heartbeat interval from the next beat) and kept across restarts. */
export const setConfig: CommandHandler<'set-config'> = async (command, ctx) => {
  const effective = ctx.applySettings(command.settings);
  if (command.settings.kioskEnabled === false) await ctx.os.kiosk.close();
  return { result: { settings: effective } };
};
