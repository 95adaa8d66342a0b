import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { terminalOpsApi, type BulkCommandType, type BulkResult, BULK_COMMANDS } from '../../api/terminals-ops';
import { Badge, type Tone } from '../../components/Badge';
import { DataTable } from '../../components/DataTable';
import { useFeedback } from '../../components/Feedback';
import { Card } from '../../components/PageHeader';
import { errorText } from '../../i18n/core/error-text';
import { formatInt } from '../../i18n/core/format';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { useLookups } from '../../modules/lookups/lookups';
import { NO_SITE_AREA, SiteAreaPicker } from './SiteAreaPicker';

const LABEL: Record<BulkCommandType, MessageKey> = {
  message: 'command.message',
  lock: 'command.lock',
  unlock: 'command.unlock',
  'restart-kiosk': 'command.restartKiosk',
  reboot: 'command.reboot',
  shutdown: 'bulk.shutdown',
  wake: 'bulk.wake',
};
const OUTCOME_TONE: Record<string, Tone> = { ok: 'ok', failed: 'bad', timeout: 'warn', offline: 'muted', refused: 'bad' };

/** How a wake-up went out (issue 17): through which terminal, from the broker, or not needed. */
function wakeDetail(r: BulkResult, t: (key: MessageKey, params?: Record<string, string | number>) => string): string {
  if (r.result?.alreadyOnline === true) return t('bulk.alreadyOnline');
  if (r.result?.via === 'terminal') return t('bulk.viaTerminal', { relay: String(r.result.relay ?? '') });
  if (r.result?.via === 'broker') return t('bulk.viaBroker');
  return '—';
}

/** One command to every terminal of a site or of one hall area, with each terminal's outcome. */
export function BulkCommandsCard() {
  const { t, lang } = useI18n();
  const feedback = useFeedback();
  const lookups = useLookups({ accounts: false });
  const [where, setWhere] = useState(NO_SITE_AREA);
  const { siteId, area } = where;
  const [type, setType] = useState<BulkCommandType>('message');
  const [text, setText] = useState('');
  const send = useMutation({
    mutationFn: () =>
      terminalOpsApi.bulkCommand({
        siteId,
        ...(area ? { area } : {}),
        command: type === 'message' ? { type, text: text.trim(), level: 'info', durationSeconds: 60 } : { type },
      }),
    onError: (err) => feedback.error(err),
  });

  const run = async () => {
    const where = area ? `${lookups.siteName(siteId)} · ${area}` : lookups.siteName(siteId);
    const ok = await feedback.confirm({
      title: t('bulk.confirmTitle', { command: t(LABEL[type]), where }),
      body: t('bulk.confirmBody'),
      danger: type !== 'message',
    });
    if (ok) send.mutate();
  };

  const data = send.data;
  return (
    <Card title={t('bulk.title')} testId="bulk-commands">
      <p className="muted small">{t('bulk.help')}</p>
      <div className="inline-form">
        <SiteAreaPicker value={where} onChange={setWhere} testIdPrefix="bulk" />
        <select value={type} onChange={(e) => setType(e.target.value as BulkCommandType)} aria-label={t('bulk.command')} data-testid="bulk-type">
          {BULK_COMMANDS.map((c) => (
            <option key={c} value={c}>
              {t(LABEL[c])}
            </option>
          ))}
        </select>
        {type === 'message' && (
          <input value={text} onChange={(e) => setText(e.target.value)} placeholder={t('command.messagePlaceholder')} maxLength={500} data-testid="bulk-text" />
        )}
        <button
          className="btn btn-primary"
          disabled={!siteId || (type === 'message' && !text.trim()) || send.isPending}
          onClick={() => void run()}
          data-testid="bulk-send"
        >
          {send.isPending ? t('command.waiting') : t('bulk.send')}
        </button>
      </div>
      {data && (
        <>
          <div className="bulk-summary" data-testid="bulk-summary">
            {t('bulk.summary', { ok: formatInt(data.succeeded), total: formatInt(data.total) })}
          </div>
          <DataTable<BulkResult>
            testId="bulk-results"
            rows={data.results}
            rowKey={(r) => r.terminalId}
            columns={[
              { key: 'terminal', header: t('terminal.name'), render: (r) => r.terminalName },
              { key: 'window', header: t('terminal.window'), render: (r) => r.windowCode ?? '—', width: 90 },
              {
                key: 'outcome',
                header: t('bulk.outcome'),
                render: (r) => <Badge tone={OUTCOME_TONE[r.outcome] ?? 'muted'}>{t(`bulk.outcome.${r.outcome}`)}</Badge>,
                width: 90,
              },
              {
                key: 'why',
                header: t('bulk.detail'),
                render: (r) => (r.error ? (errorText(r.error.code, lang, { agentCode: r.error.agentCode }) ?? r.error.code) : wakeDetail(r, t)),
              },
            ]}
          />
        </>
      )}
    </Card>
  );
}
