// An event's details (GET /calendar/events/{eid}): when, where, its
// repeat, who is invited and their answers, its description (an occurrence
// opened: its own). Writers edit it (only what changed is sent, at the
// version read) and delete it (asked first); opened from one occurrence of
// a recurring event, both ask whether for that occurrence alone (the
// default: its texts and times, or its cancellation), for it and the
// following ones (the series cut there: the whole form, from its times;
// the rest becomes a new event, so the dialog closes once it is saved),
// or for all of them (what was typed stays when another is chosen, where
// both forms have it). A change made elsewhere meanwhile (412) shows the
// event as it is now and says so. To-dos and journal entries from
// calendar applications are read-only here, but can be deleted. An
// invitee answers (Accept, Maybe, Decline), for an occurrence of a
// recurring event opened from it either for that occurrence alone or for
// all of them (the default); one without the calendar's write right
// changes nothing else. The details follow live changes while not being
// edited, and an answer to the event (calendar.answered, to its
// organizer). In an armoured workspace the event is the one the store
// holds, as this browser opened it: a card that does not open says why
// and can only be deleted; it invites members of the workspace only (its
// occurrences are changed apart in its card, by this browser, and answered
// apart in texts each invitee seals).
import { useEffect, useMemo, useRef, useState, useSyncExternalStore, type FormEvent } from 'react';
import {
  api,
  isApiError,
  type CalendarAnswer,
  type CalendarEvent,
  type CalendarEventChange,
  type CalendarOccurrence,
  type Me,
} from '../../../api';
import { useArmourText } from '../../../armour/i18n';
import { Button } from '../../../components/Button';
import { ConfirmDialog, Modal } from '../../../components/Dialog';
import { Alert, Spinner } from '../../../components/Feedback';
import { useEvent } from '../../../events';
import { useI18n } from '../../../i18n';
import { useToast } from '../../../notifications/toasts';
import { useCalendarErrorText } from '../errors';
import { browserTimeZone } from '../../../util/timeZone';
import {
  changesOf,
  draftOf,
  followingChangesOf,
  followingDraftOf,
  occurrenceChangesOf,
  occurrenceDraftOf,
  problemOf,
  withTyped,
  type EventDraft,
  type Uninvitable,
  duplicateOf,
} from '../logic/draft';
import { dateText } from '../logic/format';
import { ownSpan } from '../logic/freebusy';
import {
  answerOf,
  knownPartstat,
  pickedOccurrence,
  type OccurrenceScope,
  type ReplyScope,
} from '../logic/invitations';
import { isNoticeAbout } from '../logic/notices';
import {
  changesApart,
  isFirstOccurrence,
  openedOccurrence,
  type OwnOccurrence,
} from '../logic/occurrences';
import { openedOf } from '../sealed';
import { EventChangedError, type CalendarStore } from '../store';
import { ReplyButtons, ScopeChoice } from './Attendance';
import { EventFacts } from './EventFacts';
import { EventForm, ReminderField } from './EventForm';
import { SealedNote } from './Sealed';

type Notice = 'changed' | 'deleted' | null;

/**
 * What a change or a deletion is for: the occurrence opened (when it may
 * be apart), alone or with the following ones, or (`all`) the series.
 */
interface Target {
  occurrence: OwnOccurrence | null;
  scope: OccurrenceScope;
}

const SERIES: Target = { occurrence: null, scope: 'all' };

/** The scopes a writer is asked; from the first occurrence, "this and following" is "all". */
const SCOPES: readonly OccurrenceScope[] = ['one', 'following', 'all'];
const FIRST_SCOPES: readonly OccurrenceScope[] = ['one', 'all'];

/** The occurrence a target names apart from the series, with how. */
function apart(target: Target): { o: OwnOccurrence; scope: 'one' | 'following' } | null {
  const { occurrence: o, scope } = target;
  return o && scope !== 'all' ? { o, scope } : null;
}

/** The form for what `target` is. */
function draftFor(event: CalendarEvent, target: Target): EventDraft {
  const a = apart(target);
  if (!a) return draftOf(event);
  // One occurrence keeps the series' people: not changed there, but whose availability it shows.
  if (a.scope === 'one') return { ...occurrenceDraftOf(a.o), attendees: draftOf(event).attendees };
  return followingDraftOf(event, a.o);
}

/** What the form changed, for what `target` is (PATCH body, without the scope). */
function changesFor(
  event: CalendarEvent,
  target: Target,
  d: EventDraft,
  timeZone: string | null,
): CalendarEventChange {
  const a = apart(target);
  if (!a) return changesOf(event, d, timeZone);
  return a.scope === 'one'
    ? occurrenceChangesOf(a.o, d)
    : followingChangesOf(event, a.o, d, timeZone);
}

