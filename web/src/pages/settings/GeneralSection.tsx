// Name, description and active modules.
import { useState, type FormEvent } from 'react';
import { api, type ModuleName, type Workspace } from '../../api';
import { unavailableInArmoured, useArmourText } from '../../armour/i18n';
import { Button } from '../../components/Button';
import { Alert } from '../../components/Feedback';
import { TextArea, TextField } from '../../components/Field';
import { useI18n } from '../../i18n';
import { Section } from '../../layout/Page';
import { useToast } from '../../notifications/toasts';
import { useErrorText } from '../../util/errors';
import { ModulePicker } from '../ModulePicker';

export function GeneralSection({ w, onSaved }: { w: Workspace; onSaved(w: Workspace): void }) {
  const { t } = useI18n();
  const ta = useArmourText();
  const { toast } = useToast();
  const errorText = useErrorText();
  const [name, setName] = useState(w.name);
  const [description, setDescription] = useState(w.description);
  const [modules, setModules] = useState<string[]>(w.modules);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const sameModules =
    modules.length === w.modules.length && modules.every((m) => w.modules.includes(m));
  const dirty = name.trim() !== w.name || description !== w.description || !sameModules;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = await api.workspaces.update(w.id, {
        ...(name.trim() !== w.name ? { name: name.trim() } : {}),
        ...(description !== w.description ? { description } : {}),
        ...(!sameModules ? { modules } : {}),
      });
      onSaved(saved);
      toast({ kind: 'success', title: t('common.saved') });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title={t('settings.general')} id="general">
      <form className="form" onSubmit={submit} noValidate>
        {error ? <Alert kind="error">{error}</Alert> : null}
        <TextField
          label={t('ws.name')}
          required
          maxLength={100}
          value={name}
          disabled={w.archived}
          onChange={(e) => setName(e.target.value)}
        />
        <TextArea
          label={t('ws.description')}
          maxLength={2000}
          rows={3}
          value={description}
          disabled={w.archived}
          onChange={(e) => setDescription(e.target.value)}
        />
        <ModulePicker
          value={modules}
          disabled={w.archived}
          unavailable={w.armoured ? unavailableInArmoured(ta) : undefined}
          onChange={(m: ModuleName[]) => setModules(m)}
        />
        {!sameModules && modules.length < w.modules.length ? (
          <p className="field__hint">{t('settings.module_off_note')}</p>
        ) : null}
        <div className="form__actions">
          <Button
            type="submit"
            variant="primary"
            busy={busy}
            disabled={!dirty || !name.trim() || w.archived}
          >
            {t('common.save')}
          </Button>
        </div>
      </form>
    </Section>
  );
}
