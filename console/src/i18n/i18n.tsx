import { createI18n, type Translate as TranslateOf } from './core/create-i18n';
import { en } from './en';
import { zhCN, type MessageKey } from './zh-CN';

export type { Lang, Params } from './core/create-i18n';
export type { MessageKey };
export type Translate = TranslateOf<MessageKey>;

/** The admin console's words (zh-CN.ts, en.ts) on the shared mechanism. */
export const { I18nProvider, useI18n, useT, translator, hasMessage } = createI18n<MessageKey>({
  catalogues: { 'zh-CN': zhCN, en },
  storageKey: 'yz.lang',
  titleKey: 'app.title',
});
