// Instance name, logo, colours, default language and the home page
// (Markdown, previewed sanitized). Saved settings apply at once.
import { lazy, Suspense, useState, type FormEvent } from 'react';
import { api, type AdminSettings } from '../../api';
import { useBranding } from '../../branding';
import { contrast, parseHex } from '../../branding/color';
import { Button } from '../../components/Button';
import { Alert, Spinner } from '../../components/Feedback';
import { SelectField, TextArea, TextField } from '../../components/Field';
import { LOCALES, useI18n } from '../../i18n';
import { Section } from '../../layout/Page';
import { useToast } from '../../notifications/toasts';
import { useErrorText } from '../../util/errors';
import { useAsync } from '../../util/useAsync';
import { AdminError } from './AdminPage';

const Markdown = lazy(() => import('../../markdown/SafeHtml'));

const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/svg+xml'];
const LOGO_MAX_BYTES = 384 * 1024;

export function readLogo(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!LOGO_TYPES.includes(file.type)) return reject(new Error('type'));
    if (file.size > LOGO_MAX_BYTES) return reject(new Error('size'));
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(new Error('read'));
    r.readAsDataURL(file);
  });
}

type Form = Pick<
  AdminSettings,
  'instance_name' | 'logo' | 'primary_color' | 'accent_color' | 'home_markdown' | 'default_locale'
>;

export function BrandingTab() {
  const { t } = useI18n();
  const settings = useAsync(() => api.admin.settings(), []);
  if (settings.error) return <AdminError error={settings.error} />;
  if (!settings.data) return <Spinner label={t('common.loading')} />;
  return <BrandingForm initial={settings.data} />;
}

function BrandingForm({ initial }: { initial: AdminSettings }) {
  const { t } = useI18n();
  const { apply } = useBranding();
  const { toast } = useToast();
  const errorText = useErrorText();
  const [form, setForm] = useState<Form>(initial);
  const [logoError, setLogoError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState(false);

  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = await api.admin.updateSettings(form);
      apply(saved);
      toast({ kind: 'success', title: t('branding.saved') });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const lowContrast = (hex: string) => {
    const c = parseHex(hex);
    return c ? contrast(c, [255, 255, 255]) < 3 : false;
  };

  return (
    <form className="stack" onSubmit={submit} noValidate>
      {error ? <Alert kind="error">{error}</Alert> : null}
      <Section title={t('branding.identity')} id="identity">
        <div className="form">
          <TextField
            label={t('branding.instance_name')}
            name="instance_name"
            required
            maxLength={80}
            value={form.instance_name}
            onChange={(e) => set('instance_name', e.target.value)}
          />
          <div className="logo-field">
            <div className="logo-field__preview" aria-hidden="true">
              {form.logo ? (
                <img src={form.logo} alt="" />
              ) : (
                <span className="muted">{t('branding.no_logo')}</span>
              )}
            </div>
            <div className="logo-field__controls">
              <TextField
                label={t('branding.logo')}
                hint={t('branding.logo_hint')}
                error={logoError}
                type="file"
                name="logo"
                accept={LOGO_TYPES.join(',')}
                onChange={async (e) => {
                  const f = e.target.files?.[0];
                  if (!f) return;
                  try {
                    set('logo', await readLogo(f));
                    setLogoError(null);
                  } catch {
                    setLogoError(t('branding.logo_invalid'));
                  }
                }}
              />
              {form.logo ? (
                <Button size="sm" variant="ghost" onClick={() => set('logo', '')}>
                  {t('branding.remove_logo')}
                </Button>
              ) : null}
            </div>
          </div>
          <SelectField
            label={t('branding.default_locale')}
            value={form.default_locale}
            onChange={(e) => set('default_locale', e.target.value)}
          >
            {LOCALES.map((l) => (
              <option key={l} value={l}>
                {l === 'fr' ? 'Français' : 'English'}
              </option>
            ))}
          </SelectField>
        </div>
      </Section>
      <Section title={t('branding.colours')} description={t('branding.colours_lead')} id="colours">
        <div className="form__row">
          {(['primary_color', 'accent_color'] as const).map((k) => (
            <div key={k} className="colour-field">
              <TextField
                label={k === 'primary_color' ? t('branding.primary') : t('branding.accent')}
                type="color"
                name={k}
                value={form[k]}
                onChange={(e) => set(k, e.target.value)}
                hint={form[k]}
              />
              {lowContrast(form[k]) ? (
                <p className="field__hint">{t('branding.low_contrast')}</p>
              ) : null}
            </div>
          ))}
        </div>
      </Section>
      <Section title={t('branding.home')} description={t('branding.home_lead')} id="home-page">
        <div className="form">
          <TextArea
            label={t('branding.home_markdown')}
            name="home_markdown"
            rows={10}
            maxLength={65536}
            className="input--mono"
            value={form.home_markdown}
            onChange={(e) => set('home_markdown', e.target.value)}
          />
          <div>
            <Button size="sm" onClick={() => setPreview((p) => !p)} aria-expanded={preview}>
              {preview ? t('branding.hide_preview') : t('branding.preview')}
            </Button>
          </div>
          {preview ? (
            <div className="card home-page home-page--preview">
              <Suspense fallback={<Spinner label={t('common.loading')} />}>
                <Markdown source={form.home_markdown} />
              </Suspense>
            </div>
          ) : null}
        </div>
      </Section>
      <div className="form__actions form__actions--sticky">
        <Button type="submit" variant="primary" busy={busy} disabled={!form.instance_name.trim()}>
          {t('common.save')}
        </Button>
      </div>
    </form>
  );
}
