// "Nouvel événement": the form, filled with the day (and slot) it was
// opened from; times go as UTC instants with the browser's zone, the
// people invited with them (the creator becomes the organizer). In an
// armoured workspace, sealed in the browser (the store), inviting its
// members only; from the person's own view, into their personal calendar.
import { useMemo, useState, useSyncExternalStore, type FormEvent } from 'react';
import type { Me } from '../../../api';
import { Button } from '../../../components/Button';
import { Modal } from '../../../components/Dialog';
import { Alert } from '../../../components/Feedback';
import { useI18n } from '../../../i18n';
import { useToast } from '../../../notifications/toasts';
import { useCalendarErrorText } from '../errors';
import { browserTimeZone } from '../../../util/timeZone';
import { newEventOf, problemOf, type EventDraft, type Uninvitable } from '../logic/draft';
import type { CalendarStore } from '../store';
import { EventForm } from './EventForm';

export function NewEventDialog({
  store,
  me,
  initial,
  onClose,
}: {
  store: CalendarStore;
  me: Pick<Me, 'id' | 'email'>;
  initial: EventDraft;
  onClose(): void;
}) {
  const { t } = useI18n();
  const { toast } = useToast();
  const errorText = useCalendarErrorText();
  // An armoured event's reminders are not the server's to send.
  const [draft, setDraft] = useState(() =>
    store.armour ? { ...initial, reminders: null } : initial,
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const people = useSyncExternalStore(store.subscribe, () => store.getState().members);
  const membersOnly = !!store.armour;
  const not = useMemo<Uninvitable>(() => ({ me, membersOnly }), [me, membersOnly]);
  const timeZone = browserTimeZone();
  const problem = problemOf(draft);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (problem) return;
    setBusy(true);
    setError(null);
    try {
      const created = await store.create(newEventOf(draft, timeZone));
      toast({ kind: 'success', title: t('calendar.created', { title: created.title }) });
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Modal title={t('calendar.new')} onClose={onClose} className="cal-dialog">
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        {store.workspaceId === null ? <p className="muted">{t('calendar.mine.new_note')}</p> : null}
        <EventForm
          draft={draft}
          onChange={setDraft}
          problem={problem}
          timeZone={timeZone}
          people={people}
          directory={store.workspaceId === null}
          not={not}
          autoFocus
        />
        {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
        <div className="dialog__actions">
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" variant="primary" busy={busy} disabled={problem !== null}>
            {t('calendar.create_submit')}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
