// An invitation link: preview it, then join — as a new external person
// (name + password), or signed in with the invited address.
import { useState, type FormEvent } from 'react';
import { api, isApiError, type InvitationPreview } from '../api';
import { Button } from '../components/Button';
import { Alert, Spinner } from '../components/Feedback';
import { TextField } from '../components/Field';
import { useI18n, type MessageKey } from '../i18n';
import { Link, navigate } from '../router/router';
import { useSession } from '../session';
import { useAsync } from '../util/useAsync';
import { useErrorText } from '../util/errors';
import type { PageProps } from '../app/routes';
import { PASSWORD_MIN, PasswordField } from './PasswordField';

const GONE: Record<string, MessageKey> = {
  accepted: 'invite.accepted',
  revoked: 'invite.revoked',
  expired: 'invite.expired',
};

export default function InvitePage({ params }: PageProps) {
  const token = params.token ?? '';
  const { t } = useI18n();
  const preview = useAsync(() => api.invitations.preview(token), [token]);

  if (preview.loading && !preview.data) return <Spinner label={t('common.loading')} />;
  if (preview.error || !preview.data) {
    const code = isApiError(preview.error) ? preview.error.code : '';
    return (
      <section className="card auth-card">
        <h1 className="auth-card__title">{t('invite.title_invalid')}</h1>
        <Alert kind="error">{t(GONE[code] ?? 'invite.invalid')}</Alert>
        <Link to="/" className="btn btn--secondary btn--block">
          {t('common.go_home')}
        </Link>
      </section>
    );
  }
  return <Invitation token={token} p={preview.data} />;
}

function Invitation({ token, p }: { token: string; p: InvitationPreview }) {
  const { t, date } = useI18n();
  const { status, me, signedIn, signOut } = useSession();
  const errorText = useErrorText();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const accept = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (status === 'authenticated') {
        const r = await api.invitations.accept(token);
        navigate(`/w/${r.workspace_id}`, { replace: true });
      } else {
        const r = await api.invitations.accept(token, { name: name.trim(), password });
        await signedIn(r);
        navigate(`/w/${r.workspace_id}`, { replace: true });
      }
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  const intro = (
    <>
      <h1 id="invite-title" className="auth-card__title">
        {t('invite.title', { workspace: p.workspace_name })}
      </h1>
      <p className="form__lead">
        {t('invite.lead', { inviter: p.inviter_name || '—', email: p.email })}
      </p>
      <p className="muted">{t('invite.valid_until', { date: date(p.expires_at) })}</p>
      {error ? <Alert kind="error">{error}</Alert> : null}
    </>
  );

  if (status === 'authenticated' && me) {
    const mine = me.email.toLowerCase() === p.email.toLowerCase();
    return (
      <section className="card auth-card" aria-labelledby="invite-title">
        {intro}
        {mine ? (
          <Button
            variant="primary"
            className="btn--block"
            busy={busy}
            onClick={() => void accept()}
          >
            {t('invite.join')}
          </Button>
        ) : (
          <>
            <Alert kind="warning">{t('invite.other_account', { email: me.email })}</Alert>
            <Button className="btn--block" onClick={() => void signOut()}>
              {t('nav.sign_out')}
            </Button>
          </>
        )}
      </section>
    );
  }

  if (p.account_exists) {
    return (
      <section className="card auth-card" aria-labelledby="invite-title">
        {intro}
        <Alert kind="info">{t('invite.sign_in_first')}</Alert>
        <Link
          to={`/login?next=${encodeURIComponent(`/invite/${token}`)}`}
          className="btn btn--primary btn--block"
        >
          {t('login.submit')}
        </Link>
      </section>
    );
  }

  return (
    <section className="card auth-card" aria-labelledby="invite-title">
      {intro}
      <form className="form" onSubmit={accept} noValidate>
        <TextField
          label={t('field.email')}
          type="email"
          value={p.email}
          readOnly
          autoComplete="username"
        />
        <TextField
          label={t('field.name')}
          autoComplete="name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <PasswordField value={password} onChange={setPassword} />
        <Button
          type="submit"
          variant="primary"
          className="btn--block"
          busy={busy}
          disabled={!name.trim() || [...password].length < PASSWORD_MIN}
        >
          {t('invite.create_and_join')}
        </Button>
      </form>
    </section>
  );
}
