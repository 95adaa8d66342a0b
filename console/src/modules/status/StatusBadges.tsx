import { Badge, type Tone } from '../../components/Badge';
import { hasMessage, useT } from '../../i18n/i18n';

const SESSION_TONE: Record<string, Tone> = { requested: 'info', connecting: 'info', active: 'ok', disconnected: 'warn', ended: 'muted' };
const DESKTOP_TONE: Record<string, Tone> = { free: 'ok', assigned: 'info', maintenance: 'warn', error: 'bad', resetting: 'muted', starting: 'muted' };
const HEALTH_TONE: Record<string, Tone> = { up: 'ok', down: 'bad', unknown: 'muted' };
const POOL_TONE: Record<string, Tone> = { active: 'ok', draining: 'warn', maintenance: 'bad' };

function StateBadge({ prefix, value, tones }: { prefix: string; value: string; tones: Record<string, Tone> }) {
  const t = useT();
  const key = `${prefix}.${value}`;
  return <Badge tone={tones[value] ?? 'neutral'}>{hasMessage(key) ? t(key) : value}</Badge>;
}

export const SessionStateBadge = ({ state }: { state: string }) => <StateBadge prefix="session.state" value={state} tones={SESSION_TONE} />;
export const DesktopStateBadge = ({ state }: { state: string }) => <StateBadge prefix="desktop.state" value={state} tones={DESKTOP_TONE} />;
export const HealthBadge = ({ health }: { health: string }) => <StateBadge prefix="health" value={health} tones={HEALTH_TONE} />;
export const PoolStateBadge = ({ state }: { state: string }) => <StateBadge prefix="pool.state" value={state} tones={POOL_TONE} />;
