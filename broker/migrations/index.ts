import type { QueryInterface } from 'sequelize';
import * as m0001 from './0001-initial-schema.js';
import * as m0003 from './0003-agents.js';
import * as m0004 from './0004-ratings.js';
import * as m0005 from './0005-lifecycle.js';
import * as m0006 from './0006-pool-devices.js';
import * as m0007 from './0007-name-keys.js';
import * as m0008 from './0008-window-printer.js';
import * as m0009 from './0009-password-change.js';
import * as m0011 from './0011-identity-sources.js';
import * as m0012 from './0012-rating-levels.js';
import * as m0013 from './0013-rating-outbox.js';
import * as m0014 from './0014-connectors.js';
import * as m0015 from './0015-totp-oidc.js';
import * as m0016 from './0016-queue-tickets.js';
import * as m0018 from './0018-alerts.js';
import * as m0019 from './0019-hall-plans-power.js';
import * as m0021 from './0021-rating-pads.js';

export interface Migration {
  name: string;
  up(params: { context: QueryInterface }): Promise<void>;
  down(params: { context: QueryInterface }): Promise<void>;
}

/** In order. A new migration is a new file plus one line here; a landed one is never edited. */
export const migrations: Migration[] = [
  { name: '0001-initial-schema', ...m0001 },
  { name: '0003-agents', ...m0003 },
  { name: '0004-ratings', ...m0004 },
  { name: '0005-lifecycle', ...m0005 },
  { name: '0006-pool-devices', ...m0006 },
  { name: '0007-name-keys', ...m0007 },
  { name: '0008-window-printer', ...m0008 },
  { name: '0009-password-change', ...m0009 },
  { name: '0011-identity-sources', ...m0011 },
  { name: '0012-rating-levels', ...m0012 },
  { name: '0013-rating-outbox', ...m0013 },
  { name: '0014-connectors', ...m0014 },
  { name: '0015-totp-oidc', ...m0015 },
  { name: '0016-queue-tickets', ...m0016 },
  { name: '0018-alerts', ...m0018 },
  { name: '0019-hall-plans-power', ...m0019 },
  { name: '0021-rating-pads', ...m0021 },
];
