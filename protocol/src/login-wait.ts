/**
 * The sentence of a login refused for too many failures, with the wait in the unit a person reads
 * (minutes from one minute up): 「登录失败次数过多，请 15 分钟后再试」. The broker sends it and the
 * console and window page show it from `retryAfterSeconds`, in their language.
 */
export function loginWaitText(retryAfterSeconds: number, lang: string): string {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  const minutes = Math.ceil(seconds / 60);
  if (lang === 'en') return `Too many failed sign-ins; try again in ${seconds >= 60 ? `${minutes} min` : `${seconds} s`}`;
  return `登录失败次数过多，请 ${seconds >= 60 ? `${minutes} 分钟` : `${seconds} 秒`}后再试`;
}
