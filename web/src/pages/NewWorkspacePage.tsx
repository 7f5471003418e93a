// Create a workspace: name, description, modules.
import { useState, type FormEvent } from 'react';
import { api, MODULES, type ModuleName } from '../api';
import { Button } from '../components/Button';
import { liveEvents } from '../events';
import { Alert } from '../components/Feedback';
import { TextArea, TextField } from '../components/Field';
import { useI18n } from '../i18n';
import { Page } from '../layout/Page';
import { navigate } from '../router/router';
import { useMe } from '../session';
import { useErrorText } from '../util/errors';
import { useWorkspaces } from '../workspaces';
import { ModulePicker } from './ModulePicker';

export default function NewWorkspacePage() {
  const { t } = useI18n();
  const me = useMe();
  const { upsert } = useWorkspaces();
  const errorText = useErrorText();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [modules, setModules] = useState<ModuleName[]>(['chat', 'files', 'tasks', 'calendar']);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (me.role === 'guest') {
    return (
      <Page title={t('new.title')} narrow>
        <Alert kind="info">{t('new.guest')}</Alert>
      </Page>
    );
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const w = await api.workspaces.create({
        name: name.trim(),
        description: description.trim(),
        modules: MODULES.filter((m) => modules.includes(m)),
      });
      upsert(w);
      // The live connection learns about new workspaces when it (re)opens.
      liveEvents().refresh();
      navigate(`/w/${w.id}`);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <Page title={t('new.title')} subtitle={t('new.lead')} narrow>
      <form className="card form form--card" onSubmit={submit} noValidate>
        {error ? <Alert kind="error">{error}</Alert> : null}
        <TextField
          label={t('ws.name')}
          required
          maxLength={100}
          autoFocus
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <TextArea
          label={t('ws.description')}
          hint={t('common.optional')}
          maxLength={2000}
          rows={3}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
        <ModulePicker value={modules} onChange={setModules} />
        <div className="form__actions">
          <Button onClick={() => history.back()}>{t('common.cancel')}</Button>
          <Button type="submit" variant="primary" busy={busy} disabled={!name.trim()}>
            {t('new.submit')}
          </Button>
        </div>
      </form>
    </Page>
  );
}
