// Create a workspace: name, description, modules, and whether it is
// armoured (end-to-end encrypted chat, files and tasks, docs/armoured.md:
// only the modules that seal their contents in the browser).
import { useState, type FormEvent } from 'react';
import { api, MODULES, type ModuleName } from '../api';
import { ARMOURED_MODULES } from '../armour/format';
import { unavailableInArmoured, useArmourText } from '../armour/i18n';
import { Button } from '../components/Button';
import { liveEvents } from '../events';
import { Alert } from '../components/Feedback';
import { Checkbox, TextArea, TextField } from '../components/Field';
import { useI18n } from '../i18n';
import { Page } from '../layout/Page';
import { navigate } from '../router/router';
import { useMe } from '../session';
import { useErrorText } from '../util/errors';
import { useWorkspaces } from '../workspaces';
import { ModulePicker } from './ModulePicker';

export default function NewWorkspacePage() {
  const { t } = useI18n();
  const ta = useArmourText();
  const me = useMe();
  const { upsert } = useWorkspaces();
  const errorText = useErrorText();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [modules, setModules] = useState<ModuleName[]>(['chat', 'files', 'tasks', 'calendar']);
  const [armoured, setArmoured] = useState(false);
  // The server refuses modules that do not encrypt end to end (reports) in an armoured workspace.
  const chosen = armoured ? modules.filter((m) => ARMOURED_MODULES.includes(m)) : modules;
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
        modules: MODULES.filter((m) => chosen.includes(m)),
        ...(armoured ? { armoured: true } : {}),
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
        <Checkbox
          label={ta('new.armoured')}
          hint={ta('new.armoured_hint')}
          checked={armoured}
          onChange={(e) => setArmoured(e.target.checked)}
        />
        <ModulePicker
          value={chosen}
          onChange={setModules}
          unavailable={armoured ? unavailableInArmoured(ta) : undefined}
        />
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
