// What everyone reads of an event: when (on the browser's clock), its zone
// when another, its repeat, where, who organizes it and who is invited
// (with their answers: to the occurrence opened, else to the series), its
// description as plain text. Shown in the event's dialog and on an
// invitation's answer page.
import type { CalendarEvent, CalendarInvitation, CalendarOccurrence } from '../../../api';
import { Tag } from '../../../components/Feedback';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { browserTimeZone } from '../logic/dates';
import { whenText } from '../logic/format';
import { pickedOccurrence } from '../logic/invitations';
import { repeatOf } from '../logic/rrule';
import { EventPeople } from './Attendance';

/** An event as the JSON API gives it, or as an answer link does (no id, no kind). */
export type FactsOf = CalendarInvitation['event'] &
  Partial<Pick<CalendarEvent, 'id' | 'kind' | 'instance_answers'>>;

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
  const picked =
    event.recurring && occurrence?.start && event.id && occurrence.event_id === event.id
      ? whenText(occurrence, locale)
      : null;
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
        <EventPeople
          organizer={event.organizer}
          attendees={event.attendees}
          apart={event.instance_answers}
          recurrenceId={recurrenceId}
          me={me}
        />
      </dl>
      {event.description.trim() ? (
        <p className="cal-facts__description">{event.description}</p>
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
