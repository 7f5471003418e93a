// What everyone reads of an event: when (on the browser's clock), its zone
// when another, its repeat, where, who organizes it and who is invited
// (with their answers: to the occurrence opened, else to the series), its
// description as plain text. An occurrence of a recurring event opened
// shows its own times, place and description (those it was given apart,
// and where the series put it when moved); the series says how many of
// its occurrences were changed or cancelled apart. Shown in the event's
// dialog and on an invitation's answer page.
import type { CalendarEvent, CalendarInvitation, CalendarOccurrence } from '../../../api';
import { Tag } from '../../../components/Feedback';
import { Icon } from '../../../components/Icon';
import { listOf } from '../../../i18n/core';
import { useI18n } from '../../../i18n';
import { browserTimeZone } from '../../../util/timeZone';
import { whenText } from '../logic/format';
import { pickedOccurrence } from '../logic/invitations';
import { changesApart, isMoved, openedOccurrence } from '../logic/occurrences';
import { repeatOf } from '../logic/rrule';
import { EventPeople } from './Attendance';

/** An event as the JSON API gives it, or as an answer link does (no id, no kind, no changes apart). */
export type FactsOf = CalendarInvitation['event'] &
  Partial<
    Pick<
      CalendarEvent,
      'id' | 'kind' | 'instance_answers' | 'changed_occurrences' | 'cancelled_occurrences'
    >
  >;

export function EventFacts({
  event,
  occurrence = null,
  me,
}: {
  event: FactsOf;
  /** The occurrence clicked, when known (a recurring event's date). */
  occurrence?: CalendarOccurrence | null;
  /** The reader's address (said "you" among the people). */
  me?: string;
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
  const own = openedOccurrence(event, occurrence);
  const shown = own ?? event;
  const moved = own && isMoved(own) ? whenText(own.planned, locale) : null;
  const apart = changesApart(event);
  const apartText =
    own || !event.recurring
      ? ''
      : listOf(
          [
            apart.changed ? t('calendar.changed_apart', { count: apart.changed }) : '',
            apart.cancelled ? t('calendar.cancelled_apart', { count: apart.cancelled }) : '',
          ].filter(Boolean),
          locale,
        );
  const recurrenceId = pickedOccurrence(event, occurrence);
  const item = event.kind && event.kind !== 'event' ? event.kind : null;
  return (
    <div className="cal-facts">
      {item ? (
        <p>
          <Tag tone="accent">{t(`calendar.kind.${item}`)}</Tag>
        </p>
      ) : null}
      <dl className="cal-facts__list">
        <dt>
          <Icon name="clock" size={16} />
          <span className="visually-hidden">{t('calendar.when')}</span>
        </dt>
        <dd>
          {shown.start ? whenText(shown, locale) : t('calendar.no_date')}
          {shown.all_day ? <span className="muted"> · {t('calendar.all_day')}</span> : null}
          {moved ? (
            <span className="cal-facts__picked">
              {t('calendar.occurrence_moved', { date: moved })}
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
            <dd>
              {repeat}
              {apartText ? <span className="cal-facts__picked">{apartText}</span> : null}
            </dd>
          </>
        ) : null}
        {shown.location.trim() ? (
          <>
            <dt>
              <Icon name="mapPin" size={16} />
              <span className="visually-hidden">{t('calendar.location')}</span>
            </dt>
            <dd>{shown.location}</dd>
          </>
        ) : null}
        <EventPeople
          organizer={event.organizer}
          attendees={event.attendees}
          apart={event.instance_answers}
          recurrenceId={recurrenceId}
          me={me}
        />
      </dl>
      {shown.description.trim() ? (
        <p className="cal-facts__description">{shown.description}</p>
      ) : (
        <p className="muted">{t('calendar.no_description')}</p>
      )}
      {item ? <p className="cal-note">{t('calendar.kind_read_only')}</p> : null}
      <p className="muted cal-facts__updated">
        {t('calendar.updated_on', { date: dateTime(event.updated_at) })}
      </p>
    </div>
  );
}
