import { useCallback, useState } from 'react';
import { WindowApi, type WindowApiError, type WindowLogin } from '../api/window-api';
import { loadDeviceBridgeAddress } from '../devices/device-bridge-address';
import { loadTerminalCredential } from '../api/credential';
import { DesktopStage } from '../desktop/DesktopStage';
import { IdleScreen } from '../idle/IdleScreen';
import { BootScreen } from './BootScreen';
import { withLogin, without, type HeldDesktop } from './held-desktops';
import { useTerminalContext } from './use-terminal-context';
import { ScreenOverlay } from '../screen/ScreenOverlay';
import { loadWindowScreenAddress, useWindowScreen } from '../screen/use-window-screen';

/**
 * The window page: the idle login until a clerk holds a desktop, then the desktops. Whenever
 * the last desktop leaves, the page is back at the idle login: no picture survives a clerk.
 */
export function WindowApp() {
  // both addresses are read before the credential loader wipes the fragment
  const [screenAddress] = useState(() => loadWindowScreenAddress());
  const [api] = useState(() => {
    loadDeviceBridgeAddress(); // kept for this tab
    const credential = loadTerminalCredential();
    return credential ? new WindowApi(credential) : null;
  });
  const screen = useWindowScreen(screenAddress);
  const context = useTerminalContext(api, screen.bound);
  const [desktops, setDesktops] = useState<HeldDesktop[]>([]);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [clerkName, setClerkName] = useState('');

  const onLogin = useCallback((login: WindowLogin, username: string) => {
    setDesktops((held) => withLogin(held, login));
    setActiveId(login.session.id);
    setClerkName(username);
  }, []);

  const onRemove = useCallback(
    (sessionIds: string[], how: 'disconnect' | 'logoff' | 'dismiss') => {
      const left = sessionIds.reduce(without, desktops);
      setDesktops(left);
      setActiveId((current) => (current !== null && left.some((d) => d.session.id === current) ? current : (left[0]?.session.id ?? null)));
      if (left.length === 0) setClerkName('');
      // after the views have unmounted (their tunnels closed, their pictures gone), tell the broker;
      // a failure here only delays the release until the pool's grace period ends
      window.setTimeout(() => {
        for (const id of sessionIds) {
          const call = how === 'logoff' ? api?.logoff(id) : api?.disconnect(id);
          call?.catch((error: WindowApiError) => console.warn(`window: ${how} of ${id} not confirmed (${error.code})`));
        }
      }, 0);
    },
    [api, desktops],
  );

  const overlay = <ScreenOverlay notices={screen.notices} locked={screen.locked} dismiss={screen.dismiss} />;
  if (!api) return <BootScreen state={{ kind: 'no-credential' }} />;
  if (context.kind !== 'ready')
    return (
      <>
        {overlay}
        <BootScreen state={context} />
      </>
    );
  const active = desktops.find((d) => d.session.id === activeId) ?? desktops[0];
  if (!active)
    return (
      <>
        {overlay}
        <IdleScreen api={api} context={context.context} onLoggedIn={onLogin} />
      </>
    );
  return (
    <>
      {overlay}
      <DesktopStage
        api={api}
        context={context.context}
        desktops={desktops}
        activeId={active.session.id}
        clerkName={clerkName}
        onActivate={setActiveId}
        onLogin={onLogin}
        onRemove={onRemove}
      />
    </>
  );
}
