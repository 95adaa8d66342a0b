import { duplicateText, ERRORS, UNIQUE_FIELDS, type UniqueField } from '@yunzhuo/protocol/errors';
import { loginWaitText } from '@yunzhuo/protocol/login-wait';

/**
 * The plain sentence for a broker error code (protocol/errors.ts) in the UI language, or null for a
 * code it does not know. A login refused for too many failures says how long to wait; a duplicate names its field.
 */
export function errorText(code: string, lang: string, details: Record<string, unknown> = {}): string | null {
  if (code === 'TOO_MANY_ATTEMPTS' && typeof details.retryAfterSeconds === 'number') return loginWaitText(details.retryAfterSeconds, lang);
  if (code === 'CONFLICT' && typeof details.field === 'string' && details.field in UNIQUE_FIELDS) return duplicateText(details.field as UniqueField, lang);
  // the agent could not put a message on the window screen: say why, not just "failed"
  if (code === 'COMMAND_FAILED' && details.agentCode === 'NOT_SHOWN') {
    return lang === 'en' ? 'The window page is not open on this terminal; the message was not shown' : '该终端的窗口页面没有打开，消息没有显示';
  }
  const spec = (ERRORS as Record<string, { zh: string; en: string } | undefined>)[code];
  return spec ? (lang === 'en' ? spec.en : spec.zh) : null;
}
