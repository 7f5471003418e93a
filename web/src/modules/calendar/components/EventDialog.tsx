// An event's details (GET /calendar/events/{eid}): when, where, its
// repeat, its description. Writers edit it (only what changed is sent, at
// the version read) and delete it (asked first). A change made elsewhere
// meanwhile (412) shows the event as it is now and says so. To-dos and
// journal entries from calendar applications are read-only here, but can
// be deleted. The details follow live changes while not being edited.
import { useEffect, useState, type FormEvent } from 'react';
import { isApiError, type CalendarEvent, type CalendarOccurrence } from '../../../api';
import { Button } from '../../../components/Button';
import { ConfirmDialog, Modal } from '../../../components/Dialog';
import { Alert, Spinner, Tag } from '../../../components/Feedback';
import { Icon } from '../../../components/Icon';
import { useEvent } from '../../../events';
import { useI18n } from '../../../i18n';
import { useToast } from '../../../notifications/toasts';
import { useCalendarErrorText } from '../errors';
import { browserTimeZone } from '../logic/dates';
import { changesOf, draftOf, isChanged, problemOf, type EventDraft } from '../logic/draft';
import { whenText } from '../logic/format';
import { repeatOf } from '../logic/rrule';
import { EventChangedError, type CalendarStore } from '../store';
import { EventForm } from './EventForm';

type Notice = 'changed' | 'deleted' | null;

