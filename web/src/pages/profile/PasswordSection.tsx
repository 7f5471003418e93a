import { useState, type FormEvent } from 'react';
import { api } from '../../api';
import { Button } from '../../components/Button';
import { Alert } from '../../components/Feedback';
import { TextField } from '../../components/Field';
import { useI18n } from '../../i18n';
import { Section } from '../../layout/Page';
import { useErrorText } from '../../util/errors';
import { PASSWORD_MIN, PasswordField } from '../PasswordField';

export function PasswordSection() {
  const { t } = useI18n();
  const errorText = useErrorText();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await api.me.changePassword({ current_password: current, new_password: next });
      setCurrent('');
      setNext('');
      setDone(true);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title={t('password.title')} description={t('password.lead')} id="password">
      <form className="form" onSubmit={submit} noValidate>
        {error ? <Alert kind="error">{error}</Alert> : null}
        {done ? <Alert kind="success">{t('password.changed')}</Alert> : null}
        <TextField
          label={t('password.current')}
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
        <PasswordField value={next} onChange={setNext} />
        <div className="form__actions">
          <Button
            type="submit"
            variant="primary"
            busy={busy}
            disabled={!current || [...next].length < PASSWORD_MIN}
          >
            {t('password.submit')}
          </Button>
        </div>
      </form>
    </Section>
  );
}
