import type { CommandHandler } from './command-handler.js';

/** The broker already pushed the text to the window page; the agent confirms it is there to show it. */
export const message: CommandHandler<'message'> = async (command, ctx) => {
  const shownBy = await ctx.os.notice.show(command.text, command.level, command.durationSeconds);
  return { result: { shownBy, kiosk: ctx.os.kiosk.state() } };
};
