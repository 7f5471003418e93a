// Open sessions and app tokens (desktop sync, calendar apps): revoke one by
// one; a new app token is shown once.
import { useState, type FormEvent } from 'react';
import { api, type CreatedAppToken, type CredentialInfo } from '../../api';
import { Button } from '../../components/Button';
import { Alert, Spinner, Tag } from '../../components/Feedback';
import { TextField } from '../../components/Field';
import { SecretOnce } from '../../components/Secret';
import { useI18n } from '../../i18n';
import { Section } from '../../layout/Page';
import { navigate } from '../../router/router';
import { useSession } from '../../session';
import { useErrorText } from '../../util/errors';
import { useAsync } from '../../util/useAsync';

/** "Firefox on Linux" from a User-Agent, good enough to recognise a device. */
export function describeAgent(ua: string): string {
  if (!ua) return '';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(ua)
        ? 'Chromium'
        : /Safari\//.test(ua)
          ? 'Safari'
          : (ua.split(/[ /]/)[0] ?? '');
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Mac OS X/.test(ua)
      ? 'macOS'
      : /Android/.test(ua)
        ? 'Android'
        : /iPhone|iPad/.test(ua)
          ? 'iOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return os ? `${browser} · ${os}` : browser;
}

export function SessionsSection() {
  const { t, dateTime, relative } = useI18n();
  const { signOut } = useSession();
  const errorText = useErrorText();
  const list = useAsync(() => api.me.sessions(), []);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedAppToken | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const revoke = async (c: CredentialInfo) => {
    setError(null);
    try {
      await api.me.revokeSession(c.id);
      if (c.current) {
        await signOut();
        navigate('/login');
        return;
      }
      void list.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setCreated(await api.me.createAppToken(name.trim()));
      setName('');
      void list.reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const items = list.data ?? [];
  const sessions = items.filter((c) => c.kind === 'session');
  const tokens = items.filter((c) => c.kind !== 'session');

  const row = (c: CredentialInfo) => (
    <li key={c.id} className="cred">
      <div className="cred__main">
        <p className="cred__name">
          {c.kind === 'session' ? describeAgent(c.user_agent) || t('sessions.browser') : c.name}
          {c.current ? <Tag tone="success">{t('sessions.current')}</Tag> : null}
        </p>
        <p className="cred__meta">
          {t('sessions.meta', {
            created: dateTime(c.created_at),
            used: relative(c.last_used_at),
            address: c.remote_addr || '—',
          })}
        </p>
      </div>
      <Button
        size="sm"
        variant="ghost"
        onClick={() => void revoke(c)}
        aria-label={t('sessions.revoke_named', {
          name: c.kind === 'session' ? describeAgent(c.user_agent) : c.name,
        })}
      >
        {t('sessions.revoke')}
      </Button>
    </li>
  );

  return (
    <Section title={t('sessions.title')} description={t('sessions.lead')} id="sessions">
      {error ? <Alert kind="error">{error}</Alert> : null}
      {list.loading && !list.data ? <Spinner label={t('common.loading')} /> : null}
      <h3 className="subheading">{t('sessions.sessions')}</h3>
      <ul className="cred-list">{sessions.map(row)}</ul>
      <h3 className="subheading">{t('sessions.tokens')}</h3>
      {tokens.length === 0 ? (
        <p className="muted">{t('sessions.no_tokens')}</p>
      ) : (
        <ul className="cred-list">{tokens.map(row)}</ul>
      )}
      {created ? (
        <SecretOnce
          title={t('sessions.token_created', { name: created.name })}
          note={t('sessions.token_note')}
          value={created.token}
        />
      ) : null}
      <form className="form form--inline" onSubmit={create} noValidate>
        <TextField
          label={t('sessions.token_name')}
          hint={t('sessions.token_hint')}
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
          className="form__grow"
        />
        <Button type="submit" icon="key" busy={busy} disabled={!name.trim()}>
          {t('sessions.create_token')}
        </Button>
      </form>
    </Section>
  );
}
