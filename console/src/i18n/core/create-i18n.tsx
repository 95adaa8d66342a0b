import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

/**
 * The one i18n mechanism of both pages (admin console and window page). Each page binds it to
 * its own catalogues (`src/i18n/i18n.tsx`, `src/terminal/i18n/i18n.tsx`); this folder imports
 * no catalogue, so neither page's bundle carries the other's words.
 */
export type Lang = 'zh-CN' | 'en';
export type Params = Record<string, string | number>;
export type Translate<K extends string> = (key: K, params?: Params) => string;

export interface I18n<K extends string> {
  lang: Lang;
  t: Translate<K>;
  setLang(lang: Lang): void;
}

export interface I18nOptions<K extends string> {
  /** Chinese is the source of truth for which keys exist; English must define every one (the type checks it) */
  catalogues: Record<Lang, Record<K, string>>;
  /** localStorage key that remembers this page's language */
  storageKey: string;
  /** the message shown as the document title */
  titleKey: K;
}

export const otherLang = (lang: Lang): Lang => (lang === 'en' ? 'zh-CN' : 'en');

/** `{name}` marks a parameter; an unknown one (an inherited name like `constructor` too) stays as written. */
export function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

function storedLang(storageKey: string): Lang {
  try {
    return localStorage.getItem(storageKey) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

/** Provider, hooks and lookups for one page: Chinese unless the user switched; the choice is kept in localStorage. */
export function createI18n<K extends string>({ catalogues, storageKey, titleKey }: I18nOptions<K>) {
  const chinese = catalogues['zh-CN'];

  function translator(lang: Lang): Translate<K> {
    const dict = catalogues[lang];
    return (key, params) => interpolate(dict[key] ?? chinese[key] ?? key, params);
  }

  /** for keys built at run time (state names, audit actions) */
  function hasMessage(key: string): key is K {
    return Object.prototype.hasOwnProperty.call(chinese, key);
  }

  const I18nContext = createContext<I18n<K> | null>(null);

  function I18nProvider({ children }: { children: ReactNode }) {
    const [lang, setLangState] = useState<Lang>(() => storedLang(storageKey));
    const setLang = useCallback((next: Lang) => {
      setLangState(next);
      try {
        localStorage.setItem(storageKey, next);
      } catch {
        /* storage refused (private mode): the choice lasts until reload */
      }
    }, []);
    useEffect(() => {
      document.documentElement.lang = lang;
      document.title = translator(lang)(titleKey);
    }, [lang]);
    const value = useMemo(() => ({ lang, t: translator(lang), setLang }), [lang, setLang]);
    return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
  }

  function useI18n(): I18n<K> {
    const value = useContext(I18nContext);
    if (!value) throw new Error('useI18n outside I18nProvider');
    return value;
  }

  const useT = (): Translate<K> => useI18n().t;

  return { I18nProvider, useI18n, useT, translator, hasMessage };
}
