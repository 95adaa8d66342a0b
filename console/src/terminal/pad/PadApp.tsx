import { useEffect, useMemo, useRef, useState } from 'react';
import { isWindowApiError } from '../api/window-api';
import { LangSwitch } from '../app/LangSwitch';
import { useI18n } from '../i18n/i18n';
import { padApi, type PadState } from './pad-api';
import { PadCard } from './PadCard';
import { localPadStore, newIdempotencyKey, padCredential } from './pad-key';
import { PadOutbox } from './pad-outbox';
import { PadPairing } from './PadPairing';

/** How often the pad asks what the window is doing, and retries its outbox, in ms. */
const POLL_MS = 1500;
/** The thanks stays this long, in ms. */
const THANKS_MS = 4000;

/** The rating pad (评价器) facing the citizen: paired once with a code, then the window's view and the card. */
export function PadApp() {
  const [credential, setCredential] = useState(padCredential.load);
  if (!credential)
    return (
      <PadPairing
        onPaired={(c) => {
          padCredential.save(c);
          setCredential(c);
        }}
      />
    );
  return (
    <PadScreen
      key={credential}
      credential={credential}
      onUnpaired={() => {
        padCredential.clear();
        setCredential(null);
      }}
    />
  );
}

function PadScreen({ credential, onUnpaired }: { credential: string; onUnpaired(): void }) {
  const { t } = useI18n();
  const [state, setState] = useState<PadState | null>(null);
  const [online, setOnline] = useState(true);
  const [outOfService, setOutOfService] = useState(false);
  const [pending, setPending] = useState(() => localPadStore.load().length);
  const [thanksUntil, setThanksUntil] = useState(0);
  // invitations this pad has answered: never shown again, whatever a stale state still says
  const answered = useRef(new Set(localPadStore.load().map((r) => r.invitationId)));
  const [, setTouched] = useState(0);
  const outbox = useMemo(
    () =>
      new PadOutbox(
        localPadStore,
        (rating) => padApi.submit(credential, rating),
        () => setPending(localPadStore.load().length),
      ),
    [credential],
  );
  const unpaired = useRef(onUnpaired);
  unpaired.current = onUnpaired;

  useEffect(() => {
    let stopped = false;
    let timer = 0;
    const poll = async () => {
      try {
        const next = await padApi.state(credential);
        if (stopped) return;
        setState(next);
        setOnline(true);
        setOutOfService(false);
        await outbox.flush();
      } catch (error) {
        if (stopped) return;
        // unpaired at the window: back to the code (the outbox keeps what it holds)
        if (isWindowApiError(error, 'PAD_UNKNOWN')) return unpaired.current();
        // the window's terminal out of service for now: still paired, waiting like when offline
        setOutOfService(isWindowApiError(error, 'TERMINAL_NOT_IN_SERVICE'));
        setOnline(false);
      } finally {
        if (!stopped) {
          setPending(localPadStore.load().length);
          timer = window.setTimeout(() => void poll(), POLL_MS);
        }
      }
    };
    void poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [credential, outbox]);

  useEffect(() => {
    if (thanksUntil === 0) return;
    const timer = window.setTimeout(() => setThanksUntil(0), Math.max(0, thanksUntil - Date.now()));
    return () => window.clearTimeout(timer);
  }, [thanksUntil]);

  const invitation = state?.invitation;
  // the last state heard stays while the broker is out of reach: a card shown may still be answered, until it expires
  const card = invitation && !answered.current.has(invitation.id) && Date.parse(invitation.expiresAt) > Date.now() ? invitation : null;
  const clerk = state?.clerk?.displayName ?? null;

  return (
    <main className="pad-screen" data-testid="pad-screen" data-online={online} data-pending={pending}>
      <header className="pad-header">
        <div className="pad-photo" role="img" aria-label={t('pad.photo')}>
          {clerk ? clerk.slice(0, 1) : '—'}
        </div>
        <div className="pad-who">
          {state?.window && (
            <p className="pad-window" data-testid="pad-window">
              {t('pad.window', { window: state.window.code })}
            </p>
          )}
          <p className="pad-clerk" data-testid="pad-clerk">
            {clerk ? t('pad.clerk', { name: clerk }) : t('pad.noClerk')}
          </p>
        </div>
        {state?.queueNumber && (
          <p className="pad-number" data-testid="pad-number">
            {t('pad.serving', { number: state.queueNumber })}
          </p>
        )}
        <LangSwitch />
      </header>
      {!online && (
        <p className="pad-offline" role="status" data-testid="pad-offline" data-reason={outOfService ? 'out-of-service' : 'unreachable'}>
          {t(outOfService ? 'pad.outOfService' : 'pad.offline')}
        </p>
      )}
      {pending > 0 && (
        <p className="pad-pending" data-testid="pad-pending">
          {t('pad.pending', { count: pending })}
        </p>
      )}
      {thanksUntil > 0 ? (
        <p className="rating-thanks pad-thanks" role="status" data-testid="rating-thanks">
          {t('pad.thanks')}
        </p>
      ) : card ? (
        <PadCard
          key={card.id}
          invitation={card}
          onTouch={() => setTouched((n) => n + 1)}
          onRate={(level, details) => {
            answered.current.add(card.id);
            setThanksUntil(Date.now() + THANKS_MS);
            void outbox
              .add({
                invitationId: card.id,
                level,
                tagSetVersion: card.tagSet.version,
                ...(details.tags.length ? { tags: details.tags } : {}),
                ...(details.comment.trim() ? { comment: details.comment.trim() } : {}),
                ...(details.rater ? { rater: details.rater } : {}),
                idempotencyKey: newIdempotencyKey(),
                ratedAt: new Date().toISOString(),
              })
              .finally(() => setPending(localPadStore.load().length));
            setPending(localPadStore.load().length);
          }}
        />
      ) : (
        <section className="pad-welcome" data-testid="pad-welcome">
          <h1>{t('pad.welcome')}</h1>
          <p>{t('pad.wait')}</p>
        </section>
      )}
    </main>
  );
}
