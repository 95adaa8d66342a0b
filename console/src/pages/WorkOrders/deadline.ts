import { formatDate } from '../../i18n/core/format';

/** A deadline is the instant its working day ends (00:00 of the next day): shown as that day's 24:00. */
export function formatDeadline(at: string): string {
  return `${formatDate(Date.parse(at) - 1)} 24:00`;
}
