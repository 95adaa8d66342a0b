import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ERRORS } from '@yunzhuo/protocol/errors';
import { en } from './en';
import { zhCN, type MessageKey } from './zh-CN';

export type Lang = 'zh-CN' | 'en';
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const STORAGE_KEY = 'yz.window.lang';
const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

function storedLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export function translator(lang: Lang): Translate {
  const dict = DICTIONARIES[lang];
  return (key, params) => (dict[key] ?? zhCN[key]).replace(/\{(\w+)\}/g, (whole, name: string) => (params && name in params ? String(params[name]) : whole));
}

/** The plain sentence for a broker error code in the page's language, or null for unknown codes. */
export function errorText(code: string, lang: Lang): string | null {
  const spec = (ERRORS as Record<string, { zh: string; en: string } | undefined>)[code];
  return spec ? (lang === 'en' ? spec.en : spec.zh) : null;
}

interface I18n {
  lang: Lang;
  t: Translate;
  toggleLang(): void;
}

const I18nContext = createContext<I18n | null>(null);

/** Chinese unless switched; the switch is remembered by this terminal's browser. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLang] = useState<Lang>(storedLang);
  const toggleLang = useCallback(() => {
    setLang((current) => {
      const next: Lang = current === 'en' ? 'zh-CN' : 'en';
      try {
        localStorage.setItem(STORAGE_KEY, next);
      } catch {
        /* storage refused: the switch lasts until reload */
      }
      return next;
    });
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = translator(lang)('app.title');
  }, [lang]);
  const value = useMemo(() => ({ lang, t: translator(lang), toggleLang }), [lang, toggleLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
