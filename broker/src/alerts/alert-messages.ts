import type { z } from 'zod';
import type { alertWebhook, AlertKind } from '@yunzhuo/protocol/api/alerts';

export type AlertWebhook = z.output<typeof alertWebhook>;

export interface AlertFacts {
  kind: AlertKind;
  subjectName: string;
  siteName: string | null;
  facts: Record<string, unknown>;
  at: Date;
}

const TITLES: Record<AlertKind, string> = {
  'gateway-down': '网关离线',
  'pool-exhausted': '桌面池已满',
  'terminals-offline': '云终端大量离线',
  'desktop-unhealthy': '桌面异常',
};

function detail(a: AlertFacts): string {
  const f = a.facts;
  switch (a.kind) {
    case 'gateway-down':
      return `网关 ${a.subjectName}（${String(f.host)}:${String(f.port)}）无法连接`;
    case 'pool-exhausted':
      return `桌面池 ${a.subjectName} 空闲桌面 ${String(f.free)} / 共 ${String(f.total)} 台${f.maxSessions !== null && f.maxSessions !== undefined ? `，会话上限 ${String(f.maxSessions)}` : ''}`;
    case 'terminals-offline':
      return `${a.subjectName} ${String(f.offline)} 台云终端离线（在用 ${String(f.inService)} 台，告警阈值 ${String(f.threshold)}）`;
    case 'desktop-unhealthy':
      return `桌面 ${a.subjectName} 状态 ${String(f.state)}，健康 ${String(f.health)}${f.reason ? `：${String(f.reason)}` : ''}`;
  }
}

/** The message in the shape WeCom (企业微信) and DingTalk (钉钉) group robots take. */
export function webhookBody(hook: AlertWebhook, event: 'raised' | 'cleared', a: AlertFacts, timeZone: string): string {
  const when = new Intl.DateTimeFormat('zh-CN', { timeZone, dateStyle: 'short', timeStyle: 'medium', hour12: false }).format(a.at);
  const title = event === 'raised' ? `【云桌告警】${TITLES[a.kind]}` : `【云桌恢复】${TITLES[a.kind]}已恢复`;
  const site = a.siteName ? `站点：${a.siteName}` : '站点：全县';
  if (hook.msgtype === 'text') {
    return JSON.stringify({ msgtype: 'text', text: { content: `${title}\n${detail(a)}\n${site}\n时间：${when}` } });
  }
  const colour = event === 'raised' ? 'warning' : 'info';
  const markdown =
    hook.style === 'wecom'
      ? `### <font color="${colour}">${title}</font>\n> ${detail(a)}\n> ${site}\n> 时间：${when}`
      : `### ${title}\n\n${detail(a)}\n\n${site}\n\n时间：${when}`;
  return JSON.stringify(
    hook.style === 'wecom' ? { msgtype: 'markdown', markdown: { content: markdown } } : { msgtype: 'markdown', markdown: { title, text: markdown } },
  );
}

/** A webhook address fit to show: WeCom's `key` and DingTalk's `access_token` sit in the query. */
export function maskedUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '…';
  }
}
