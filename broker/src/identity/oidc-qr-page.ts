import { createHash } from 'node:crypto';
import { ERRORS, type ErrorCode } from '@yunzhuo/protocol/errors';

const STYLE =
  'body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;padding:3rem 1.5rem;text-align:center;color:#1f2937}' +
  'h1{font-size:1.5rem;margin:0 0 1rem}.ok{color:#15803d}.failed{color:#b91c1c}p{font-size:1rem;line-height:1.6;margin:0}';
/** no script at all; the one inline style block by its hash (the API's CSP would refuse it) */
export const QR_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; frame-ancestors 'none'`;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The phone's page at the end of 扫码登录: a few Chinese lines (never JSON) saying it signed in and
 * the clerk may turn back to the window, or why not (the error vocabulary's Chinese text and its code).
 */
export function qrPhonePage(outcome: { ok: true } | { ok: false; code: string }): string {
  const known = !outcome.ok && outcome.code in ERRORS ? ERRORS[outcome.code as ErrorCode].zh : '扫码登录未成功，请扫描窗口上的新二维码';
  const title = outcome.ok ? '已登录，请回到窗口' : '扫码登录未成功';
  const detail = outcome.ok ? '窗口屏幕将自动进入云桌面，本页可以关闭。' : `${known}（${outcome.code}）`;
  const tone = outcome.ok ? 'ok' : 'failed';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(title)} · 云桌</title><style>${STYLE}</style></head>
<body><h1 class="${tone}" data-qr-result="${tone}">${escape(title)}</h1><p>${escape(detail)}</p></body></html>
`;
}
