import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { terminalOpsApi, terminalOpsQueries, type TerminalCommandType } from '../../api/terminals-ops';
import type { Terminal } from '../../api/types';
import { Badge, type Tone } from '../../components/Badge';
import { ErrorView } from '../../components/ErrorView';
import { useFeedback } from '../../components/Feedback';
import { hasMessage, useT, type MessageKey } from '../../i18n/i18n';
import { formatDateTime, formatTime } from '../../i18n/core/format';
import { useLookups } from '../lookups/lookups';

export const COMMAND_LABEL: Record<TerminalCommandType, MessageKey> = {
  message: 'command.message',
  lock: 'command.lock',
  unlock: 'command.unlock',
  reboot: 'command.reboot',
  'restart-kiosk': 'command.restartKiosk',
};
const DISRUPTIVE = new Set<TerminalCommandType>(['reboot', 'restart-kiosk', 'lock']);
const OUTCOME_TONE: Record<string, Tone> = { ok: 'ok', failed: 'bad', timeout: 'warn', offline: 'muted' };

/** Commands to a terminal's agent (the broker waits for the answer), and the recent outcomes. */
export function TerminalCommands({ terminal, canWrite }: { terminal: Terminal; canWrite: boolean }) {
  const t = useT();
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const lookups = useLookups({ accounts: false });
  // 绑定窗口: the windows of the terminal's own site; the open window page shows the new one at once
  const [windowId, setWindowId] = useState(terminal.windowId ?? '');
  const siteWindows = [...lookups.window.values()]
    .filter((w) => w.siteId === terminal.siteId)
    .sort((a, b) => a.code.localeCompare(b.code, 'zh-CN', { numeric: true }));
  const bind = useMutation({
    mutationFn: () => terminalOpsApi.sendCommand(terminal.id, { type: 'bind-window', windowId: windowId || null }),
    onSuccess: () => {
      feedback.ok(t('command.bound', { window: windowId ? lookups.windowCode(windowId) : '—' }));
      void queryClient.invalidateQueries({ queryKey: ['terminals'] });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['audit-events', 'terminal-commands', terminal.id] }),
  });
  const history = useQuery(terminalOpsQueries.commandHistory(terminal.id));
  const send = useMutation({
    mutationFn: (type: TerminalCommandType) =>
      terminalOpsApi.sendCommand(terminal.id, type === 'message' ? { type, text: text.trim(), level: 'info', durationSeconds: 30 } : { type }),
    onSuccess: (_r, type) => {
      // the agent answers a message only once the window page showed it (issue 17)
      feedback.ok(type === 'message' ? t('command.messageShown') : t('command.done', { command: t(COMMAND_LABEL[type]) }));
      if (type === 'message') setText('');
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['audit-events', 'terminal-commands', terminal.id] }),
  });

  const run = async (type: TerminalCommandType) => {
    if (type === 'message' && !text.trim()) return;
    if (DISRUPTIVE.has(type)) {
      const ok = await feedback.confirm({
        title: t('command.confirmTitle', { command: t(COMMAND_LABEL[type]) }),
        body: t('command.confirmBody', { terminal: terminal.name }),
        danger: type !== 'lock',
      });
      if (!ok) return;
    }
    send.mutate(type);
  };

  return (
    <div className="terminal-commands" data-testid="terminal-commands">
      {canWrite && (
        <>
          {!terminal.online && <div className="notice">{t('command.offlineHint')}</div>}
          <div className="inline-form">
            <input value={text} onChange={(e) => setText(e.target.value)} placeholder={t('command.messagePlaceholder')} maxLength={500} />
            <button className="btn" disabled={!text.trim() || send.isPending} onClick={() => void run('message')}>
              {t('command.message')}
            </button>
          </div>
          <div className="button-row">
            {(['lock', 'unlock', 'restart-kiosk', 'reboot'] as const).map((type) => (
              <button key={type} className={type === 'reboot' ? 'btn btn-danger-outline' : 'btn'} disabled={send.isPending} onClick={() => void run(type)}>
                {t(COMMAND_LABEL[type])}
              </button>
            ))}
          </div>
          <div className="inline-form" data-testid="bind-window">
            <select value={windowId} onChange={(e) => setWindowId(e.target.value)} aria-label={t('command.bindWindow')}>
              <option value="">{t('command.noWindow')}</option>
              {siteWindows.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.code}
                  {w.label ? ` · ${w.label}` : ''}
                </option>
              ))}
            </select>
            <button className="btn" disabled={bind.isPending || windowId === (terminal.windowId ?? '')} onClick={() => bind.mutate()}>
              {t('command.bindWindow')}
            </button>
          </div>
          {(send.isPending || bind.isPending) && <div className="muted small">{t('command.waiting')}</div>}
          {send.isError && <ErrorView error={send.error} compact />}
          {bind.isError && <ErrorView error={bind.error} compact />}
        </>
      )}
      <div className="muted small section-title">{t('command.history')}</div>
      {(history.data?.items ?? []).length === 0 ? (
        <div className="muted small">{t('command.noHistory')}</div>
      ) : (
        <ul className="command-history">
          {history.data!.items.map((e) => {
            const d = e.details ?? {};
            const type = String(d.type ?? '');
            const outcome = String(d.outcome ?? '');
            const outcomeKey = `command.outcome.${outcome}`;
            return (
              <li key={e.id} title={formatDateTime(e.at)}>
                <span className="muted">{formatTime(e.at)}</span> {type in COMMAND_LABEL ? t(COMMAND_LABEL[type as TerminalCommandType]) : type}{' '}
                <Badge tone={OUTCOME_TONE[outcome] ?? 'neutral'}>{hasMessage(outcomeKey) ? t(outcomeKey) : outcome}</Badge>{' '}
                <span className="muted">{e.actorName ?? ''}</span>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
