// An invitation's details where its calendar cannot be opened (another
// workspace's, or the organizer's personal calendar: the home page's
// agenda opens it): the event read (GET /calendar/events/{eid}), when,
// where, who organizes it and who is invited with their answers, and the
// invitee's answers (Accept, Maybe, Decline), for an occurrence of a
// recurring event to it alone or to all of them (the default), sent by the
// caller (which shows them in its own list). Nothing else can be changed.
// An occurrence shows as it is now (moved, retitled apart); the event is
// read again when its organizer changes it (calendar.invitation_updated).
import { useEffect, useState } from 'react';
import {
  api,
  isApiError,
  type CalendarAnswer,
  type CalendarEvent,
  type CalendarOccurrence,
  type Me,
} from '../../../api';
import { Button } from '../../../components/Button';
import { Modal } from '../../../components/Dialog';
import { Alert, Spinner } from '../../../components/Feedback';
import { useEvent } from '../../../events';
import { useI18n } from '../../../i18n';
import { useCalendarErrorText } from '../errors';
import { answerOf, knownPartstat, pickedOccurrence, type ReplyScope } from '../logic/invitations';
import { isNoticeAbout } from '../logic/notices';
import { openedOccurrence } from '../logic/occurrences';
import { ReplyButtons } from './Attendance';
import { EventFacts } from './EventFacts';

export function InvitationDialog({
  occurrence,
  me,
  busy,
  onReply,
  onClose,
}: {
  /** The occurrence clicked (its event is read; its answer until then). */
  occurrence: CalendarOccurrence;
  me: Pick<Me, 'email'>;
  /** The answer being sent. */
  busy: CalendarAnswer | null;
  /**
   * Sends an answer, to the occurrence `recurrenceId` names or (null) to
   * the series: the event answered.
   */
  onReply(p: CalendarAnswer, recurrenceId: string | null): Promise<CalendarEvent>;
  onClose(): void;
}) {
  const { t } = useI18n();
  const errorText = useCalendarErrorText();
  const id = occurrence.event_id;
  const [event, setEvent] = useState<CalendarEvent | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);
  const [scope, setScope] = useState<ReplyScope>('all');

  useEffect(() => {
    let live = true;
    api.calendar.get(id).then(
      (e) => live && setEvent(e),
      (e: unknown) => live && setFailed(e),
    );
    return () => {
      live = false;
    };
  }, [id]);

  useEvent('calendar.invitation_updated', (f) => {
    if (!isNoticeAbout(f, id)) return;
    api.calendar.get(id).then(
      (e) => setEvent((cur) => (cur && e.version <= cur.version ? cur : e)),
      () => undefined,
    );
  });

  const recurrenceId = event ? pickedOccurrence(event, occurrence) : null;
  const reply = async (partstat: CalendarAnswer) => {
    setError(null);
    try {
      setEvent(await onReply(partstat, scope === 'one' ? recurrenceId : null));
    } catch (err) {
      setError(err);
    }
  };

  // The answer to the occurrence opened.
  const mine = event ? answerOf(event, me.email, recurrenceId) : null;
  const answer = mine ?? knownPartstat(occurrence.partstat);
  // An occurrence opened goes by its own title.
  const shown = event ? (openedOccurrence(event, occurrence) ?? event) : null;
  const title = shown?.title.trim() || (shown ? t('calendar.untitled') : t('calendar.details'));

  let body;
  if (failed) {
    body = (
      <Alert kind={isApiError(failed) && failed.status === 404 ? 'warning' : 'error'}>
        {isApiError(failed) && failed.status === 404 ? t('calendar.not_found') : errorText(failed)}
      </Alert>
    );
  } else if (!event) {
    body = <Spinner label={t('common.loading')} />;
  } else {
    body = (
      <>
        {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
        <EventFacts event={event} occurrence={occurrence} me={me.email} />
        {answer && event.kind === 'event' ? (
          <>
            <ReplyButtons
              current={answer}
              busy={busy}
              onReply={(p) => void reply(p)}
              scope={recurrenceId ? { value: scope, onChange: setScope } : undefined}
            />
            <p className="cal-note">{t('calendar.invited_note')}</p>
          </>
        ) : null}
      </>
    );
  }

  return (
    <Modal title={title} onClose={onClose} className="cal-dialog">
      {body}
      <div className="dialog__actions">
        <Button variant="primary" onClick={onClose}>
          {t('calendar.close')}
        </Button>
      </div>
    </Modal>
  );
}
