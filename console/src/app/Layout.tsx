import { useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router-dom';
import { Modal } from '../components/Drawer';
import { useFeedback } from '../components/Feedback';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { useAuth } from '../modules/auth/AuthProvider';
import { PasswordChangeForm } from '../modules/auth/PasswordChangeForm';
import { useLive } from '../realtime/LiveEventsProvider';

const NAV: { to: string; label: MessageKey; icon: string; end?: boolean }[][] = [
  [
    { to: '/', label: 'nav.overview', icon: '◫', end: true },
    { to: '/hall', label: 'nav.hall', icon: '▦' },
    { to: '/sessions', label: 'nav.sessions', icon: '⇄' },
  ],
  [
    { to: '/pools', label: 'nav.pools', icon: '▤' },
    { to: '/terminals', label: 'nav.terminals', icon: '▣' },
    { to: '/gateways', label: 'nav.gateways', icon: '⇌' },
    { to: '/connectors', label: 'nav.connectors', icon: '⇵' },
  ],
  [
    { to: '/sites', label: 'nav.sites', icon: '⌂' },
    { to: '/departments', label: 'nav.departments', icon: '▥' },
    { to: '/windows', label: 'nav.windows', icon: '▢' },
    { to: '/accounts', label: 'nav.accounts', icon: '☺' },
    { to: '/identity', label: 'nav.identity', icon: '⚿' },
  ],
  [
    { to: '/audit', label: 'nav.audit', icon: '≣' },
    { to: '/reports', label: 'nav.reports', icon: '▁▃▅' },
    { to: '/alerts', label: 'nav.alerts', icon: '⚠' },
  ],
  [
    { to: '/work-orders', label: 'nav.workOrders', icon: '✎' },
    { to: '/rating-tags', label: 'nav.ratingTags', icon: '#' },
    { to: '/rating-outbox', label: 'nav.ratingOutbox', icon: '⇪' },
  ],
];

/** roles that reach nothing but `/rating-work-orders` (docs/RATINGS.md: the department reviewer) */
export const isReviewerOnly = (roles: readonly string[]) =>
  roles.includes('department-reviewer') && roles.every((r) => r === 'department-reviewer' || r === 'clerk');

const ROLE_KEY: Record<string, MessageKey> = {
  admin: 'role.admin',
  'site-admin': 'role.site-admin',
  auditor: 'role.auditor',
  clerk: 'role.clerk',
  'department-reviewer': 'role.department-reviewer',
};

export function Layout() {
  const { t, lang, setLang } = useI18n();
  const auth = useAuth();
  const live = useLive();
  const location = useLocation();
  const [changingPassword, setChangingPassword] = useState(false);
  const feedback = useFeedback();
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark">云</span>
          <div>
            <div className="brand-name">{t('app.name')}</div>
            <div className="brand-sub">{t('app.subtitle')}</div>
          </div>
        </div>
        <nav>
          {(isReviewerOnly(auth.roles) ? NAV.map((g) => g.filter((item) => item.to === '/work-orders')).filter((g) => g.length) : NAV).map((group, i) => (
            <div key={i} className="nav-group">
              {group.map((item) => (
                <NavLink key={item.to} to={item.to} end={item.end ?? false} className={({ isActive }) => (isActive ? 'nav-item active' : 'nav-item')}>
                  <span className="nav-icon" aria-hidden>
                    {item.icon}
                  </span>
                  {t(item.label)}
                </NavLink>
              ))}
            </div>
          ))}
        </nav>
      </aside>
      <div className="main">
        <header className="topbar">
          {isReviewerOnly(auth.roles) ? (
            <span />
          ) : (
            <span className={`live-status live-${live.status}`} title={t(`live.${live.status}`)} data-testid="live-status" data-status={live.status}>
              <span className="dot" /> {t(`live.${live.status}`)}
            </span>
          )}
          <div className="topbar-right">
            {auth.isAuditor && <span className="badge badge-info">{t('auth.readOnly')}</span>}
            <span className="user" data-testid="current-user">
              {auth.account.displayName} <span className="muted">({auth.roles.map((r) => (ROLE_KEY[r] ? t(ROLE_KEY[r]) : r)).join('、')})</span>
            </span>
            <select
              className="lang-switch"
              value={lang}
              onChange={(e) => setLang(e.target.value === 'en' ? 'en' : 'zh-CN')}
              aria-label={t('app.language')}
              data-testid="lang-switch"
            >
              <option value="zh-CN">中文</option>
              <option value="en">English</option>
            </select>
            <button className="btn btn-ghost" onClick={() => setChangingPassword(true)} data-testid="change-password">
              {t('password.open')}
            </button>
            <button className="btn btn-ghost" onClick={() => void auth.signOut()} data-testid="logout">
              {t('auth.logout')}
            </button>
          </div>
        </header>
        <main className="content">
          <ErrorBoundary
            resetKey={location.pathname}
            fallback={(error) => (
              <div className="error-view" role="alert">
                <div className="error-message">{t('error.page')}</div>
                <div className="error-code">{error.message}</div>
              </div>
            )}
          >
            <Outlet />
          </ErrorBoundary>
        </main>
        {changingPassword && (
          <Modal title={t('password.open')} onClose={() => setChangingPassword(false)} testId="password-dialog">
            <PasswordChangeForm
              onDone={() => {
                setChangingPassword(false);
                feedback.ok(t('password.changed'));
              }}
              onCancel={() => setChangingPassword(false)}
            />
          </Modal>
        )}
      </div>
    </div>
  );
}
