// First run: the one-time link printed by the server creates the first
// administrator.
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api';
import { useBranding } from '../branding';
import { Button } from '../components/Button';
import { Alert, Spinner } from '../components/Feedback';
import { TextField } from '../components/Field';
import { useI18n } from '../i18n';
import { Link, navigate, useSearchParams } from '../router/router';
import { useSession } from '../session';
import { useErrorText } from '../util/errors';
import { PASSWORD_MIN, PasswordField } from './PasswordField';

export default function SetupPage() {
  const { t } = useI18n();
  const { branding } = useBranding();
  const { signedIn } = useSession();
  const errorText = useErrorText();
  const token = useSearchParams().get('token') ?? '';
  const [needed, setNeeded] = useState<boolean | null>(null);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.setup
      .status()
      .then((s) => setNeeded(s.needed))
      .catch(() => setNeeded(false));
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.setup.complete({
        token,
        email: email.trim(),
        name: name.trim(),
        password,
      });
      await signedIn(r);
      navigate('/admin', { replace: true });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (needed === null) return <Spinner label={t('common.loading')} />;
  if (!needed || !token) {
    return (
      <section className="card auth-card">
        <h1 className="auth-card__title">{t('setup.title')}</h1>
        <Alert kind="info">{!needed ? t('setup.done') : t('setup.no_token')}</Alert>
        <Link to="/login" className="btn btn--primary btn--block">
          {t('login.submit')}
        </Link>
      </section>
    );
  }
  return (
    <section className="card auth-card" aria-labelledby="setup-title">
      <h1 id="setup-title" className="auth-card__title">
        {t('setup.title')}
      </h1>
      <p className="form__lead">{t('setup.lead', { instance: branding.instance_name })}</p>
      {error ? <Alert kind="error">{error}</Alert> : null}
      <form onSubmit={submit} className="form" noValidate>
        <TextField
          label={t('field.name')}
          autoComplete="name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <TextField
          label={t('field.email')}
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <PasswordField value={password} onChange={setPassword} />
        <Button
          type="submit"
          variant="primary"
          busy={busy}
          disabled={!name.trim() || !email.trim() || password.length < PASSWORD_MIN}
          className="btn--block"
        >
          {t('setup.submit')}
        </Button>
      </form>
    </section>
  );
}
