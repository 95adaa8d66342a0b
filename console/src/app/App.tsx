import { lazy, Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { Loading } from '../components/EmptyState';
import { ErrorView } from '../components/ErrorView';
import { FeedbackProvider } from '../components/Feedback';
import { useT } from '../i18n/i18n';
import { AuthProvider, useMe } from '../modules/auth/AuthProvider';
import { ForcedPasswordChange } from '../modules/auth/ForcedPasswordChange';
import { TotpStep } from '../modules/auth/TotpStep';
import { AccountsPage } from '../pages/Accounts/AccountsPage';
import { AuditPage } from '../pages/Audit/AuditPage';
import { DepartmentsPage } from '../pages/Departments/DepartmentsPage';
import { GatewaysPage } from '../pages/Gateways/GatewaysPage';
import { IdentityPage } from '../pages/Identity/IdentityPage';
import { ConnectorsPage } from '../pages/Connectors/ConnectorsPage';
import { AlertsPage } from '../pages/Alerts/AlertsPage';
import { HallPage } from '../pages/Hall/HallPage';
import { LoginPage } from '../pages/Login/LoginPage';
import { OverviewPage } from '../pages/Overview/OverviewPage';
import { PoolsPage } from '../pages/Pools/PoolsPage';
import { SessionsPage } from '../pages/Sessions/SessionsPage';
import { SitesPage } from '../pages/Sites/SitesPage';
import { TerminalsPage } from '../pages/Terminals/TerminalsPage';
import { WindowsPage } from '../pages/Windows/WindowsPage';
import { WorkOrdersPage } from '../pages/WorkOrders/WorkOrdersPage';
import { RatingTagsPage } from '../pages/RatingTags/RatingTagsPage';
import { RatingOutboxPage } from '../pages/RatingOutbox/RatingOutboxPage';
import { WallPage } from '../pages/Wall/WallPage';
import { LiveEventsProvider } from '../realtime/LiveEventsProvider';
import { isReviewerOnly, Layout } from './Layout';

// charts and the recording player are big and rarely opened: separate chunks
const ReportsPage = lazy(() => import('../pages/Reports/ReportsPage'));
const RecordingPage = lazy(() => import('../pages/Recording/RecordingPage'));

/** Served under /console by the broker. */
export const BASENAME = '/console';

function Gate() {
  const t = useT();
  const me = useMe();
  if (me.isPending) return <Loading label={t('common.loading')} />;
  if (me.isError)
    return (
      <div className="center-page">
        <ErrorView error={me.error} />
      </div>
    );
  if (!me.data)
    return (
      <Routes>
        <Route path="*" element={<LoginPage />} />
      </Routes>
    );
  if (me.data.restriction) return <TotpStep me={me.data} />;
  if (me.data.account.mustChangePassword) return <ForcedPasswordChange me={me.data} />;
  // a department reviewer reaches only the work orders (the broker answers 403 elsewhere)
  const reviewerOnly = isReviewerOnly(me.data.account.roles);
  return (
    <AuthProvider me={me.data}>
      <LiveEventsProvider enabled={!reviewerOnly}>
        <Routes>
          {/* 大屏模式: the command-center screen, without the console's chrome */}
          <Route path="wall" element={<WallPage />} />
          <Route element={<Layout />}>
            <Route index element={reviewerOnly ? <Navigate to="/work-orders" replace /> : <OverviewPage />} />
            <Route path="work-orders" element={<WorkOrdersPage />} />
            <Route path="rating-tags" element={<RatingTagsPage />} />
            <Route path="rating-outbox" element={<RatingOutboxPage />} />
            <Route path="hall" element={<HallPage />} />
            <Route path="hall/:siteId" element={<HallPage />} />
            <Route path="pools" element={<PoolsPage />} />
            <Route path="pools/:poolId" element={<PoolsPage />} />
            <Route path="terminals" element={<TerminalsPage />} />
            <Route path="sessions" element={<SessionsPage />} />
            <Route
              path="sessions/:sessionId/recording"
              element={
                <Suspense fallback={<Loading label={t('common.loading')} />}>
                  <RecordingPage />
                </Suspense>
              }
            />
            <Route path="accounts" element={<AccountsPage />} />
            <Route path="identity" element={<IdentityPage />} />
            <Route path="departments" element={<DepartmentsPage />} />
            <Route path="windows" element={<WindowsPage />} />
            <Route path="sites" element={<SitesPage />} />
            <Route path="gateways" element={<GatewaysPage />} />
            <Route path="connectors" element={<ConnectorsPage />} />
            <Route path="alerts" element={<AlertsPage />} />
            <Route path="audit" element={<AuditPage />} />
            <Route
              path="reports"
              element={
                <Suspense fallback={<Loading label={t('common.loading')} />}>
                  <ReportsPage />
                </Suspense>
              }
            />
            <Route path="login" element={<Navigate to="/" replace />} />
            <Route path="*" element={<Navigate to="/" replace />} />
          </Route>
        </Routes>
      </LiveEventsProvider>
    </AuthProvider>
  );
}

export function App() {
  return (
    <BrowserRouter basename={BASENAME}>
      <FeedbackProvider>
        <Gate />
      </FeedbackProvider>
    </BrowserRouter>
  );
}