export function EventDialog({
  store,
  id,
  occurrence,
  canWrite,
  onClose,
  onDeleted,
}: {
  store: CalendarStore;
  id: string;
  /** The occurrence clicked, when known (a recurring event's date). */
  occurrence: CalendarOccurrence | null;
  canWrite: boolean;
  onClose(): void;
  onDeleted(): void;
}) {
  const { t } = useI18n();
  const { toast } = useToast();
  const errorText = useCalendarErrorText();
  const [event, setEvent] = useState<CalendarEvent | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  const [draft, setDraft] = useState<EventDraft | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const timeZone = browserTimeZone();

  useEffect(() => {
    let live = true;
    store.event(id).then(
      (e) => live && setEvent(e),
      (e: unknown) => live && setFailed(e),
    );
    return () => {
      live = false;
    };
  }, [store, id]);

  // Changed or deleted elsewhere: shown at once, unless being edited (the save will say).
  useEvent('calendar.event_updated', (f) => {
    const e = f.data as Partial<CalendarEvent> | undefined;
    if (e?.id !== id || draft || typeof e.version !== 'number') return;
    if (event && e.version <= event.version) return;
    setEvent(e as CalendarEvent);
  });
  useEvent('calendar.event_deleted', (f) => {
    if ((f.data as { id?: unknown } | undefined)?.id === id && !deleting) setNotice('deleted');
  });

  /** The save or delete came too late: the event as it is now, and why. */
  const changedMeanwhile = (e: EventChangedError) => {
    setDraft(null);
    setError(null);
    if (e.latest) {
      setEvent(e.latest);
      setNotice('changed');
    } else {
      setNotice('deleted');
    }
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!event || !draft || problemOf(draft)) return;
    const change = changesOf(event, draft, timeZone);
    if (Object.keys(change).length === 0) {
      setDraft(null);
      return;
    }
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const saved = await store.update(event.id, change, event.version);
      setEvent(saved);
      setDraft(null);
      toast({ kind: 'success', title: t('calendar.saved') });
    } catch (err) {
      if (err instanceof EventChangedError) changedMeanwhile(err);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!event) return;
    setDeleting(true);
    try {
      await store.remove(event.id, event.version);
      setConfirm(false);
      toast({ kind: 'success', title: t('calendar.deleted', { title: event.title }) });
      onDeleted();
    } catch (err) {
      setConfirm(false);
      setDeleting(false);
      if (err instanceof EventChangedError) changedMeanwhile(err);
      else setError(err);
    }
  };

  const gone = notice === 'deleted' || (isApiError(failed) && failed.status === 404);
  const editable = canWrite && event?.kind === 'event' && !gone;
  const title = event?.title.trim() || (event ? t('calendar.untitled') : t('calendar.details'));

  let body;
  if (gone) {
    body = (
      <>
        <Alert kind="warning">
          {notice === 'deleted' ? t('calendar.deleted_meanwhile') : t('calendar.not_found')}
        </Alert>
        <div className="dialog__actions">
          <Button onClick={onClose}>{t('calendar.close')}</Button>
        </div>
      </>
    );
  } else if (failed) {
    body = (
      <>
        <Alert kind="error">{errorText(failed)}</Alert>
        <div className="dialog__actions">
          <Button onClick={onClose}>{t('calendar.close')}</Button>
        </div>
      </>
    );
  } else if (!event) {
    body = <Spinner label={t('common.loading')} />;
  } else if (draft) {
    const problem = problemOf(draft);
    body = (
      <form className="form" onSubmit={(e) => void save(e)} noValidate>
        {event.recurring ? <p className="cal-note">{t('calendar.recurring_note')}</p> : null}
        <EventForm
          draft={draft}
          onChange={setDraft}
          problem={problem}
          timeZone={timeZone}
          autoFocus
        />
        {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
        <div className="dialog__actions">
          <Button onClick={() => setDraft(null)} disabled={busy}>
            {t('common.cancel')}
          </Button>
          <Button
            type="submit"
            variant="primary"
            busy={busy}
            disabled={problem !== null || !isChanged(event, draft, timeZone)}
          >
            {t('common.save')}
          </Button>
        </div>
      </form>
    );
  } else {
    body = (
      <>
        {notice === 'changed' ? <Alert kind="warning">{t('calendar.changed')}</Alert> : null}
        {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
        <EventFacts event={event} occurrence={occurrence} />
        <div className="dialog__actions">
          {canWrite ? (
            <Button variant="danger" icon="trash" onClick={() => setConfirm(true)}>
              {t('calendar.delete')}
            </Button>
          ) : null}
          {editable ? (
            <Button
              icon="edit"
              onClick={() => {
                setNotice(null);
                setError(null);
                setDraft(draftOf(event));
              }}
            >
              {t('calendar.edit')}
            </Button>
          ) : null}
          <Button variant="primary" onClick={onClose}>
            {t('calendar.close')}
          </Button>
        </div>
      </>
    );
  }

  return (
    <>
      <Modal title={title} onClose={onClose} className="cal-dialog">
        {body}
      </Modal>
      {canWrite ? (
        <ConfirmDialog
          open={confirm}
          title={t('calendar.delete_title')}
          confirmLabel={t('calendar.delete')}
          cancelLabel={t('common.cancel')}
          danger
          busy={deleting}
          onConfirm={() => void remove()}
          onCancel={() => setConfirm(false)}
        >
          <p>
            {t(event?.recurring ? 'calendar.delete_body_recurring' : 'calendar.delete_body', {
              title,
            })}
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

/** What everyone reads of an event. */
function EventFacts({
  event,
  occurrence,
}: {
  event: CalendarEvent;
  occurrence: CalendarOccurrence | null;
}) {
  const { t, locale, dateTime, date } = useI18n();
  const zone = browserTimeZone();
  const rule = repeatOf(event.rrule);
  let repeat: string | null = null;
  if (event.rrule) {
    if (rule.repeat === 'custom' || rule.repeat === 'none') {
      repeat = event.rrule;
    } else {
      const name = t(`calendar.repeat.${rule.repeat}`);
      repeat =
        rule.end.kind === 'until'
          ? t('calendar.repeat_until', { repeat: name, date: date(`${rule.end.date}T12:00:00`) })
          : rule.end.kind === 'count'
            ? t('calendar.repeat_count', { repeat: name, count: rule.end.count })
            : name;
    }
  }
  const picked =
    event.recurring && occurrence?.start && occurrence.event_id === event.id
      ? whenText(occurrence, locale)
      : null;
  return (
    <div className="cal-facts">
      {event.kind !== 'event' ? (
        <p>
          <Tag tone="accent">{t(`calendar.kind.${event.kind}`)}</Tag>
        </p>
      ) : null}
      <dl className="cal-facts__list">
        <dt>
          <Icon name="clock" size={16} />
          <span className="visually-hidden">{t('calendar.when')}</span>
        </dt>
        <dd>
          {event.start ? whenText(event, locale) : t('calendar.no_date')}
          {event.all_day ? <span className="muted"> · {t('calendar.all_day')}</span> : null}
          {picked ? (
            <span className="cal-facts__picked">
              {t('calendar.this_occurrence', { date: picked })}
            </span>
          ) : null}
        </dd>
        {event.timezone && event.timezone !== zone && !event.all_day ? (
          <>
            <dt>
              <Icon name="globe" size={16} />
              <span className="visually-hidden">{t('calendar.time_zone')}</span>
            </dt>
            <dd>{event.timezone}</dd>
          </>
        ) : null}
        {repeat ? (
          <>
            <dt>
              <Icon name="repeat" size={16} />
              <span className="visually-hidden">{t('calendar.repeats')}</span>
            </dt>
            <dd>{repeat}</dd>
          </>
        ) : null}
        {event.location.trim() ? (
          <>
            <dt>
              <Icon name="mapPin" size={16} />
              <span className="visually-hidden">{t('calendar.location')}</span>
            </dt>
            <dd>{event.location}</dd>
          </>
        ) : null}
      </dl>
      {event.description.trim() ? (
        <p className="cal-facts__description">{event.description}</p>
      ) : (
        <p className="muted">{t('calendar.no_description')}</p>
      )}
      {event.kind !== 'event' ? <p className="cal-note">{t('calendar.kind_read_only')}</p> : null}
      <p className="muted cal-facts__updated">
        {t('calendar.updated_on', { date: dateTime(event.updated_at) })}
      </p>
    </div>
  );
}
