import { BrokerInstance } from './instances/broker-instance.model.js';
import { CalendarDay } from './warmup/calendar-day.model.js';
import { ActionRun, PoolAction } from './actions/pool-action.model.js';
import { PoolLifecycle } from './pool-lifecycle.model.js';
import { SshHost, SshKnownHost } from './ssh/ssh-host.model.js';

/** The lifecycle's models, for db/models.ts to bind with the rest. */
export const LIFECYCLE_MODELS = [PoolLifecycle, SshHost, SshKnownHost, PoolAction, ActionRun, CalendarDay, BrokerInstance];
