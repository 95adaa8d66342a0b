import { useMutation, useQueryClient } from '@tanstack/react-query';
import { sessionKeys, sessionsApi } from '../../api/sessions';
import type { DeskSession } from '../../api/types';
import { useFeedback } from '../../components/Feedback';
import { useT } from '../../i18n/i18n';

/** Force disconnect / force logoff, each behind a confirmation that names the clerk. */
export function useSessionActions(clerkName: (s: DeskSession) => string) {
  const t = useT();
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: ({ session, action }: { session: DeskSession; action: 'disconnect' | 'end' }) =>
      action === 'end' ? sessionsApi.end(session.id) : sessionsApi.disconnect(session.id),
    onSuccess: (_r, { action }) => feedback.ok(t(action === 'end' ? 'session.endedOk' : 'session.disconnectedOk')),
    onError: (err) => feedback.error(err),
    onSettled: () => queryClient.invalidateQueries({ queryKey: sessionKeys.root }),
  });
  const run = async (session: DeskSession, action: 'disconnect' | 'end') => {
    const ok = await feedback.confirm({
      title: t(action === 'end' ? 'session.confirmEndTitle' : 'session.confirmDisconnectTitle'),
      body: t(action === 'end' ? 'session.confirmEndBody' : 'session.confirmDisconnectBody', { clerk: clerkName(session) }),
      confirmLabel: t(action === 'end' ? 'session.forceEnd' : 'session.forceDisconnect'),
      danger: action === 'end',
    });
    if (ok) mutation.mutate({ session, action });
  };
  return { run, pending: mutation.isPending };
}
