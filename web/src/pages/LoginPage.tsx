// Sign in: email and password, then the authenticator code when the account
// has two-factor authentication. The session's route guard moves on.
import { lazy, Suspense, useState, type FormEvent } from 'react';
import { api, isApiError } from '../api';
import { useBranding } from '../branding';
import { Button } from '../components/Button';
import { Alert } from '../components/Feedback';
import { TextField } from '../components/Field';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { useErrorText } from '../util/errors';

const Markdown = lazy(() => import('../markdown/SafeHtml'));

export default function LoginPage() {
  const { t } = useI18n();
  const { branding } = useBranding();
  const { signedIn, reason } = useSession();
  const errorText = useErrorText();
  const [step, setStep] = useState<'password' | 'code'>('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.auth.login({
        email: email.trim(),
        password,
        ...(step === 'code' ? { totp_code: code.replace(/\s+/g, '') } : {}),
      });
      await signedIn(r);
    } catch (err) {
      if (isApiError(err, 'mfa_required')) {
        setStep('code');
      } else {
        setError(errorText(err));
        if (step === 'code') setCode('');
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="public__columns">
      <section className="card auth-card" aria-labelledby="login-title">
        <h1 id="login-title" className="auth-card__title">
          {t('login.title', { instance: branding.instance_name })}
        </h1>
        {reason === 'expired' ? <Alert kind="info">{t('login.expired')}</Alert> : null}
        {error ? <Alert kind="error">{error}</Alert> : null}
        <form onSubmit={submit} className="form" noValidate>
          {step === 'password' ? (
            <>
              <TextField
                label={t('login.email')}
                type="email"
                name="email"
                autoComplete="username"
                required
                autoFocus
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
              <TextField
                label={t('login.password')}
                type="password"
                name="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </>
          ) : (
            <>
              <p className="form__lead">{t('login.code_lead')}</p>
              <TextField
                label={t('login.code')}
                hint={t('login.code_hint')}
                name="totp_code"
                autoComplete="one-time-code"
                required
                autoFocus
                spellCheck={false}
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            </>
          )}
          <Button
            type="submit"
            variant="primary"
            busy={busy}
            disabled={step === 'password' ? !email || !password : !code}
            className="btn--block"
          >
            {step === 'password' ? t('login.submit') : t('login.verify')}
          </Button>
          {step === 'code' ? (
            <Button
              variant="ghost"
              className="btn--block"
              onClick={() => {
                setStep('password');
                setCode('');
                setError(null);
              }}
            >
              {t('common.back')}
            </Button>
          ) : null}
        </form>
      </section>
      {branding.home_markdown ? (
        <aside className="card public__home-page" aria-label={t('login.home_page')}>
          <Suspense fallback={null}>
            <Markdown source={branding.home_markdown} />
          </Suspense>
        </aside>
      ) : null}
    </div>
  );
}
