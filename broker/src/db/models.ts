import type { Sequelize } from 'sequelize';
import { Account, AccountDepartment, AccountPool } from '../accounts/account.model.js';
import { AuditEvent } from '../audit/audit-event.model.js';
import { AdminSession } from '../auth/admin-session.model.js';
import { Department } from '../departments/department.model.js';
import { Desktop } from '../desktops/desktop.model.js';
import { Gateway } from '../gateways/gateway.model.js';
import { Pool, PoolGateway } from '../pools/pool.model.js';
import { DesktopSession, TunnelToken } from '../sessions/session.model.js';
import { Site } from '../sites/site.model.js';
import { Terminal } from '../terminals/terminal.model.js';
import { HallWindow } from '../windows/window.model.js';
import { JoinToken } from '../join-tokens/join-token.model.js';
import { Rating, RatingInvitation, RatingTagSet } from '../ratings/rating.model.js';
import { RatingWorkOrder } from '../ratings/work-order.model.js';
import { RatingOutboxItem } from '../ratings/rating-outbox.model.js';
import { LIFECYCLE_MODELS } from '../lifecycle/lifecycle-models.js';
import { IdentitySource } from '../identity/identity-source.model.js';
import { RecoveryCode } from '../auth/recovery-code.model.js';
import { LoginRule } from '../identity/login-rule.model.js';
import { Connector } from '../connectors/connector.model.js';
import { OidcLogin, OidcSource } from '../identity/oidc-source.model.js';
import { QueueTicket } from '../queue/queue-ticket.model.js';
import { QueuePause } from '../queue/queue-pause.model.js';
import { RatingPad } from '../rating-pads/rating-pad.model.js';
import { HallPlan } from '../hall-plans/hall-plan.model.js';
import { PowerSchedule } from '../power/power-schedule.model.js';
import { ALERT_MODELS } from '../alerts/alert.model.js';

const ALL = [
  Site,
  Department,
  HallWindow,
  Terminal,
  Account,
  AccountDepartment,
  AccountPool,
  Gateway,
  Pool,
  PoolGateway,
  Desktop,
  DesktopSession,
  TunnelToken,
  AdminSession,
  AuditEvent,
  JoinToken,
  RatingInvitation,
  Rating,
  RatingTagSet,
  RatingWorkOrder,
  RatingOutboxItem,
  IdentitySource,
  RecoveryCode,
  LoginRule,
  Connector,
  OidcSource,
  OidcLogin,
  QueueTicket,
  QueuePause,
  RatingPad,
  ...LIFECYCLE_MODELS,
  HallPlan,
  PowerSchedule,
  ...ALERT_MODELS,
];

/**
 * Binds every model to one Sequelize. Models are module-level classes (Sequelize's design), so
 * one process serves one database; tests that need two databases start two broker processes.
 */
export function initModels(sequelize: Sequelize): void {
  for (const model of ALL) model.initModel(sequelize);
}
