import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api/api-error';
import { sessionQueries } from '../../api/sessions';
import { EmptyState, Loading } from '../../components/EmptyState';
import { ErrorView } from '../../components/ErrorView';
import { Card, PageHeader, Toolbar } from '../../components/PageHeader';
import { useI18n } from '../../i18n/i18n';
import { formatDateTime } from '../../i18n/core/format';
import { useLookups } from '../../modules/lookups/lookups';
import { RecordingPlayer } from '../../modules/recording/RecordingPlayer';

/** Loaded on demand with guacamole-common-js. */
export default function RecordingPage() {
  const { t } = useI18n();
  const { sessionId = '' } = useParams();
  const lookups = useLookups();
  const session = useQuery(sessionQueries.detail(sessionId));
  // each guacd connection of the session is recorded as a part of its own. Part 0 is asked for
  // while the list loads; the first listed part plays (guacd may have written no part 0)
  const [picked, setPicked] = useState<number | null>(null);
  const listed = useQuery(sessionQueries.recordingParts(sessionId));
  const parts = listed.data?.items ?? [];
  const part = picked ?? parts[0]?.index ?? 0;
  const complete = parts.some((p) => p.index > part);
  const recording = useQuery(sessionQueries.recording(sessionId, part, complete));
  const s = session.data;
  // an error on part 0 waits for the list, which tells whether other parts exist
  const awaitingList = recording.isError && listed.isPending;
  const missing = !awaitingList && recording.error instanceof ApiError && recording.error.status === 404;
  const problem = s?.recordingProblem ?? null;

  return (
    <div data-testid="page-recording">
      <PageHeader title={t('recording.title')} subtitle={<Link to="/sessions?tab=history">← {t('recording.back')}</Link>} />
      {s && (
        <div className="kv kv-inline">
          <span>{t('session.clerk')}</span>
          <span>{lookups.accountName(s.accountId)}</span>
          <span>{t('session.window')}</span>
          <span>{s.windowId ? lookups.windowCode(s.windowId) : '—'}</span>
          <span>{t('session.department')}</span>
          <span>{lookups.departmentName(s.departmentId)}</span>
          <span>{t('session.requestedAt')}</span>
          <span>{formatDateTime(s.requestedAt)}</span>
          <span>{t('session.endedAt')}</span>
          <span>{s.state === 'ended' ? formatDateTime(s.endedAt) : '—'}</span>
        </div>
      )}
      <Card>
        {parts.length > 1 && (
          <Toolbar>
            <label className="inline-label">
              {t('recording.part')}
              <select value={part} onChange={(e) => setPicked(Number(e.target.value))} data-testid="recording-part">
                {parts.map((p, i) => (
                  <option key={p.index} value={p.index}>
                    {t('recording.partN', { n: i + 1 })}
                  </option>
                ))}
              </select>
            </label>
          </Toolbar>
        )}
        {problem ? (
          <EmptyState title={t('recording.none')} icon="▶">
            <span data-testid="recording-problem">
              {t(problem.code === 'not-written' ? 'recording.notWritten' : 'recording.dirUnavailable', {
                directory: problem.directory,
                detail: problem.detail ?? '—',
              })}
            </span>
          </EmptyState>
        ) : missing ? (
          <EmptyState title={t('recording.none')} icon="▶">
            <span data-testid="recording-problem">{s && !s.hasRecording ? t('recording.notRecorded') : t('recording.removed')}</span>
          </EmptyState>
        ) : recording.isPending || awaitingList ? (
          <Loading label={t('recording.loading')} />
        ) : recording.isError ? (
          <ErrorView error={recording.error} />
        ) : (
          <RecordingPlayer key={part} blob={recording.data} />
        )}
      </Card>
    </div>
  );
}
