import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { RatingCase, RatingInvitation, TerminalContext, WindowApi, WindowLogin } from '../api/window-api';
import type { HeldDesktop } from '../app/held-desktops';
import type { ConnectionPhase, DesktopConnection } from '../guac/desktop-connection';
import { screenSizeOf } from '../guac/display-fit';
import { pageKeyboard } from '../guac/keyboard-input';
import { QueueBar } from '../queue/QueueBar';
import { RatingCard } from '../rating/RatingCard';
import { PadPairDialog } from '../rating/PadPairDialog';
import { PadRatingNotice } from '../rating/PadRatingNotice';
import { AddDesktopDialog } from './AddDesktopDialog';
import { DesktopView } from './DesktopView';
import { IdleWarning } from './IdleWarning';
import { TopBar } from './TopBar';
import { useClipboardBridge } from './use-clipboard-bridge';
import { useIdleWarning } from './use-idle-warning';
import { useScreenResize } from './use-screen-resize';

interface Props {
  api: WindowApi;
  context: TerminalContext;
  desktops: HeldDesktop[];
  activeId: string;
  clerkName: string;
  onActivate(sessionId: string): void;
  onLogin(login: WindowLogin, username: string): void;
  /** the desktop leaves the screen; `how` says what the broker is told */
  onRemove(sessionIds: string[], how: 'disconnect' | 'logoff' | 'dismiss'): void;
}

type Dialog = null | 'add' | 'rate' | 'pad';

