import type { powerZhCN } from './power.zh-CN';

/** Night power-off and wake-on-LAN (issue 17); every key of power.zh-CN.ts (the type checks it). */
export const powerEn: Record<keyof typeof powerZhCN, string> = {
  'bulk.wake': 'Wake up (Wake-on-LAN)',
  'bulk.alreadyOnline': 'Already online; no wake-up needed',
  'bulk.viaTerminal': 'Wake-up packet sent by {relay} on the same segment',
  'bulk.viaBroker': 'Wake-up packet sent by the server',

  'power.title': 'Scheduled power-off and wake-up',
  'power.help':
    'Every terminal of a site (or one area) is powered off at a set time and woken in the morning by Wake-on-LAN; an online terminal on the same segment sends the wake-up packet.',
  'power.days': 'Days',
  'power.days.working-days': 'Working days',
  'power.days.every-day': 'Every day',
  'power.offAt': 'Power off',
  'power.wakeAt': 'Wake',
  'power.off': 'off',
  'power.wake': 'wake',
  'power.lastRun': 'Last run',
  'power.state': 'State',
  'power.enabled': 'On',
  'power.disabled': 'Off',
  'power.enable': 'Turn on',
  'power.disable': 'Turn off',
  'power.add': 'Add schedule',
  'power.saved': 'Schedule saved',
  'power.empty': 'No power schedule yet',
  'power.confirmDelete': 'Delete this schedule?',
};
