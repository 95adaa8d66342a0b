import { useI18n } from '../i18n/i18n';

export function LangSwitch({ className = 'lang-switch' }: { className?: string }) {
  const { t, lang, toggleLang } = useI18n();
  return (
    <button type="button" className={className} data-testid="lang-switch" lang={lang === 'en' ? 'zh-CN' : 'en'} onClick={toggleLang}>
      {t('lang.switch')}
    </button>
  );
}