/** The held desktops of this window, one on screen, with the top bar and the dialogs over them. */
export function DesktopStage({ api, context, desktops, activeId, clerkName, onActivate, onLogin, onRemove }: Props) {
  const stageRef = useRef<HTMLDivElement>(null);
  const barRef = useRef<HTMLElement>(null);
  const connections = useRef(new Map<string, DesktopConnection>());
  const [phases, setPhases] = useState<Record<string, ConnectionPhase['kind']>>({});
  const [dialog, setDialog] = useState<Dialog>(null);
  const [ratingCase, setRatingCase] = useState<RatingCase>({});
  /** made by 结束服务 at the queue bar; the card shows it instead of inviting again */
  const [queueInvitation, setQueueInvitation] = useState<RatingInvitation | undefined>(undefined);
  /** rating pads paired with this terminal: with one, the card shows on the pad */
  const [pads, setPads] = useState(0);
  /** this rating on the window's own screen although a pad is paired (the pad does not answer) */
  const [cardHere, setCardHere] = useState(false);
  useEffect(() => {
    api.pairedPads().then(
      (items) => setPads(items.length),
      () => undefined,
    );
  }, [api]);
  const barsRef = useRef<HTMLDivElement>(null);
  const [barFocused, setBarFocused] = useState(false);
  const clipboard = useClipboardBridge();
  const tunnelUrl = useMemo(() => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/tunnel`, []);
  const screen = useCallback(() => screenSizeOf(stageRef.current), []);
  const active = desktops.find((d) => d.session.id === activeId);
  const idleLimit = Math.min(...desktops.map((d) => d.session.idleSeconds).filter((s) => s > 0), Infinity);
  const idle = useIdleWarning(Number.isFinite(idleLimit) ? idleLimit : 0, () =>
    onRemove(
      desktops.filter((d) => d.session.idleSeconds > 0).map((d) => d.session.id),
      'logoff',
    ),
  );
  useScreenResize(screen, connections);

  const switchTo = useCallback(
    (index: number) => {
      const target = desktops[index];
      if (target) onActivate(target.session.id);
    },
    [desktops, onActivate],
  );
  const register = useCallback((sessionId: string, connection: DesktopConnection | null) => {
    if (connection) connections.current.set(sessionId, connection);
    else connections.current.delete(sessionId);
  }, []);
  const onPhase = useCallback((sessionId: string, phase: ConnectionPhase) => setPhases((p) => ({ ...p, [sessionId]: phase.kind })), []);
  const dismiss = useCallback((sessionId: string) => onRemove([sessionId], 'dismiss'), [onRemove]);

  const keyboardOn = phases[activeId] === 'live' && dialog === null && !barFocused && idle.secondsLeft === null;
  useEffect(() => {
    const keyboard = pageKeyboard();
    keyboard.setTarget({
      client: () => connections.current.get(activeId)?.client ?? null,
      onSwitch: switchTo,
      onBar: () => barRef.current?.querySelector<HTMLButtonElement>('button')?.focus(),
    });
    if (keyboardOn) keyboard.enable();
    else keyboard.disable();
  }, [activeId, keyboardOn, switchTo]);
  useEffect(() => () => pageKeyboard().setTarget(null), []);
  useEffect(() => {
    // when the desktop on screen becomes live, and whenever the clerk comes back to the page
    // (having copied something in another program of the thin client)
    const offer = () => {
      if (phases[activeId] === 'live') void clipboard.offerTo(active, connections.current.get(activeId));
    };
    offer();
    window.addEventListener('focus', offer);
    return () => window.removeEventListener('focus', offer);
  }, [active, activeId, clipboard, phases]);

  return (
    <div className="desktop-screen" data-testid="desktop-screen">
      <div
        ref={barsRef}
        onFocus={() => setBarFocused(true)}
        onBlur={(e) => {
          if (!barsRef.current?.contains(e.relatedTarget as Node | null)) setBarFocused(false);
        }}
      >
        <TopBar
          ref={barRef}
          windowCode={context.window?.code ?? null}
          desktops={desktops}
          activeId={activeId}
          phases={phases}
          onSwitch={(i) => {
            (document.activeElement as HTMLElement | null)?.blur();
            switchTo(i);
          }}
          onAdd={() => setDialog('add')}
          onRate={() => setDialog('rate')}
          onPad={() => setDialog('pad')}
          pads={pads}
          ratingCase={ratingCase}
          onCaseChange={setRatingCase}
          onDisconnect={() =>
            onRemove(
              desktops.map((d) => d.session.id),
              'disconnect',
            )
          }
          onLogoff={() => onRemove([activeId], 'logoff')}
          onLeaveBar={() => (document.activeElement as HTMLElement | null)?.blur()}
        />
        {active && (
          <QueueBar
            api={api}
            sessionId={active.session.id}
            ratingCase={ratingCase}
            onFinished={(invitation) => {
              setQueueInvitation(invitation);
              setDialog('rate');
            }}
          />
        )}
      </div>
      <div ref={stageRef} className="desktop-stage" onPointerDown={() => pageKeyboard().focus()}>
        {desktops.map((d) => (
          <DesktopView
            key={d.key}
            desktop={d}
            active={d.session.id === activeId}
            api={api}
            tunnelUrl={tunnelUrl}
            screen={screen}
            onPhase={onPhase}
            register={register}
            onClipboard={clipboard.fromDesktop}
            onActivity={idle.stay}
            onDismiss={dismiss}
            printer={context.window?.printer ?? null}
            windowName={context.window?.label ?? context.window?.code ?? context.terminal.name}
          />
        ))}
      </div>
      {dialog === 'add' && (
        <AddDesktopDialog
          api={api}
          windowKey={context.window?.id ?? context.terminal.id}
          clerkName={clerkName}
          heldPoolIds={desktops.map((d) => d.session.poolId)}
          onLoggedIn={(login, username) => {
            setDialog(null);
            onLogin(login, username);
          }}
          onCancel={() => setDialog(null)}
        />
      )}
      {dialog === 'pad' && (
        <PadPairDialog
          api={api}
          onClose={(count) => {
            setPads(count);
            setDialog(null);
          }}
        />
      )}
      {dialog === 'rate' && active && pads > 0 && !cardHere && (
        <PadRatingNotice
          // a new 结束服务 while the last notice is up: a new notice for the new invitation
          key={queueInvitation?.id ?? 'bar'}
          api={api}
          sessionId={active.session.id}
          ratingCase={ratingCase}
          invitation={queueInvitation}
          onClose={() => {
            setDialog(null);
            setRatingCase({});
            setQueueInvitation(undefined);
          }}
          onRateHere={(invitation) => {
            setQueueInvitation(invitation);
            setCardHere(true);
          }}
        />
      )}
      {dialog === 'rate' && active && (pads === 0 || cardHere) && (
        <RatingCard
          api={api}
          sessionId={active.session.id}
          ratingCase={ratingCase}
          invitation={queueInvitation}
          onClose={() => {
            // one case, one rating (一次一评): the next citizen's case is entered afresh
            setDialog(null);
            setRatingCase({});
            setQueueInvitation(undefined);
            setCardHere(false);
          }}
        />
      )}
      {idle.secondsLeft !== null && <IdleWarning secondsLeft={idle.secondsLeft} onStay={idle.stay} />}
    </div>
  );
}
