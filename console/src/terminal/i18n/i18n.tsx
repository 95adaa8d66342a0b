import { createI18n, type Translate as TranslateOf } from '../../i18n/core/create-i18n';
import { en } from './en';
import { zhCN, type MessageKey } from './zh-CN';

export type { Lang } from '../../i18n/core/create-i18n';
export { errorText } from '../../i18n/core/error-text';
export type Translate = TranslateOf<MessageKey>;

/** The window page's words on the shared mechanism; its language is remembered by this terminal's browser. */
export const { I18nProvider, useI18n, translator } = createI18n<MessageKey>({
  catalogues: { 'zh-CN': zhCN, en },
  storageKey: 'yz.window.lang',
  titleKey: 'app.title',
});
