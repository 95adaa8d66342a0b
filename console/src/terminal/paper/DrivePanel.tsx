import { useState } from 'react';
import type { DriveSource } from '@yunzhuo/protocol/paper/drive-names';
import { useI18n } from '../i18n/i18n';
import { DriveSendError, type DriveSent, type WindowDrive } from './window-drive';

/** The latest files first; the panel lists this many. */
const SHOWN = 5;

/**
 * Scans into the desktop (docs/PAPER.md): 拍照送入桌面 takes a still of the document camera,
 * 扫描件送入桌面 sends the scanner folder's newest file; both land in the desktop's 窗口材料 and the
 * panel lists what was sent (name and size), newest first.
 */
export function DrivePanel({ drive }: { drive: WindowDrive }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<DriveSent[]>([]);
  const [error, setError] = useState<string | null>(null);

  const send = async (source: DriveSource) => {
    setBusy(true);
    setError(null);
    try {
      const file = await drive.send(source);
      setSent((list) => [file, ...list].slice(0, SHOWN));
    } catch (failure) {
      setError(failure instanceof DriveSendError ? failure.message : t('drive.failed'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <aside className="drive-panel" data-testid="drive-panel" aria-label={t('drive.title')}>
      <div className="drive-panel-actions">
        <button type="button" data-testid="drive-send-camera" disabled={busy} onClick={() => void send('camera')}>
          {t('drive.sendCamera')}
        </button>
        <button type="button" data-testid="drive-send-folder" disabled={busy} onClick={() => void send('folder')}>
          {t('drive.sendFolder')}
        </button>
      </div>
      {busy && <p data-testid="drive-busy">{t('drive.sending')}</p>}
      {error && (
        <p className="drive-panel-error" role="alert" data-testid="drive-error">
          {t('drive.error', { reason: error })}
        </p>
      )}
      {sent.length > 0 && (
        <ul data-testid="drive-sent">
          {sent.map((file) => (
            <li key={file.name} data-testid="drive-sent-file" data-name={file.name} data-bytes={file.bytes}>
              {t('drive.sent', { name: file.name, size: `${Math.max(1, Math.round(file.bytes / 1024))} KB` })}
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
