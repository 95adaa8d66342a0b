import type Guacamole from 'guacamole-common-js';
import { useEffect, useRef, useState } from 'react';
import type { WindowApi } from '../api/window-api';
import { clipboardAllows, type HeldDesktop } from '../app/held-desktops';
import { DesktopConnection, type ConnectionPhase, type ScreenSize } from '../guac/desktop-connection';
import { fitDisplay } from '../guac/display-fit';
import { attachPointer } from '../guac/pointer-input';
import { CameraPreview } from '../devices/CameraPreview';
import { loadDeviceBridgeAddress } from '../devices/device-bridge-address';
import { WindowPrinting, type BridgeSocket, type PrintNotice } from '../paper/window-printing';
import { PrintToast } from '../paper/PrintToast';
import { DrivePanel } from '../paper/DrivePanel';
import { WindowDrive, type ScanSocket } from '../paper/window-drive';
import type { WindowPrinter } from '@yunzhuo/protocol/paper/printer';
import { ConnectionOverlay } from './ConnectionOverlay';

interface Props {
  desktop: HeldDesktop;
  active: boolean;
  api: WindowApi;
  tunnelUrl: string;
  screen(): ScreenSize;
  onPhase(sessionId: string, phase: ConnectionPhase): void;
  register(sessionId: string, connection: DesktopConnection | null): void;
  /** text copied on this desktop (its connection then never offers that text back to it) */
  onClipboard(text: string): void;
  onActivity(): void;
  onDismiss(sessionId: string): void;
  /** the window's printer (terminal context): where the desktop's print jobs go */
  printer: WindowPrinter | null;
  /** the window's name in the names of files sent into the desktop's drive */
  windowName: string;
}

/** One held desktop: its connection, its picture fitted to the stage, mouse and touch on it. */
export function DesktopView({ desktop, active, api, tunnelUrl, screen, onPhase, register, onClipboard, onActivity, onDismiss, printer, windowName }: Props) {
  const viewRef = useRef<HTMLDivElement>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const connectionRef = useRef<DesktopConnection | null>(null);
  const [phase, setPhase] = useState<ConnectionPhase>({ kind: 'connecting', attempt: 0 });
  // the camera's live picture sits beside the desktop's frame, never in it
  const [previewBridge] = useState(() => (desktop.session.devices.includes('camera') ? loadDeviceBridgeAddress() : null));
  const [printNotice, setPrintNotice] = useState<PrintNotice | null>(null);
  const [driveReady, setDriveReady] = useState(false);
  const [drive] = useState(() =>
    desktop.session.drive?.upload
      ? new WindowDrive({
          bridgeUrl: loadDeviceBridgeAddress()?.url ?? null,
          policy: desktop.session.drive,
          windowName,
          openSocket: (url) => new WebSocket(url) as ScanSocket,
          onChange: () => setDriveReady(drive?.ready ?? false),
        })
      : null,
  );
  // the latest callbacks, read by the connection built once per mount
  const latest = useRef({ onPhase, onClipboard, onActivity, screen });
  latest.current = { onPhase, onClipboard, onActivity, screen };

  useEffect(() => {
    const view = viewRef.current!;
    const frame = frameRef.current!;
    let shown: Guacamole.Display | null = null;
    const fit = () => {
      if (shown) fitDisplay(shown, view);
    };
    const pointer = attachPointer(
      frame,
      () => connectionRef.current?.client ?? null,
      () => latest.current.onActivity(),
    );
    const { session } = desktop;
    const deviceBridge = loadDeviceBridgeAddress();
    const printing = new WindowPrinting({
      bridgeUrl: deviceBridge?.url ?? null,
      printer,
      sessionId: session.id,
      openSocket: (url) => new WebSocket(url) as BridgeSocket,
      report: (report) => api.reportPrint(report),
      notify: setPrintNotice,
    });
    const connection = new DesktopConnection({
      sessionId: session.id,
      token: desktop.token,
      tunnelUrl,
      api,
      screen: () => latest.current.screen(),
      onPhase: (next) => {
        setPhase(next);
        latest.current.onPhase(session.id, next);
      },
      onDisplay: (display) => {
        if (shown) shown.onresize = null;
        shown = display;
        frame.replaceChildren(...(display ? [display.getElement()] : []));
        if (!display) return;
        display.onresize = fit;
        pointer.setCursorFrom(display);
        fit();
      },
      onClipboard: clipboardAllows(session, 'from-desktop') ? (text) => latest.current.onClipboard(text) : undefined,
      devices:
        deviceBridge && (session.devices.length > 0 || session.printing)
          ? {
              bridge: deviceBridge,
              classes: session.devices,
              printing: session.printing ? { printer, onResult: (text) => void printing.channelPrinted(text) } : undefined,
            }
          : undefined,
      printing,
      drive: drive ?? undefined,
    });
    connectionRef.current = connection;
    register(session.id, connection);
    const observer = new ResizeObserver(fit);
    observer.observe(view);
    connection.start();
    return () => {
      observer.disconnect();
      connection.close();
      connectionRef.current = null;
      register(session.id, null);
    };
    // one connection per mount: `key` remounts the view when the desktop restarts
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <div
      ref={viewRef}
      className={active ? 'desktop-view' : 'desktop-view desktop-view-hidden'}
      data-testid="desktop-view"
      data-session-id={desktop.session.id}
      data-phase={phase.kind}
      aria-hidden={!active}
    >
      <div ref={frameRef} className="display-frame" data-testid="display-frame" />
      {active && previewBridge && phase.kind === 'live' ? <CameraPreview bridge={previewBridge} /> : null}
      {active && drive && driveReady && phase.kind === 'live' ? <DrivePanel drive={drive} /> : null}
      {printNotice && <PrintToast notice={printNotice} onDone={() => setPrintNotice(null)} />}
      <ConnectionOverlay phase={phase} onRetry={() => connectionRef.current?.retryNow()} onDismiss={() => onDismiss(desktop.session.id)} />
    </div>
  );
}
