import type { CommandHandler } from './command-handler.js';

/** Sends each target's magic packet on this terminal's segment; the broker chose this terminal because it shares it. */
export const wakeOnLan: CommandHandler<'wake-on-lan'> = async (command, ctx) => {
  const sent: string[] = [];
  const failed: Array<{ mac: string; error: string }> = [];
  for (const target of command.targets) {
    try {
      await ctx.os.wake.send(target.mac, target.broadcast, target.port);
      sent.push(target.mac);
    } catch (err) {
      failed.push({ mac: target.mac, error: String((err as Error).message).slice(0, 200) });
    }
  }
  return { result: { sent, failed } };
};
