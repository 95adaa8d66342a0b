import { useState } from 'react';
import type { RatingCase, RatingInvitation, WindowApi, WindowApiError } from '../api/window-api';
import { errorText, useI18n } from '../i18n/i18n';
import { useQueue } from './use-queue';

interface Props {
  api: WindowApi;
  sessionId: string;
  /** the case at the counter, carried into the rating 结束服务 invites */
  ratingCase: RatingCase;
  /** 结束服务 made the rating invitation: the card (or the pad) shows it */
  onFinished(invitation: RatingInvitation): void;
}

/** 排队叫号 outside the desktop: the number served, 叫号 / 重呼 / 过号 / 转移 / 结束服务. Hidden when the hall has no queue system. */
export function QueueBar({ api, sessionId, ratingCase, onFinished }: Props) {
  const { t, lang } = useI18n();
  const { view, call, recall, skip, transfer, finish, setPaused } = useQueue(api, sessionId);
  const [target, setTarget] = useState('');
  if (!view.enabled) return null;
  // the queue system's own words (a refusal) follow ours: the clerk may know what it means
  const noticeOf = (error: WindowApiError) => {
    const ours = error.code === 'NETWORK' ? t('error.NETWORK') : (errorText(error.code, lang, error.details) ?? t('error.NETWORK'));
    return typeof error.details.reason === 'string' ? `${ours}：${error.details.reason}` : ours;
  };
  const serving = view.ticket !== null;
  const paused = view.pausedAt !== null;
  const button = (testId: string, label: string, onClick: () => unknown, enabled: boolean) => (
    <button type="button" className="bar-button" data-testid={testId} disabled={view.busy || !enabled} onClick={() => void onClick()}>
      {label}
    </button>
  );
  return (
    <div className="queue-bar" data-testid="queue-bar" data-paused={paused} role="group" aria-label={t('queue.title')}>
      <span className="queue-number" data-testid="queue-number" aria-live="polite">
        {serving ? t('queue.serving', { number: view.ticket!.number }) : t('queue.none')}
      </span>
      {paused && (
        <span className="queue-paused" data-testid="queue-paused">
          {t('queue.paused')}
        </span>
      )}
      {button('queue-call', t('queue.call'), call, !serving && !paused)}
      {button('queue-recall', t('queue.recall'), recall, serving)}
      {button('queue-skip', t('queue.skip'), skip, serving)}
      <input
        className="bar-case queue-target"
        data-testid="queue-target"
        aria-label={t('queue.target')}
        placeholder={t('queue.target')}
        maxLength={32}
        value={target}
        onChange={(e) => setTarget(e.target.value.trim())}
      />
      {button('queue-transfer', t('queue.transfer'), () => transfer(target).then((done) => done && setTarget('')), serving && target !== '')}
      {button(
        'queue-finish',
        t('queue.finish'),
        async () => {
          const done = await finish(ratingCase);
          if (done) onFinished(done.invitation);
        },
        serving,
      )}
      {button(paused ? 'queue-resume' : 'queue-pause', paused ? t('queue.resume') : t('queue.pause'), () => setPaused(!paused), true)}
      {view.notice && (
        <span className="queue-notice" data-testid="queue-notice" role="status" data-code={view.notice.kind === 'error' ? view.notice.error.code : 'EMPTY'}>
          {view.notice.kind === 'empty' ? t('queue.empty') : noticeOf(view.notice.error)}
        </span>
      )}
    </div>
  );
}
