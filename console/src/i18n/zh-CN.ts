import { appZhCN } from './messages/app.zh-CN';
import { accountsZhCN } from './messages/accounts.zh-CN';
import { hallZhCN } from './messages/hall.zh-CN';
import { sessionsZhCN } from './messages/sessions.zh-CN';
import { poolsZhCN } from './messages/pools.zh-CN';
import { terminalsZhCN } from './messages/terminals.zh-CN';
import { powerZhCN } from './messages/power.zh-CN';
import { paperZhCN } from './messages/paper.zh-CN';
import { sitesZhCN } from './messages/sites.zh-CN';
import { reportsZhCN } from './messages/reports.zh-CN';
import { ratingsZhCN } from './messages/ratings.zh-CN';
import { townsZhCN } from './messages/towns.zh-CN';
import { floorPlanZhCN } from './messages/floor-plan.zh-CN';
import { alertsZhCN } from './messages/alerts.zh-CN';
import { identityZhCN } from './messages/identity.zh-CN';

/**
 * The console's Chinese text: the source of truth for which messages exist. One file per area
 * under messages/ (`<area>.zh-CN.ts` beside `<area>.en.ts`), merged here; `en.ts` must define
 * every key (its type says so). `{name}` marks a parameter. A new area is imported and spread
 * here and in en.ts; test/e2e/console-i18n-catalogue.test.ts checks that no key is in two areas.
 */
export const zhCN = {
  ...appZhCN,
  ...accountsZhCN,
  ...hallZhCN,
  ...sessionsZhCN,
  ...poolsZhCN,
  ...terminalsZhCN,
  ...powerZhCN,
  ...paperZhCN,
  ...sitesZhCN,
  ...reportsZhCN,
  ...ratingsZhCN,
  ...townsZhCN,
  ...floorPlanZhCN,
  ...alertsZhCN,
  ...identityZhCN,
} as const;

export type MessageKey = keyof typeof zhCN;
