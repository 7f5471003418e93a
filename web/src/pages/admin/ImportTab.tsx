// Reads a workspace export (docs/export.md) back into a new workspace, owned
// by the administrator; the archive's members join when their e-mail has an
// account here.
import { useState, type FormEvent } from 'react';
import { api, type ImportResult } from '../../api';
import { Button } from '../../components/Button';
import { Alert } from '../../components/Feedback';
import { Checkbox, TextField } from '../../components/Field';
import { useI18n } from '../../i18n';
import { Section } from '../../layout/Page';
import { Link } from '../../router/router';
import { useErrorText } from '../../util/errors';
import { useWorkspaces } from '../../workspaces';

export function ImportTab() {
  const { t } = useI18n();
  const errorText = useErrorText();
  const { upsert } = useWorkspaces();
  const [picker, setPicker] = useState(0); // a new key empties the file input
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [createAccounts, setCreateAccounts] = useState(false);
  const [sent, setSent] = useState<number | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setError(null);
    setResult(null);
    setSent(0);
    try {
      const r = await api.admin.importWorkspace(
        file,
        { name: name.trim() || undefined, createAccounts },
        (n) => setSent(n),
      ).done;
      upsert(r.workspace);
      setResult(r);
      setFile(null);
      setName('');
      setPicker((k) => k + 1);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setSent(null);
    }
  };

  const counts = (module: string) => result?.imported[module];
  const chat = counts('chat');
  const files = counts('files');
  return (
    <Section title={t('import.title')} description={t('import.lead')} id="import">
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <TextField
          key={picker}
          label={t('import.archive')}
          type="file"
          accept=".tar,application/x-tar"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          disabled={sent !== null}
        />
        <TextField
          label={t('import.name')}
          hint={t('import.name_hint')}
          value={name}
          maxLength={100}
          onChange={(e) => setName(e.target.value)}
          disabled={sent !== null}
        />
        <Checkbox
          label={t('import.create_accounts')}
          hint={t('import.create_accounts_hint')}
          checked={createAccounts}
          onChange={(e) => setCreateAccounts(e.target.checked)}
          disabled={sent !== null}
        />
        {sent !== null && file ? (
          <progress
            className="import-progress"
            max={file.size}
            value={sent}
            aria-label={t('import.progress')}
          />
        ) : null}
        <div>
          <Button
            type="submit"
            variant="primary"
            icon="upload"
            busy={sent !== null}
            disabled={!file}
          >
            {t('import.submit')}
          </Button>
        </div>
      </form>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {result ? (
        <Alert kind="success" title={t('import.done', { name: result.workspace.name })}>
          <p>
            {chat
              ? t('import.chat_counts', {
                  channels: chat.channels ?? 0,
                  messages: chat.messages ?? 0,
                  attachments: chat.attachments ?? 0,
                })
              : null}{' '}
            {files
              ? t('import.files_counts', { files: files.files ?? 0, versions: files.versions ?? 0 })
              : null}
          </p>
          {result.created_accounts.length ? (
            <p>{t('import.created', { emails: result.created_accounts.join(', ') })}</p>
          ) : null}
          {result.unmatched_members.length ? (
            <p>{t('import.unmatched', { emails: result.unmatched_members.join(', ') })}</p>
          ) : null}
          <Link to={`/w/${result.workspace.id}`}>{t('import.open')}</Link>
        </Alert>
      ) : null}
    </Section>
  );
}
