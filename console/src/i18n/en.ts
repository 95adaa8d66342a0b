import { appEn } from './messages/app.en';
import { accountsEn } from './messages/accounts.en';
import { hallEn } from './messages/hall.en';
import { sessionsEn } from './messages/sessions.en';
import { poolsEn } from './messages/pools.en';
import { terminalsEn } from './messages/terminals.en';
import { powerEn } from './messages/power.en';
import { paperEn } from './messages/paper.en';
import { sitesEn } from './messages/sites.en';
import { reportsEn } from './messages/reports.en';
import { ratingsEn } from './messages/ratings.en';
import { townsEn } from './messages/towns.en';
import { floorPlanEn } from './messages/floor-plan.en';
import { alertsEn } from './messages/alerts.en';
import { identityEn } from './messages/identity.en';
import type { MessageKey } from './zh-CN';

/** English, merged from messages/<area>.en.ts; every key of zh-CN.ts must be here (the type checks it). */
export const en: Record<MessageKey, string> = {
  ...appEn,
  ...accountsEn,
  ...hallEn,
  ...sessionsEn,
  ...poolsEn,
  ...terminalsEn,
  ...powerEn,
  ...paperEn,
  ...sitesEn,
  ...reportsEn,
  ...ratingsEn,
  ...townsEn,
  ...floorPlanEn,
  ...alertsEn,
  ...identityEn,
};
