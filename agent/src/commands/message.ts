import { CommandError, type CommandHandler } from './command-handler.js';

/**
 * The window page shows the text (the screen channel) and says so; 成功 in the console means the
 * clerk saw it. No page open and no notice of the OS's own: the command fails, saying why.
 */
export const message: CommandHandler<'message'> = async (command, ctx) => {
  const [onPage, byOs] = await Promise.all([
    ctx.screen.show({ type: 'notice', text: command.text, level: command.level, durationSeconds: command.durationSeconds }),
    ctx.os.notice.show(command.text, command.level, command.durationSeconds),
  ]);
  const shownBy = onPage ? 'window-page' : byOs;
  if (!shownBy) throw new CommandError('NOT_SHOWN', 'the window page is not open: nothing showed the message');
  return { result: { shownBy, kiosk: ctx.os.kiosk.state() } };
};