export function EventDialog({
  store,
  me,
  id,
  occurrence,
  canWrite: mayWrite,
  sealBlocked = null,
  onClose,
  onDone,
  onDuplicate,
}: {
  store: CalendarStore;
  me: Pick<Me, 'id' | 'email'>;
  id: string;
  /** The occurrence clicked, when known (a recurring event's date). */
  occurrence: CalendarOccurrence | null;
  /** Whether the caller changes the event (the person's own view: which events they do). */
  canWrite: boolean | ((event: CalendarEvent) => boolean);
  /** Armoured: why nothing can be sealed now (no edit), else null. */
  sealBlocked?: string | null;
  onClose(): void;
  /**
   * The dialog is done, with a toast said: the event deleted, or the
   * occurrence opened no longer in it (deleted, or changed with the
   * following ones into a new event).
   */
  onDone(): void;
  /** Writers: a new event from this one's form (its series, people not yet answered). */
  onDuplicate?(draft: EventDraft): void;
}) {
  const { t, locale } = useI18n();
  const ta = useArmourText();
  const { toast } = useToast();
  const errorText = useCalendarErrorText();
  const [event, setEvent] = useState<CalendarEvent | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  const [draft, setDraft] = useState<EventDraft | null>(null);
  /** What the draft is for. */
  const [target, setTarget] = useState<Target>(SERIES);
  const [notice, setNotice] = useState<Notice>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  /** A deletion being confirmed, and what for. */
  const [confirm, setConfirm] = useState<Target | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [replying, setReplying] = useState<CalendarAnswer | null>(null);
  const [scope, setScope] = useState<ReplyScope>('all');
  const people = useSyncExternalStore(store.subscribe, () => store.getState().members);
  /** Armoured: the event as the store holds it (live changes, opened again when keys come). */
  const held = useSyncExternalStore(store.subscribe, () => store.getState().events[id]);
  const timeZone = browserTimeZone();
  const armoured = !!store.armour;
  // Armoured, whoever sends the list becomes the organizer: only the
  // caller is refused (as `me`), whoever organized it before.
  const organizer = armoured ? null : (event?.organizer?.email ?? null);
  const not = useMemo<Uninvitable>(
    () => ({ me, organizer, membersOnly: armoured }),
    [me, organizer, armoured],
  );
  /** Being edited: what is read meanwhile waits (the save will say). */
  const editing = useRef(false);
  useEffect(() => {
    editing.current = draft !== null;
  }, [draft]);

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

  useEffect(() => {
    if (!held || editing.current) return;
    setFailed(null);
    setEvent((cur) => (!cur || held.version >= cur.version ? held : cur));
  }, [held]);

  // Changed or deleted elsewhere: shown at once, unless being edited (the save will say).
  useEvent('calendar.event_updated', (f) => {
    if (store.armour) return;
    const e = f.data as Partial<CalendarEvent> | undefined;
    if (e?.id !== id || draft || typeof e.version !== 'number') return;
    if (event && e.version <= event.version) return;
    // What members hear has no one's reminders: the reader's stay.
    setEvent({ ...(e as CalendarEvent), reminders: e.reminders ?? event?.reminders });
  });
  useEvent('calendar.event_deleted', (f) => {
    if ((f.data as { id?: unknown } | undefined)?.id === id && !deleting) setNotice('deleted');
  });
  // A person's own calendar changed (calendar.changed: through CalDAV,
  // another tab): this event read again, unless being edited; gone, said.
  useEvent('calendar.changed', () => {
    if (!event || event.workspace_id !== null || draft || deleting) return;
    store.event(id).then(
      (e) => {
        if (!editing.current) setEvent((cur) => (cur && e.version <= cur.version ? cur : e));
      },
      (e: unknown) => {
        if (isApiError(e) && e.status === 404) setNotice('deleted');
      },
    );
  });
  // An answer to this event, told to its organizer (calendar.answered): the
  // event read again, its answers with it.
  useEvent('calendar.answered', (f) => {
    if (!isNoticeAbout(f, id) || draft) return;
    store.event(id).then(
      (e) => {
        if (editing.current) return;
        setEvent((cur) => (cur && e.version <= cur.version ? cur : e));
      },
      () => undefined,
    );
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

  // The occurrence opened, as it is now, when a change or a deletion may be for it alone.
  const own = event ? openedOccurrence(event, occurrence) : null;
  const scoped = own;
  const scopes = event && scoped && isFirstOccurrence(event, scoped) ? FIRST_SCOPES : SCOPES;
  const named = (e: { title: string }) => e.title.trim() || t('calendar.untitled');

  /** The form, for the occurrence opened (when it may be apart: `which`) or for the series. */
  const edit = (which: OccurrenceScope) => {
    if (!event) return;
    const next: Target = scoped ? { occurrence: scoped, scope: which } : SERIES;
    const fresh = draftFor(event, next);
    // Another scope chosen while typing: what was typed stays where both forms have it.
    const keep = {
      times: target.scope !== 'all' && next.scope !== 'all',
      attendees: target.scope !== 'one' && next.scope !== 'one',
    };
    setTarget(next);
    setDraft(draft ? withTyped(fresh, draft, draftFor(event, target), keep) : fresh);
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!event || !draft || problemOf(draft)) return;
    const change = changesFor(event, target, draft, timeZone);
    if (Object.keys(change).length === 0) {
      setDraft(null);
      return;
    }
    const a = apart(target);
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      if (a?.scope === 'following') {
        const saved = await store.updateFollowing(
          event.id,
          a.o.recurrence_id,
          change,
          event.version,
        );
        setDraft(null);
        toast({
          kind: 'success',
          title: t('calendar.saved_following', { date: dateText(saved, locale) }),
        });
        // The occurrence opened is now another event's: done here (from
        // the first occurrence, the event itself, shown as it is now).
        if (saved.id !== event.id) onDone();
        else setEvent(saved);
        return;
      }
      const saved = a
        ? await store.updateOccurrence(event.id, a.o.recurrence_id, change, event.version)
        : await store.update(event.id, change, event.version);
      setEvent(saved);
      setDraft(null);
      toast({ kind: 'success', title: t(a ? 'calendar.saved_occurrence' : 'calendar.saved') });
    } catch (err) {
      if (err instanceof EventChangedError) changedMeanwhile(err);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!event || !confirm) return;
    const a = apart(confirm);
    setDeleting(true);
    try {
      if (a?.scope === 'one') {
        await store.cancelOccurrence(event.id, a.o.recurrence_id, event.version);
      } else if (a) {
        await store.removeFollowing(event.id, a.o.recurrence_id, event.version);
      } else {
        await store.remove(event.id, event.version);
      }
      setConfirm(null);
      const date = a ? dateText(a.o, locale) : '';
      toast({
        kind: 'success',
        title:
          a?.scope === 'one'
            ? t('calendar.occurrence_deleted', { date, title: named(a.o) })
            : a
              ? t('calendar.following_deleted', { date, title: named(event) })
              : t('calendar.deleted', { title: named(event) }),
      });
      onDone();
    } catch (err) {
      setConfirm(null);
      setDeleting(false);
      if (err instanceof EventChangedError) changedMeanwhile(err);
      else setError(err);
    }
  };

  const reply = async (partstat: CalendarAnswer) => {
    if (!event) return;
    const only = scope === 'one' ? pickedOccurrence(event, occurrence) : null;
    setReplying(partstat);
    setError(null);
    try {
      const saved = await store.reply(event.id, partstat, only);
      setEvent(saved);
      toast({
        kind: 'success',
        title: t(only ? 'calendar.replied_occurrence' : 'calendar.replied', {
          answer: t(`calendar.partstat.${partstat}`),
        }),
      });
    } catch (err) {
      setError(err);
    } finally {
      setReplying(null);
    }
  };

  const gone = notice === 'deleted' || (isApiError(failed) && failed.status === 404);
  // Invited: listed among the attendees, or the occurrence opened says so;
  // the answer shown is the one to the occurrence opened.
  const recurrenceId = event ? pickedOccurrence(event, occurrence) : null;
  const mine = event ? answerOf(event, me.email, recurrenceId) : null;
  const fromOccurrence =
    occurrence && occurrence.event_id === id ? knownPartstat(occurrence.partstat) : null;
  const answer = mine ?? fromOccurrence;
  const invited = !!answer;
  // A writer of the calendar keeps their rights when also invited (as the
  // server does); an invitee without them only answers.
  // Armoured: the card's state; one that does not open is neither shown nor changed.
  const sealed = event ? openedOf(event)?.card : undefined;
  const cardOpen = !sealed || sealed.kind === 'open';
  const canWrite = typeof mayWrite === 'function' ? !!event && mayWrite(event) : mayWrite;
  const editable = canWrite && event?.kind === 'event' && !gone && cardOpen && !sealBlocked;
  const deletable = canWrite;
  // Who sees it without changing it sets their own reminder here (writers
  // in the form); the server knows none of an armoured event's.
  const remindable =
    !editable && !gone && event?.kind === 'event' && Array.isArray(event.reminders);
  const [reminding, setReminding] = useState(false);
  const remind = async (minutes: number[]) => {
    if (!event) return;
    setReminding(true);
    setError(null);
    try {
      const saved = await api.calendar.setReminders(event.id, minutes);
      setEvent((cur) => (cur ? { ...cur, reminders: saved.reminders ?? minutes } : saved));
      toast({ kind: 'success', title: t('calendar.reminder_saved') });
    } catch (err) {
      setError(err);
    } finally {
      setReminding(false);
    }
  };
  // An occurrence opened goes by its own title.
  const shown = own ?? event;
  const title = !cardOpen
    ? ta(
        sealed?.kind === 'pending'
          ? 'calendar.pending'
          : sealed?.kind === 'bad_signature'
            ? 'calendar.bad_signature'
            : 'calendar.unreadable',
      )
    : shown
      ? named(shown)
      : t('calendar.details');
  const deletingApart = confirm ? apart(confirm) : null;
  const editingApart = apart(target);

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
        {scoped ? (
          <ScopeChoice
            legend={t('calendar.edit_scope')}
            scopes={scopes}
            value={target.scope}
            onChange={edit}
            disabled={busy}
            autoFocus
          />
        ) : null}
        {editingApart ? (
          <p className="cal-note">
            {t(
              editingApart.scope === 'one' ? 'calendar.occurrence_note' : 'calendar.following_note',
            )}
          </p>
        ) : event.recurring ? (
          <p className="cal-note">
            {t(
              changesApart(event).changed
                ? 'calendar.recurring_note_apart'
                : 'calendar.recurring_note',
            )}
          </p>
        ) : null}
        <EventForm
          draft={draft}
          onChange={setDraft}
          problem={problem}
          timeZone={timeZone}
          people={people}
          directory={store.workspaceId === null}
          not={not}
          // An armoured event's time is not among what the server says is busy.
          own={armoured ? null : ownSpan(editingApart ? editingApart.o : event)}
          occurrence={editingApart?.scope === 'one'}
          autoFocus={!scoped}
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
            disabled={
              problem !== null ||
              Object.keys(changesFor(event, target, draft, timeZone)).length === 0
            }
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
        <SealedNote state={sealed} />
        {cardOpen ? (
          <EventFacts event={event} occurrence={occurrence} me={me.email} />
        ) : canWrite ? (
          <p className="cal-note">{ta('calendar.card_locked')}</p>
        ) : null}
        {invited && event.kind === 'event' ? (
          <>
            <ReplyButtons
              current={answer}
              busy={replying}
              onReply={(p) => void reply(p)}
              scope={recurrenceId ? { value: scope, onChange: setScope } : undefined}
            />
            {canWrite ? null : <p className="cal-note">{t('calendar.invited_note')}</p>}
          </>
        ) : null}
        {remindable && event.reminders ? (
          <fieldset className="cal-remind" disabled={reminding}>
            <ReminderField
              minutes={event.reminders}
              onChange={(m) => void remind(m)}
              allDayOn={event.all_day ? (event.start?.slice(0, 10) ?? null) : null}
            />
          </fieldset>
        ) : null}
        <div className="dialog__actions">
          {deletable ? (
            <Button
              variant="danger"
              icon="trash"
              onClick={() => setConfirm({ occurrence: scoped, scope: 'one' })}
            >
              {t('calendar.delete')}
            </Button>
          ) : null}
          {editable && onDuplicate ? (
            <Button icon="copy" onClick={() => onDuplicate(duplicateOf(event))}>
              {t('calendar.duplicate')}
            </Button>
          ) : null}
          {editable ? (
            <Button
              icon="edit"
              onClick={() => {
                setNotice(null);
                setError(null);
                edit(scoped ? 'one' : 'all');
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
      {deletable ? (
        <ConfirmDialog
          open={confirm !== null}
          title={t('calendar.delete_title')}
          confirmLabel={t('calendar.delete')}
          cancelLabel={t('common.cancel')}
          danger
          busy={deleting}
          onConfirm={() => void remove()}
          onCancel={() => setConfirm(null)}
        >
          {confirm?.occurrence ? (
            <ScopeChoice
              legend={t('calendar.delete_scope')}
              scopes={scopes}
              value={confirm.scope}
              onChange={(scope) => setConfirm({ ...confirm, scope })}
              disabled={deleting}
            />
          ) : null}
          <p>
            {deletingApart?.scope === 'one'
              ? t('calendar.delete_body_occurrence', {
                  date: dateText(deletingApart.o, locale),
                  title: named(deletingApart.o),
                })
              : deletingApart && event
                ? t('calendar.delete_body_following', {
                    date: dateText(deletingApart.o, locale),
                    title: named(event),
                  })
                : t(event?.recurring ? 'calendar.delete_body_recurring' : 'calendar.delete_body', {
                    title: event ? named(event) : title,
                  })}
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
