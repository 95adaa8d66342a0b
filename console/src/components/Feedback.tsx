import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api/api-error';
import { useI18n } from '../i18n/i18n';
import { Modal } from './Drawer';

interface Toast {
  id: number;
  tone: 'ok' | 'bad';
  text: string;
  code?: string;
}
interface ConfirmRequest {
  title: string;
  body?: ReactNode;
  confirmLabel?: string;
  danger?: boolean;
  resolve: (ok: boolean) => void;
}
interface Feedback {
  ok(text: string): void;
  error(err: unknown): void;
  confirm(req: Omit<ConfirmRequest, 'resolve'>): Promise<boolean>;
}

const FeedbackContext = createContext<Feedback | null>(null);
const TOAST_MS = 4_000;

/** Toasts after an action, and a confirmation dialog for anything that disturbs a clerk. */
export function FeedbackProvider({ children }: { children: ReactNode }) {
  const { lang, t } = useI18n();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [confirming, setConfirming] = useState<ConfirmRequest | null>(null);
  const seq = useRef(0);

  const push = useCallback((toast: Omit<Toast, 'id'>) => {
    const id = ++seq.current;
    setToasts((list) => [...list, { ...toast, id }].slice(-4));
    setTimeout(() => setToasts((list) => list.filter((x) => x.id !== id)), TOAST_MS);
  }, []);

  const value = useMemo<Feedback>(
    () => ({
      ok: (text) => push({ tone: 'ok', text }),
      error: (err) => push(err instanceof ApiError ? { tone: 'bad', text: err.localized(lang), code: err.code } : { tone: 'bad', text: t('error.unexpected') }),
      confirm: (req) => new Promise<boolean>((resolve) => setConfirming({ ...req, resolve })),
    }),
    [push, lang, t],
  );

  const answer = (ok: boolean) => {
    confirming?.resolve(ok);
    setConfirming(null);
  };

  return (
    <FeedbackContext.Provider value={value}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((x) => (
          <div key={x.id} className={`toast toast-${x.tone}`} role={x.tone === 'bad' ? 'alert' : 'status'}>
            {x.text}
            {x.code && <span className="toast-code">{x.code}</span>}
          </div>
        ))}
      </div>
      {confirming && (
        <Modal
          title={confirming.title}
          onClose={() => answer(false)}
          testId="confirm-dialog"
          footer={
            <>
              <button className="btn" onClick={() => answer(false)}>
                {t('common.cancel')}
              </button>
              <button className={confirming.danger ? 'btn btn-danger' : 'btn btn-primary'} onClick={() => answer(true)} autoFocus data-testid="confirm-ok">
                {confirming.confirmLabel ?? t('common.confirm')}
              </button>
            </>
          }
        >
          {confirming.body}
        </Modal>
      )}
    </FeedbackContext.Provider>
  );
}

export function useFeedback(): Feedback {
  const ctx = useContext(FeedbackContext);
  if (!ctx) throw new Error('useFeedback outside FeedbackProvider');
  return ctx;
}
