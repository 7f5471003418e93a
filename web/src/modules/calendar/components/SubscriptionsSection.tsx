// "Calendar subscriptions" on the profile page: the calendars published
// elsewhere (an .ics or webcal address) a person follows, read only, which
// the server reads again (docs/calendar.md "Subscriptions"). One is made
// once the server could read its address; each says when it was last read,
// or why the last read failed, and can be read again now, renamed or
// removed. Nothing is shown where the instance fetches nothing from other
// sites (or for an external account) and there is nothing to list.
import { useState, type FormEvent } from 'react';
import { api, ApiError, type CalendarSubscription } from '../../../api';
import { Button } from '../../../components/Button';
import { ConfirmDialog } from '../../../components/Dialog';
import { Alert, Spinner, Tag } from '../../../components/Feedback';
import { TextField } from '../../../components/Field';
import { useI18n } from '../../../i18n';
import { Section } from '../../../layout/Page';
import { useAsync } from '../../../util/useAsync';
import { useCalendarErrorText } from '../errors';

export default function SubscriptionsSection() {
  const { t, relative } = useI18n();
  const errorText = useCalendarErrorText();
  const list = useAsync(() => api.calendar.subscriptions.list(), []);
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState<string | null>(null); // "new", or a subscription's id
  const [error, setError] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [removing, setRemoving] = useState<CalendarSubscription | null>(null);

  /** Runs `action` for `key` (one at a time), the list read again after. */
  const run = async (key: string, action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(key);
    setError(null);
    try {
      await action();
      return true;
    } catch (err) {
      setError(errorText(err));
      return false;
    } finally {
      setBusy(null);
      void list.reload();
    }
  };

  const subscribe = async (e: FormEvent) => {
    e.preventDefault();
    const made = await run('new', () =>
      api.calendar.subscriptions.create({
        url: url.trim(),
        ...(name.trim() ? { name: name.trim() } : {}),
      }),
    );
    if (made) {
      setUrl('');
      setName('');
    }
  };

  const rename = async (e: FormEvent) => {
    e.preventDefault();
    if (!renaming) return;
    const { id, name: next } = renaming;
    if (await run(id, () => api.calendar.subscriptions.rename(id, next.trim()))) setRenaming(null);
  };

  const data = list.data;
  if (!data) {
    return list.loading ? <Spinner label={t('common.loading')} /> : null;
  }
  if (!data.available && data.subscriptions.length === 0) return null;

  const row = (s: CalendarSubscription) => (
    <li key={s.id} className="cred">
      {renaming?.id === s.id ? (
        <form className="form form--inline cred__main" onSubmit={rename} noValidate>
          <TextField
            label={t('subscriptions.name')}
            maxLength={100}
            value={renaming.name}
            onChange={(e) => setRenaming({ id: s.id, name: e.target.value })}
            className="form__grow"
            autoFocus
          />
          <Button type="submit" size="sm" busy={busy === s.id} disabled={!renaming.name.trim()}>
            {t('common.save')}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setRenaming(null)}>
            {t('common.cancel')}
          </Button>
        </form>
      ) : (
        <div className="cred__main">
          <p className="cred__name">
            {s.name}
            {s.error ? <Tag tone="warning">{t('subscriptions.failing')}</Tag> : null}
          </p>
          <p className="cred__meta cred__meta--url">{s.url}</p>
          <p className="cred__meta">
            {s.refreshed_at
              ? t('subscriptions.read', { when: relative(s.refreshed_at) })
              : t('subscriptions.never_read')}
          </p>
          {s.error ? <p className="cred__meta">{errorText(new ApiError(0, s.error, ''))}</p> : null}
        </div>
      )}
      {renaming?.id === s.id ? null : (
        <div className="cred__actions">
          <Button
            size="sm"
            variant="ghost"
            busy={busy === s.id}
            disabled={busy !== null || !data.available}
            onClick={() => void run(s.id, () => api.calendar.subscriptions.refresh(s.id))}
            aria-label={t('subscriptions.refresh_named', { name: s.name })}
          >
            {t('subscriptions.refresh')}
          </Button>
          <Button
            size="sm"
            variant="ghost"
            onClick={() => setRenaming({ id: s.id, name: s.name })}
            aria-label={t('subscriptions.rename_named', { name: s.name })}
          >
            {t('subscriptions.rename')}
          </Button>
          <Button
            size="sm"
            variant="ghost"
            onClick={() => setRemoving(s)}
            aria-label={t('subscriptions.remove_named', { name: s.name })}
          >
            {t('subscriptions.remove')}
          </Button>
        </div>
      )}
    </li>
  );

  return (
    <Section
      title={t('subscriptions.title')}
      description={t('subscriptions.lead')}
      id="subscriptions"
    >
      {error ? <Alert kind="error">{error}</Alert> : null}
      {data.subscriptions.length === 0 ? (
        <p className="muted">{t('subscriptions.none')}</p>
      ) : (
        <ul className="cred-list" aria-label={t('subscriptions.title')}>
          {data.subscriptions.map(row)}
        </ul>
      )}
      {data.available ? (
        <form className="form" onSubmit={subscribe} noValidate>
          <TextField
            label={t('subscriptions.url')}
            hint={t('subscriptions.url_hint')}
            type="url"
            inputMode="url"
            maxLength={2048}
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
          <TextField
            label={t('subscriptions.name_optional')}
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <div className="form__actions">
            <Button
              type="submit"
              icon="plus"
              busy={busy === 'new'}
              disabled={!url.trim() || busy !== null}
            >
              {t('subscriptions.subscribe')}
            </Button>
          </div>
        </form>
      ) : null}
      <ConfirmDialog
        open={!!removing}
        title={t('subscriptions.remove_title', { name: removing?.name ?? '' })}
        confirmLabel={t('subscriptions.remove')}
        cancelLabel={t('common.cancel')}
        danger
        busy={busy === removing?.id}
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          const s = removing;
          if (!s) return;
          void run(s.id, () => api.calendar.subscriptions.remove(s.id)).then(() =>
            setRemoving(null),
          );
        }}
      >
        <p>{t('subscriptions.remove_body')}</p>
      </ConfirmDialog>
    </Section>
  );
}
