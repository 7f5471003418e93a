// "Agenda" on the workspaces page: the next 7 days (today included) of
// every calendar the person reads, in one call (GET /me/calendar/events),
// by day, each entry a link to its workspace's calendar at that day (the
// personal calendar's entries, which the web client does not show
// elsewhere, are not links); an invitation not accepted says its answer
// ("Not answered", "Maybe", "Declined"). Kept fresh by the live calendar
// events.
// Shown by the workspaces page where a workspace has the calendar; nothing
// if the calendars cannot be read.
import '../../../styles/modules/calendar.css';
import { useEffect, useRef } from 'react';
import { api, type CalendarOccurrence } from '../../../api';
import { Tag } from '../../../components/Feedback';
import { useEvent } from '../../../events';
import { useI18n } from '../../../i18n';
import { Section } from '../../../layout/Page';
import { Link } from '../../../router/router';
import { useAsync } from '../../../util/useAsync';
import { useWorkspaces } from '../../../workspaces';
import { addDays, dayKey, dayStart, type DayKey } from '../logic/dates';
import { capitalized, formatTimeRange, shortDayLabel } from '../logic/format';
import { answerClass } from '../logic/invitations';
import { compareOccurrences, daysOf, inAllDayRow } from '../logic/layout';
import { calendarPath } from '../paths';
import { PartstatTag } from './Attendance';

/** Days shown, today included. */
export const AGENDA_DAYS = 7;
/** Entries listed; the rest are counted. */
export const AGENDA_SHOWN = 10;

/** The first `max` entries of the days, and how many were left out. */
export function firstEntries<T extends { items: readonly unknown[] }>(
  days: readonly T[],
  max: number,
): { days: T[]; left: number } {
  const out: T[] = [];
  let room = max;
  let left = 0;
  for (const d of days) {
    const items = d.items.slice(0, Math.max(0, room));
    room -= items.length;
    left += d.items.length - items.length;
    if (items.length) out.push({ ...d, items });
  }
  return { days: out, left };
}

/** The occurrences of the days from `today`, each on the first of them it covers, by day. */
export function agendaDays(
  list: readonly CalendarOccurrence[],
  today: DayKey,
  days = AGENDA_DAYS,
): { day: DayKey; items: CalendarOccurrence[] }[] {
  const last = addDays(today, days - 1);
  const out = new Map<DayKey, CalendarOccurrence[]>();
  for (const o of list) {
    const span = daysOf(o);
    if (!span || span.last < today || span.first > last) continue;
    const day = span.first < today ? today : span.first;
    out.set(day, [...(out.get(day) ?? []), o]);
  }
  return [...out.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([day, items]) => ({ day, items: items.sort(compareOccurrences) }));
}

async function nextDays(): Promise<{ today: DayKey; list: CalendarOccurrence[] }> {
  const today = dayKey(new Date());
  const from = dayStart(today).toISOString();
  const to = dayStart(addDays(today, AGENDA_DAYS)).toISOString();
  return { today, list: await api.calendar.mine(from, to) };
}

export default function Agenda() {
  const { t, locale } = useI18n();
  const { workspaces } = useWorkspaces();
  const { data, reload } = useAsync(nextDays, []);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  // Bursts of changes cause one reading.
  const soon = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      void reload();
    }, 300);
  };
  useEvent('calendar.*', soon);
  useEvent('hello', soon);

  if (!data) return null;
  const names = new Map(workspaces.map((w) => [w.id, w.name]));
  const known = data.list.filter((o) => o.workspace_id === null || names.has(o.workspace_id));

  const { days, left } = firstEntries(agendaDays(known, data.today), AGENDA_SHOWN);
  const dayTitle = (day: DayKey) =>
    day === data.today
      ? t('calendar.agenda_today')
      : day === addDays(data.today, 1)
        ? t('calendar.agenda_tomorrow')
        : capitalized(shortDayLabel(day, locale), locale);

  return (
    <Section
      title={t('calendar.agenda_title')}
      description={t('calendar.agenda_label')}
      id="agenda"
    >
      {days.length === 0 ? (
        <p className="muted">{t('calendar.agenda_empty')}</p>
      ) : (
        <ul className="agenda">
          {days.map(({ day, items: shown }) => (
            <li key={day}>
              <h3 className="agenda__day-title">{dayTitle(day)}</h3>
              <ul className="agenda__items">
                {shown.map((o) => (
                  <li
                    key={`${o.event_id}|${o.recurrence_id ?? o.start ?? ''}`}
                    className={['agenda__item', answerClass(o)].filter(Boolean).join(' ')}
                  >
                    <span className="agenda__time">
                      {inAllDayRow(o) || !o.start || !o.end
                        ? t('calendar.all_day')
                        : formatTimeRange(o.start, o.end, locale)}
                    </span>
                    <span className="agenda__what">
                      {o.workspace_id ? (
                        <Link
                          className="agenda__title"
                          to={calendarPath(o.workspace_id, { eventId: o.event_id, day })}
                        >
                          {o.title.trim() || t('calendar.untitled')}
                        </Link>
                      ) : (
                        <span className="agenda__title">
                          {o.title.trim() || t('calendar.untitled')}
                        </span>
                      )}{' '}
                      {o.workspace_id ? (
                        <span className="agenda__where">{names.get(o.workspace_id)}</span>
                      ) : (
                        <Tag>{t('calendar.personal')}</Tag>
                      )}
                      {o.partstat && o.partstat !== 'accepted' ? (
                        <PartstatTag partstat={o.partstat} />
                      ) : null}
                    </span>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
      {left > 0 ? <p className="muted">{t('calendar.agenda_more', { count: left })}</p> : null}
    </Section>
  );
}
