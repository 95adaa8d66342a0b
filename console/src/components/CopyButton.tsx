import { useState } from 'react';
import { useT } from '../i18n/i18n';

export function CopyButton({ text }: { text: string }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // insecure origin (plain http on the hall LAN): select-and-copy fallback
      const area = document.createElement('textarea');
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <button type="button" className="btn btn-small" onClick={() => void copy()}>
      {copied ? t('common.copied') : t('common.copy')}
    </button>
  );
}
