import { ERRORS } from '@yunzhuo/protocol/errors';

/** The plain sentence for a broker error code (protocol/errors.ts) in the UI language, or null for a code it does not know. */
export function errorText(code: string, lang: string): string | null {
  const spec = (ERRORS as Record<string, { zh: string; en: string } | undefined>)[code];
  return spec ? (lang === 'en' ? spec.en : spec.zh) : null;
}
