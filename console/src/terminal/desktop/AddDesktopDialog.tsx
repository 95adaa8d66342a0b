import type { WindowApi, WindowLogin } from '../api/window-api';
import { LoginPanel } from '../idle/LoginPanel';
import { useI18n } from '../i18n/i18n';

/** 一窗受理: the clerk opens another department's desktop without leaving the ones held. */
export function AddDesktopDialog({
  api,
  windowKey,
  clerkName,
  heldPoolIds,
  onLoggedIn,
  onCancel,
}: {
  api: WindowApi;
  windowKey: string;
  clerkName: string;
  heldPoolIds: readonly string[];
  onLoggedIn(login: WindowLogin, username: string): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  return (
    <div className="modal-backdrop" data-keeps-focus onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <div className="modal modal-login" role="dialog" aria-labelledby="add-desktop-title" data-testid="add-desktop-dialog">
        <h2 id="add-desktop-title">{t('login.otherDepartment')}</h2>
        <LoginPanel api={api} windowKey={windowKey} onLoggedIn={onLoggedIn} onCancel={onCancel} initialUsername={clerkName} exceptPoolIds={heldPoolIds} />
      </div>
    </div>
  );
}
