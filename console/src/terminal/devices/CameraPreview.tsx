import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n';
import type { DeviceBridgeAddress } from './device-bridge-address';

/** The agent's preview socket: the bridge's address with the path /preview (agent/src/devices/device-bridge.server.ts). */
export function previewUrl(bridge: DeviceBridgeAddress): string {
  const url = new URL(bridge.url);
  url.pathname = '/preview';
  return url.toString();
}

/**
 * The document camera's live picture in a side panel of the window page, beside the desktop and
 * never through it: JPEG frames from the agent over loopback, each shown as a blob: image. Off
 * until the clerk opens it; closing it stops the camera's stream.
 */
export function CameraPreview({ bridge }: { bridge: DeviceBridgeAddress }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [frame, setFrame] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return undefined;
    const ws = new WebSocket(previewUrl(bridge));
    ws.binaryType = 'arraybuffer';
    let shown: string | null = null;
    ws.onmessage = (event: MessageEvent) => {
      if (!(event.data instanceof ArrayBuffer)) return;
      const next = URL.createObjectURL(new Blob([event.data], { type: 'image/jpeg' }));
      setFrame(next);
      if (shown) URL.revokeObjectURL(shown);
      shown = next;
    };
    return () => {
      ws.close();
      if (shown) URL.revokeObjectURL(shown);
      setFrame(null);
    };
  }, [open, bridge]);

  if (!open) {
    return (
      <button type="button" className="camera-preview-toggle" data-testid="camera-preview-open" onClick={() => setOpen(true)}>
        {t('devices.preview.open')}
      </button>
    );
  }
  return (
    <aside className="camera-preview" data-testid="camera-preview" aria-label={t('devices.preview.title')}>
      <header>
        <span>{t('devices.preview.title')}</span>
        <button type="button" data-testid="camera-preview-close" onClick={() => setOpen(false)}>
          {t('devices.preview.close')}
        </button>
      </header>
      {frame ? <img src={frame} alt={t('devices.preview.title')} data-testid="camera-preview-image" /> : <p>{t('devices.preview.waiting')}</p>}
    </aside>
  );
}
