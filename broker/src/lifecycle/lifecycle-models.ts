import { BrokerInstance } from './broker-instance.model.js';
import { CalendarDay } from './calendar-day.model.js';
import { ActionRun, PoolAction } from './pool-action.model.js';
import { PoolLifecycle } from './pool-lifecycle.model.js';
import { SshHost, SshKnownHost } from './ssh-host.model.js';

/** The lifecycle's models, for db/models.ts to bind with the rest. */
export const LIFECYCLE_MODELS = [PoolLifecycle, SshHost, SshKnownHost, PoolAction, ActionRun, CalendarDay, BrokerInstance];
