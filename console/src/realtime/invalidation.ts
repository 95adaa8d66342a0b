import type { LiveEvent } from './live-socket';

type Key = readonly string[];

/**
 * Which cached queries an event makes stale. Keys are prefixes (`['sessions']` covers every
 * session list). The hall map reads sessions, terminals and windows, so those events reach it.
 */
export function keysFor(event: LiveEvent): Key[] {
  switch (event.type) {
    case 'session.changed':
      return [['sessions'], ['desktops'], ['audit-events']];
    case 'terminal.changed':
      return [['terminals']];
    case 'desktop.changed':
      return [['desktops']];
    case 'gateway.changed':
      return [['gateways']];
    case 'login.refused':
      return [['audit-events']];
    case 'terminal.command':
      return [['audit-events']];
    case 'rating.created':
      return [['ratings']];
    case 'alert.changed':
      return [['alerts']];
    case 'resource.changed': {
      const keys: Key[] = [[event.data.resource]];
      if (event.data.resource === 'pools') keys.push(['desktops']);
      return keys;
    }
    default:
      return [];
  }
}
