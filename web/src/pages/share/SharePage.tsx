// A share link opened in a browser, by anyone: the shared file with a
// download button, a read-only folder to browse, or a drop folder to upload
// into; a password form first when the link has one (the server answers the
// password with a cookie scoped to this link, so it is asked once).
import { useMemo, useState, type FormEvent } from 'react';
import { api, type ShareInfo } from '../../api';
import { Button } from '../../components/Button';
import { Alert, Spinner } from '../../components/Feedback';
import { TextField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { useI18n, type MessageKey } from '../../i18n';
import { formatBytes } from '../../modules/files/logic/format';
import { Link } from '../../router/router';
import { useAsync } from '../../util/useAsync';
import type { PageProps } from '../../app/routes';
import { DropFolder } from './DropFolder';
import { SharedFolder } from './SharedFolder';
import { pageHref, pathOf, problemOf, type ShareProblem } from './logic';
import '../../styles/share.css';

const PROBLEM_TEXT: Partial<Record<ShareProblem, MessageKey>> = {
  gone: 'share.gone',
  limit: 'share.limit',
  network: 'error.network',
};

export default function SharePage({ params }: PageProps) {
  const token = params.token ?? '';
  const splat = params['*'];
  const path = useMemo(() => pathOf(splat), [splat]);
  const { t } = useI18n();
  const info = useAsync(() => api.shareLink.info(token, path), [token, path.join('/')]);

  if (info.loading && !info.data) return <Spinner label={t('common.loading')} />;
  if (info.error || !info.data) {
    const problem = problemOf(info.error);
    if (problem === 'password' || problem === 'throttled')
      return (
        <PasswordForm
          token={token}
          throttled={problem === 'throttled'}
          onUnlocked={() => void info.reload()}
        />
      );
    return (
      <section className="card auth-card" aria-labelledby="share-title">
        <h1 id="share-title" className="auth-card__title">
          {t('share.unavailable')}
        </h1>
        <Alert kind="error">{t(PROBLEM_TEXT[problem] ?? 'share.other')}</Alert>
      </section>
    );
  }
  const s = info.data;
  if (s.mode === 'upload') return <DropFolder token={token} info={s} />;
  if (s.kind === 'file') return <SharedFile token={token} info={s} path={path} />;
  return <SharedFolder token={token} info={s} path={path} />;
}

function PasswordForm({
  token,
  throttled,
  onUnlocked,
}: {
  token: string;
  throttled: boolean;
  onUnlocked(): void;
}) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ShareProblem | null>(throttled ? 'throttled' : null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await api.shareLink.unlock(token, password);
      onUnlocked();
    } catch (err) {
      setProblem(problemOf(err));
      setBusy(false);
    }
  };

  const message: MessageKey | null =
    problem === null
      ? null
      : problem === 'bad_password'
        ? 'share.bad_password'
        : problem === 'throttled'
          ? 'share.throttled'
          : problem === 'gone'
            ? 'share.gone'
            : problem === 'network'
              ? 'error.network'
              : 'share.other';
  return (
    <section className="card auth-card" aria-labelledby="share-title">
      <h1 id="share-title" className="auth-card__title">
        <Icon name="lock" size={20} /> {t('share.protected')}
      </h1>
      <p className="form__lead">{t('share.password_lead')}</p>
      {message ? <Alert kind="error">{t(message)}</Alert> : null}
      <form className="form" onSubmit={submit} noValidate>
        <TextField
          label={t('share.password')}
          type="password"
          autoComplete="off"
          required
          maxLength={1024}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <Button
          type="submit"
          variant="primary"
          className="btn--block"
          busy={busy}
          disabled={!password}
        >
          {t('share.unlock')}
        </Button>
      </form>
    </section>
  );
}

/** The shared file, or a file inside a shared folder (`path` leads to it). */
function SharedFile({ token, info, path }: { token: string; info: ShareInfo; path: string[] }) {
  const { t, locale, dateTime } = useI18n();
  return (
    <section className="card auth-card share-card" aria-labelledby="share-title">
      {path.length ? (
        <Link to={pageHref(token, path.slice(0, -1))}>
          {t('share.back_to', { name: path[path.length - 2] ?? info.root_name })}
        </Link>
      ) : (
        <p className="muted">{t('share.shared_with_you')}</p>
      )}
      <h1 id="share-title" className="auth-card__title share-card__name">
        <Icon name="file" size={20} /> {info.name}
      </h1>
      <p className="muted">
        {formatBytes(info.size ?? 0, locale)}
        {info.mtime ? ` · ${dateTime(info.mtime)}` : ''}
      </p>
      {info.limit_reached ? (
        <Alert kind="warning">{t('share.limit')}</Alert>
      ) : (
        <a
          className="btn btn--primary btn--block"
          href={api.shareLink.downloadUrl(token, path)}
          download={info.name}
        >
          <Icon name="download" size={18} />
          {t('share.download')}
        </a>
      )}
      {info.expires_at ? (
        <p className="muted">{t('share.expires', { date: dateTime(info.expires_at) })}</p>
      ) : null}
    </section>
  );
}
