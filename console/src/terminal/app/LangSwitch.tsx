import { otherLang } from '../../i18n/core/create-i18n';
import { useI18n } from '../i18n/i18n';

export function LangSwitch({ className = 'lang-switch' }: { className?: string }) {
  const { t, lang, setLang } = useI18n();
  return (
    <button type="button" className={className} data-testid="lang-switch" lang={otherLang(lang)} onClick={() => setLang(otherLang(lang))}>
      {t('lang.switch')}
    </button>
  );
}
