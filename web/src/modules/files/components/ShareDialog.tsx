// Share links of an entry: a read-only link (a file, or a folder to browse)
// or an upload-only "drop folder", with an optional password, expiry date
// and download limit. The link is shown once, at creation (the server keeps
// only its hash); live links are listed with their use and can be revoked.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import {
  api,
  type CreatedShare,
  type FileNode,
  type FileShare,
  type ShareMode,
} from '../../../api';
import { Button } from '../../../components/Button';
import { Modal } from '../../../components/Dialog';
import { Alert, Spinner, Tag } from '../../../components/Feedback';
import { SelectField, TextField } from '../../../components/Field';
import { SecretOnce } from '../../../components/Secret';
import { useI18n } from '../../../i18n';
import { useToast } from '../../../notifications/toasts';
import { useFiles, useFilesErrorText } from '../context';

/** The end of a local day ("2026-12-31") as an ISO time. */
export function endOfDay(date: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59).toISOString();
}

export function ShareDialog({ node, onClose }: { node: FileNode; onClose(): void }) {
  const { t, dateTime } = useI18n();
  const { canWrite, nameOf } = useFiles();
  const { toast } = useToast();
  const errorText = useFilesErrorText();
  const [mode, setMode] = useState<ShareMode>('read');
  const [password, setPassword] = useState('');
  const [expires, setExpires] = useState('');
  const [limit, setLimit] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedShare | null>(null);
  const [shares, setShares] = useState<FileShare[] | null>(null);

  const load = useCallback(() => {
    api.files.shares(node.id).then(setShares, () => setShares([]));
  }, [node.id]);
  useEffect(load, [load]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const max = Number(limit);
      const made = await api.files.share(node.id, {
        mode,
        ...(password ? { password } : {}),
        ...(expires && endOfDay(expires) ? { expires_at: endOfDay(expires) } : {}),
        ...(limit && max > 0 ? { max_downloads: Math.floor(max) } : {}),
      });
      setCreated(made);
      setPassword('');
      load();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (s: FileShare) => {
    try {
      await api.files.revokeShare(s.id);
      toast({ kind: 'success', title: t('files.share_revoked') });
      load();
    } catch (err) {
      setError(errorText(err));
    }
  };

  const today = new Date();
  const min = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  return (
    <Modal
      title={t('files.share_title', { name: node.name })}
      onClose={onClose}
      className="files-dialog--wide"
    >
      <div className="dialog__body files-share">
        {error ? <Alert kind="error">{error}</Alert> : null}
        {created ? (
          <SecretOnce
            title={t('files.share_created')}
            note={t('files.share_once')}
            value={created.url}
          />
        ) : null}
        {canWrite ? (
          <form className="form" onSubmit={submit} aria-label={t('files.share_new')}>
            <h3 className="files-share__heading">{t('files.share_new')}</h3>
            {node.kind === 'folder' ? (
              <SelectField
                label={t('files.share_mode')}
                value={mode}
                onChange={(e) => setMode(e.currentTarget.value as ShareMode)}
              >
                <option value="read">{t('files.share_mode_read')}</option>
                <option value="upload">{t('files.share_mode_upload')}</option>
              </SelectField>
            ) : null}
            <TextField
              label={t('files.share_password')}
              type="password"
              autoComplete="new-password"
              value={password}
              hint={t('files.share_password_hint')}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <div className="form__row">
              <TextField
                label={t('files.share_expires')}
                type="date"
                min={min}
                value={expires}
                hint={t('files.share_optional')}
                onChange={(e) => setExpires(e.currentTarget.value)}
              />
              {mode === 'read' ? (
                <TextField
                  label={t('files.share_limit')}
                  type="number"
                  min={1}
                  inputMode="numeric"
                  value={limit}
                  hint={t('files.share_optional')}
                  onChange={(e) => setLimit(e.currentTarget.value)}
                />
              ) : null}
            </div>
            <div className="form__actions">
              <Button type="submit" variant="primary" icon="link" busy={busy}>
                {t('files.share_create')}
              </Button>
            </div>
          </form>
        ) : null}
        <h3 className="files-share__heading">{t('files.share_live')}</h3>
        {shares === null ? (
          <Spinner label={t('common.loading')} />
        ) : shares.length === 0 ? (
          <p className="files-share__none">{t('files.share_none')}</p>
        ) : (
          <ul className="files-share__list">
            {shares.map((s) => (
              <li key={s.id} className="files-share__item">
                <div>
                  <p className="files-share__what">
                    {s.mode === 'upload'
                      ? t('files.share_mode_upload')
                      : t('files.share_mode_read')}{' '}
                    {s.has_password ? <Tag>{t('files.share_protected')}</Tag> : null}
                  </p>
                  <p className="files-share__meta">
                    {t('files.share_meta', {
                      name: nameOf(s.created_by),
                      date: dateTime(s.created_at),
                    })}
                    {s.expires_at
                      ? ` · ${t('files.share_until', { date: dateTime(s.expires_at) })}`
                      : ''}
                    {` · ${
                      s.max_downloads
                        ? t('files.share_downloads_of', {
                            count: s.downloads,
                            max: s.max_downloads,
                          })
                        : t('files.share_downloads', { count: s.downloads })
                    }`}
                  </p>
                </div>
                {canWrite ? (
                  <Button size="sm" variant="danger" onClick={() => void revoke(s)}>
                    {t('files.share_revoke')}
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="dialog__actions">
        <Button variant="primary" onClick={onClose}>
          {t('common.dismiss')}
        </Button>
      </div>
    </Modal>
  );
}
