// /calendar/answer/:token: the link an invitation's email gives an
// external attendee, to answer without an account (docs/calendar.md,
// "Invitations"). It shows the event (times on the browser's clock), who
// organizes it, the attendee's answer so far, and sends a new one (Accept,
// Maybe, Decline). For a recurring event it also lists the next
// occurrences, each with the attendee's answer to it and the answers to
// send for it alone (the answer above is for all of them, and resets
// theirs). A link no longer valid (404: the event was deleted, or the
// person is no longer invited) says so.
import '../../styles/modules/calendar.css';
import { useId, useState } from 'react';
import { api, isApiError, type CalendarAnswer, type CalendarInvitationOccurrence } from '../../api';
import type { PageProps } from '../../app/routes';
import { Alert, Spinner } from '../../components/Feedback';
import { useI18n } from '../../i18n';
import { useAsync } from '../../util/useAsync';
import { PartstatTag, ReplyButtons } from './components/Attendance';
import { EventFacts } from './components/EventFacts';
import { useCalendarErrorText } from './errors';
import { browserTimeZone } from '../../util/timeZone';
import { capitalized, dateText, whenText } from './logic/format';

/** An answer being sent or sent: to the series (`recurrenceId` null) or to one occurrence. */
interface Sending {
  answer: CalendarAnswer;
  recurrenceId: string | null;
  /** The occurrence's day, in words ("March 8, 2027"); '' for the series. */
  date: string;
}

export default function InvitationAnswerPage({ params }: PageProps) {
  const token = params.token ?? '';
  const { t, locale } = useI18n();
  const errorText = useCalendarErrorText();
  const titleId = useId();
  const invitation = useAsync(() => api.calendar.invitation(token), [token]);
  const [sending, setSending] = useState<Sending | null>(null);
  const [sent, setSent] = useState<Sending | null>(null);
  const [error, setError] = useState<unknown>(null);
  const zone = browserTimeZone();

  const answer = async (
    partstat: CalendarAnswer,
    o: CalendarInvitationOccurrence | null = null,
  ) => {
    const allDay = invitation.data?.event.all_day ?? false;
    const asked: Sending = {
      answer: partstat,
      recurrenceId: o?.recurrence_id ?? null,
      date: o ? dateText({ start: o.start, all_day: allDay }, locale) : '',
    };
    setSending(asked);
    setSent(null);
    setError(null);
    try {
      invitation.setData(await api.calendar.answerInvitation(token, partstat, asked.recurrenceId));
      setSent(asked);
    } catch (err) {
      setError(err);
    } finally {
      setSending(null);
    }
  };
  /** The answer being sent by the buttons of the series (null) or of one occurrence. */
  const busy = (recurrenceId: string | null) =>
    sending?.recurrenceId === recurrenceId ? sending.answer : null;

  const gone =
    (isApiError(invitation.error) && invitation.error.status === 404) ||
    (isApiError(error) && error.status === 404);
  if (invitation.loading && !invitation.data) return <Spinner label={t('common.loading')} />;
  if (gone || !invitation.data) {
    return (
      <section className="card auth-card" aria-labelledby={titleId}>
        <h1 id={titleId} className="auth-card__title">
          {gone ? t('calendar.answer.invalid') : t('calendar.answer.heading')}
        </h1>
        {gone ? (
          <p className="form__lead">{t('calendar.answer.invalid_body')}</p>
        ) : (
          <Alert kind="error">{errorText(invitation.error)}</Alert>
        )}
      </section>
    );
  }

  const { event, attendee, occurrences = [] } = invitation.data;
  return (
    <section className="card auth-card cal-answer" aria-labelledby={titleId}>
      <p className="cal-answer__for">{t('calendar.answer.for', { email: attendee.email })}</p>
      <h1 id={titleId} className="auth-card__title">
        {event.title.trim() || t('calendar.untitled')}
      </h1>
      {event.all_day || !zone ? null : (
        <p className="field__hint">{t('calendar.answer.zone', { zone })}</p>
      )}
      <EventFacts event={event} me={attendee.email} />
      <ReplyButtons current={attendee.partstat} busy={busy(null)} onReply={(p) => void answer(p)} />
      {occurrences.length ? (
        <section className="cal-answer__occurrences" aria-labelledby={`${titleId}-next`}>
          <h2 id={`${titleId}-next`} className="cal-answer__subtitle">
            {t('calendar.answer.occurrences')}
          </h2>
          <p className="field__hint">{t('calendar.answer.occurrences_hint')}</p>
          <ul className="cal-occurrences">
            {occurrences.map((o) => {
              const when = whenText({ start: o.start, end: o.end, all_day: event.all_day }, locale);
              return (
                <li key={o.recurrence_id} className="cal-occurrence">
                  <span className="cal-occurrence__when">{capitalized(when, locale)}</span>
                  <PartstatTag partstat={o.partstat} />
                  <ReplyButtons
                    compact
                    label={t('calendar.reply_to_occurrence', { date: when })}
                    current={o.partstat}
                    busy={busy(o.recurrence_id)}
                    onReply={(p) => void answer(p, o)}
                  />
                </li>
              );
            })}
          </ul>
        </section>
      ) : null}
      {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
      <p role="status" className="cal-answer__sent">
        {sent
          ? sent.recurrenceId
            ? t('calendar.answer.sent_occurrence', {
                date: sent.date,
                answer: t(`calendar.partstat.${sent.answer}`),
              })
            : t('calendar.answer.sent', { answer: t(`calendar.partstat.${sent.answer}`) })
          : ''}
      </p>
    </section>
  );
}
