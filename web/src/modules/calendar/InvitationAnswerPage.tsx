// /calendar/answer/:token: the link an invitation's email gives an
// external attendee, to answer without an account (docs/calendar.md,
// "Invitations"). It shows the event (times on the browser's clock), who
// organizes it, the attendee's answer so far, and sends a new one (Accept,
// Maybe, Decline). A link no longer valid (404: the event was deleted, or
// the person is no longer invited) says so.
import '../../styles/modules/calendar.css';
import { useId, useState } from 'react';
import { api, isApiError, type CalendarAnswer } from '../../api';
import type { PageProps } from '../../app/routes';
import { Alert, Spinner } from '../../components/Feedback';
import { useI18n } from '../../i18n';
import { useAsync } from '../../util/useAsync';
import { ReplyButtons } from './components/Attendance';
import { EventFacts } from './components/EventFacts';
import { useCalendarErrorText } from './errors';
import { browserTimeZone } from './logic/dates';

export default function InvitationAnswerPage({ params }: PageProps) {
  const token = params.token ?? '';
  const { t } = useI18n();
  const errorText = useCalendarErrorText();
  const titleId = useId();
  const invitation = useAsync(() => api.calendar.invitation(token), [token]);
  const [sending, setSending] = useState<CalendarAnswer | null>(null);
  const [sent, setSent] = useState<CalendarAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const zone = browserTimeZone();

  const answer = async (partstat: CalendarAnswer) => {
    setSending(partstat);
    setSent(null);
    setError(null);
    try {
      invitation.setData(await api.calendar.answerInvitation(token, partstat));
      setSent(partstat);
    } catch (err) {
      setError(err);
    } finally {
      setSending(null);
    }
  };

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

  const { event, attendee } = invitation.data;
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
      <ReplyButtons current={attendee.partstat} busy={sending} onReply={(p) => void answer(p)} />
      {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
      <p role="status" className="cal-answer__sent">
        {sent ? t('calendar.answer.sent', { answer: t(`calendar.partstat.${sent}`) }) : ''}
      </p>
    </section>
  );
}
