// "Nouvelle tâche": every field of a task, in a column given by the button
// that opened it, and its checklist if it has one (one item per line).
// In an armoured workspace the store seals it (a new token, its card and
// checklist), which needs the workspace's current key.
import { useState, type FormEvent } from 'react';
import type { TaskStatus } from '../../../api';
import { Button } from '../../../components/Button';
import { Modal } from '../../../components/Dialog';
import { TextArea } from '../../../components/Field';
import { Alert } from '../../../components/Feedback';
import { useI18n } from '../../../i18n';
import { useToast } from '../../../notifications/toasts';
import { useTasks, useTasksErrorText } from '../context';
import { checklistLines } from '../logic/checklist';
import { emptyDraft, newTaskOf } from '../logic/draft';
import { TaskForm } from './TaskForm';

export function NewTaskDialog({ status, onClose }: { status: TaskStatus; onClose(): void }) {
  const { t } = useI18n();
  const { store, sealBlocked, titleOf } = useTasks();
  const { toast } = useToast();
  const errorText = useTasksErrorText();
  const [draft, setDraft] = useState(() => emptyDraft(status));
  const [lines, setLines] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!draft.title.trim() || sealBlocked) return;
    setBusy(true);
    setError(null);
    try {
      const checklist = checklistLines(lines);
      const created = await store.create({
        ...newTaskOf(draft),
        ...(checklist.length ? { checklist } : {}),
      });
      toast({ kind: 'success', title: t('tasks.created', { title: titleOf(created) }) });
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Modal title={t('tasks.new')} onClose={onClose} wide className="tasks-dialog">
      <form className="form" onSubmit={(e) => void submit(e)}>
        <TaskForm draft={draft} onChange={setDraft} autoFocus />
        <TextArea
          label={t('tasks.checklist_lines')}
          hint={t('tasks.checklist_lines_hint')}
          value={lines}
          rows={3}
          onChange={(e) => setLines(e.target.value)}
        />
        {sealBlocked ? <Alert kind="info">{sealBlocked}</Alert> : null}
        {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
        <div className="dialog__actions">
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            type="submit"
            variant="primary"
            busy={busy}
            disabled={!draft.title.trim() || !!sealBlocked}
          >
            {t('tasks.create_submit')}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
