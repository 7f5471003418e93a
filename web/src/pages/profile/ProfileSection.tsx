import { useState, type FormEvent } from 'react';
import { api } from '../../api';
import { Button } from '../../components/Button';
import { Alert } from '../../components/Feedback';
import { SelectField, TextField } from '../../components/Field';
import { LOCALES, useI18n, type Locale } from '../../i18n';
import { Section } from '../../layout/Page';
import { useToast } from '../../notifications/toasts';
import { useMe, useSession } from '../../session';
import { useErrorText } from '../../util/errors';
import { timeZoneNames } from '../../util/timeZone';

const LANGUAGE_NAMES: Record<Locale, string> = { fr: 'Français', en: 'English' };

export function ProfileSection() {
  const me = useMe();
  const { setMe } = useSession();
  const { t, locale, setLocale } = useI18n();
  const { toast } = useToast();
  const errorText = useErrorText();
  const [name, setName] = useState(me.name);
  const [lang, setLang] = useState<Locale>(locale);
  const [zone, setZone] = useState(me.time_zone ?? '');
  const [zones] = useState(() => timeZoneNames([me.time_zone ?? '']));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const u = await api.me.update({
        name: name.trim(),
        locale: lang,
        ...(me.time_zone !== undefined ? { time_zone: zone } : {}),
      });
      setMe({ ...me, ...u });
      setLocale(lang);
      toast({ kind: 'success', title: t('common.saved') });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title={t('profile.section')} id="profile">
      <form className="form" onSubmit={submit} noValidate>
        {error ? <Alert kind="error">{error}</Alert> : null}
        <TextField label={t('field.email')} value={me.email} readOnly />
        <TextField
          label={t('field.name')}
          autoComplete="name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <SelectField
          label={t('common.language')}
          value={lang}
          onChange={(e) => setLang(e.target.value as Locale)}
        >
          {LOCALES.map((l) => (
            <option key={l} value={l} lang={l}>
              {LANGUAGE_NAMES[l]}
            </option>
          ))}
        </SelectField>
        {me.time_zone !== undefined ? (
          <SelectField
            label={t('profile.time_zone')}
            hint={t('profile.time_zone_hint')}
            value={zone}
            onChange={(e) => setZone(e.target.value)}
          >
            <option value="">{t('profile.time_zone_none')}</option>
            {zones.map((z) => (
              <option key={z} value={z}>
                {z.replaceAll('_', ' ')}
              </option>
            ))}
          </SelectField>
        ) : null}
        <div className="form__actions">
          <Button type="submit" variant="primary" busy={busy} disabled={!name.trim()}>
            {t('common.save')}
          </Button>
        </div>
      </form>
    </Section>
  );
}
