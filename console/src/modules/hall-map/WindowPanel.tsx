import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { auditQueries } from '../../api/audit';
import type { AuditEvent } from '../../api/types';
import { Badge } from '../../components/Badge';
import { Drawer } from '../../components/Drawer';
import { useI18n } from '../../i18n/i18n';
import { formatDateTime, formatRelative, formatTime } from '../../i18n/core/format';
import { AuditActionLabel } from '../audit/AuditActionLabel';
import type { Lookups } from '../lookups/lookups';
import { SessionStateBadge } from '../status/StatusBadges';
import { STATE_LABEL } from './HallMap';
import { useSessionActions } from './session-actions';
import { TerminalCommands } from './TerminalCommands';
import type { WindowView } from './window-state';

function concerns(e: AuditEvent, ids: Set<string>): boolean {
  if (e.targetId && ids.has(e.targetId)) return true;
  const d = e.details ?? {};
  return [d.windowId, d.terminalId].some((v) => typeof v === 'string' && ids.has(v));
}

/** A window's terminal, current session and last events, with the commands an admin needs. */
export function WindowPanel({ view, lookups, canWrite, onClose }: { view: WindowView; lookups: Lookups; canWrite: boolean; onClose: () => void }) {
  const { t, lang } = useI18n();
  const { window: w, terminal } = view;
  const actions = useSessionActions((s) => lookups.accountName(s.accountId));
  const audit = useQuery(auditQueries.list({ siteId: w.siteId, pageSize: 200, order: 'desc' }));
  const ids = new Set([w.id, ...(terminal ? [terminal.id] : []), ...view.sessions.map((s) => s.id)]);
  const events = (audit.data?.items ?? []).filter((e) => concerns(e, ids)).slice(0, 10);

  return (
    <Drawer title={t('hall.windowTitle', { code: w.code })} onClose={onClose} testId="window-panel" width={480}>
      <div className="kv">
        <span>{t('hall.stateLabel')}</span>
        <span>
          <span className={`legend-swatch ws-${view.state}`} /> <b data-testid="window-state">{t(STATE_LABEL[view.state])}</b>
        </span>
        <span>{t('window.label')}</span>
        <span>{w.label ?? '—'}</span>
        <span>{t('window.department')}</span>
        <span>{w.departmentId ? lookups.departmentName(w.departmentId) : t('window.anyDepartment')}</span>
        <span>{t('window.area')}</span>
        <span>{w.area ?? '—'}</span>
      </div>

      <h3 className="section-title">{t('hall.currentSession')}</h3>
      {view.sessions.length === 0 && <div className="muted">{t('hall.noSession')}</div>}
      {view.sessions.map((s) => (
        <div key={s.id} className="session-card" data-testid="window-session">
          <div className="kv">
            <span>{t('session.clerk')}</span>
            <span>{lookups.accountName(s.accountId)}</span>
            <span>{t('session.state')}</span>
            <span>
              <SessionStateBadge state={s.state} />
            </span>
            <span>{t('session.department')}</span>
            <span>{lookups.departmentName(s.departmentId)}</span>
            <span>{t('session.pool')}</span>
            <span>{lookups.poolName(s.poolId)}</span>
            <span>{t('session.since')}</span>
            <span title={formatDateTime(s.requestedAt)}>{formatRelative(s.activeAt ?? s.requestedAt, lang)}</span>
          </div>
          {canWrite && (
            <div className="button-row">
              {s.state !== 'disconnected' && (
                <button className="btn" disabled={actions.pending} onClick={() => void actions.run(s, 'disconnect')} data-testid="force-disconnect">
                  {t('session.forceDisconnect')}
                </button>
              )}
              <button className="btn btn-danger" disabled={actions.pending} onClick={() => void actions.run(s, 'end')} data-testid="force-end">
                {t('session.forceEnd')}
              </button>
            </div>
          )}
        </div>
      ))}

      <h3 className="section-title">{t('hall.terminal')}</h3>
      {!terminal ? (
        <div className="muted">{t('hall.noTerminal')}</div>
      ) : (
        <>
          <div className="kv">
            <span>{t('terminal.name')}</span>
            <span>{terminal.name}</span>
            <span>{t('terminal.status')}</span>
            <span>
              <Badge tone={terminal.online ? 'ok' : 'muted'}>{terminal.online ? t('terminal.online') : t('terminal.offline')}</Badge>{' '}
              {terminal.state !== 'active' && <Badge tone="warn">{t(`terminal.state.${terminal.state}` as 'terminal.state.pending')}</Badge>}
            </span>
            <span>{t('terminal.lastSeen')}</span>
            <span>{formatRelative(terminal.lastSeenAt, lang)}</span>
            <span>{t('terminal.address')}</span>
            <span>{terminal.address ?? '—'}</span>
            <span>{t('terminal.agentVersion')}</span>
            <span>{terminal.agentVersion ?? '—'}</span>
            <span>{t('terminal.devices')}</span>
            <span data-testid="terminal-devices">
              {terminal.devices?.length
                ? terminal.devices.map((d) => (
                    <Badge key={d.class} tone={d.state === 'present' ? 'ok' : d.state === 'absent' ? 'muted' : 'warn'}>
                      {t(`pool.devices.${d.class}` as 'pool.devices.idcard')} · {t(`terminal.device.${d.state}` as 'terminal.device.present')}
                    </Badge>
                  ))
                : '—'}
            </span>
          </div>
          <TerminalCommands terminal={terminal} canWrite={canWrite} />
        </>
      )}

      <h3 className="section-title">
        {t('hall.lastEvents')}{' '}
        <Link to={`/audit?siteId=${w.siteId}`} className="small">
          {t('common.more')}
        </Link>
      </h3>
      {events.length === 0 ? (
        <div className="muted">{t('hall.noEvents')}</div>
      ) : (
        <ul className="event-list">
          {events.map((e) => (
            <li key={e.id}>
              <span className="muted" title={formatDateTime(e.at)}>
                {formatTime(e.at)}
              </span>{' '}
              <AuditActionLabel action={e.action} /> <span className="muted">{e.actorName ?? t('audit.system')}</span>
            </li>
          ))}
        </ul>
      )}
    </Drawer>
  );
}
