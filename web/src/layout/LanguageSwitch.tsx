// FR | EN toggle; the choice is remembered in this browser.
import { LOCALES, useI18n, type Locale } from '../i18n';

const NAMES: Record<Locale, string> = { fr: 'Français', en: 'English' };

export function LanguageSwitch({ onChange }: { onChange?: (l: Locale) => void }) {
  const { locale, setLocale, t } = useI18n();
  return (
    <div className="lang-switch" role="group" aria-label={t('common.language')}>
      {LOCALES.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          className="lang-switch__option"
          aria-pressed={locale === l}
          title={NAMES[l]}
          onClick={() => {
            setLocale(l);
            onChange?.(l);
          }}
        >
          <span aria-hidden="true">{l.toUpperCase()}</span>
          <span className="visually-hidden">{NAMES[l]}</span>
        </button>
      ))}
    </div>
  );
}
