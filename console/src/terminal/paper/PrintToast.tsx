import { useEffect } from 'react';
import { useI18n } from '../i18n/i18n';
import type { PrintNotice } from './window-printing';

/** How long the print toast stays, ms: long enough to read, short enough not to cover work. */
const TOAST_MS = 4000;

/** 已送到窗口打印机 / 打印失败：<reason> / the window has no printer: a short line over the desktop. */
export function PrintToast({ notice, onDone }: { notice: PrintNotice; onDone(): void }) {
  const { t } = useI18n();
  useEffect(() => {
    const timer = window.setTimeout(onDone, TOAST_MS);
    return () => window.clearTimeout(timer);
  }, [notice, onDone]);
  const text =
    notice.kind === 'printed'
      ? t('paper.printed')
      : notice.kind === 'failed'
        ? t('paper.failed', { reason: notice.reason })
        : notice.kind === 'no-printer'
          ? t('paper.noPrinter')
          : t('paper.noBridge');
  return (
    <div className={notice.kind === 'printed' ? 'print-toast' : 'print-toast print-toast-bad'} role="status" data-testid="print-toast" data-kind={notice.kind}>
      {text}
    </div>
  );
}
