// Archive (read-only, reversible) and delete (for good), owners only.
import { useState } from 'react';
import { api, type Workspace } from '../../api';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/Dialog';
import { TextField } from '../../components/Field';
import { useI18n } from '../../i18n';
import { Section } from '../../layout/Page';
import { unread } from '../../notifications/unread';
import { useToast } from '../../notifications/toasts';
import { navigate } from '../../router/router';
import { useErrorText } from '../../util/errors';
import { useWorkspaces } from '../../workspaces';

export function DangerZone({ w, onSaved }: { w: Workspace; onSaved(w: Workspace): void }) {
  const { t } = useI18n();
  const { toast } = useToast();
  const { remove } = useWorkspaces();
  const errorText = useErrorText();
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');

  const toggleArchive = async () => {
    setBusy(true);
    try {
      onSaved(
        w.archived ? await api.workspaces.unarchive(w.id) : await api.workspaces.archive(w.id),
      );
    } catch (err) {
      toast({ kind: 'error', title: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  const destroy = async () => {
    setBusy(true);
    try {
      await api.workspaces.remove(w.id);
      remove(w.id);
      unread.forget(w.id);
      toast({ kind: 'success', title: t('danger.deleted', { name: w.name }) });
      navigate('/', { replace: true });
    } catch (err) {
      toast({ kind: 'error', title: errorText(err) });
      setBusy(false);
    }
  };

  return (
    <Section title={t('danger.title')} id="danger">
      <div className="danger-row">
        <div>
          <p className="danger-row__title">
            {w.archived ? t('danger.unarchive') : t('danger.archive')}
          </p>
          <p className="muted">
            {w.archived ? t('danger.unarchive_lead') : t('danger.archive_lead')}
          </p>
        </div>
        <Button icon="archive" busy={busy && !confirming} onClick={() => void toggleArchive()}>
          {w.archived ? t('danger.unarchive') : t('danger.archive')}
        </Button>
      </div>
      <div className="danger-row">
        <div>
          <p className="danger-row__title">{t('danger.delete')}</p>
          <p className="muted">{t('danger.delete_lead')}</p>
        </div>
        <Button variant="danger" icon="trash" onClick={() => setConfirming(true)}>
          {t('danger.delete')}
        </Button>
      </div>
      <ConfirmDialog
        open={confirming}
        title={t('danger.delete_title', { name: w.name })}
        confirmLabel={t('danger.delete')}
        cancelLabel={t('common.cancel')}
        danger
        busy={busy}
        confirmDisabled={typed.trim() !== w.name.trim()}
        onConfirm={() => void destroy()}
        onCancel={() => {
          setConfirming(false);
          setTyped('');
        }}
      >
        <p>{t('danger.delete_body')}</p>
        <TextField
          label={t('danger.type_name', { name: w.name })}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
        />
      </ConfirmDialog>
    </Section>
  );
}
