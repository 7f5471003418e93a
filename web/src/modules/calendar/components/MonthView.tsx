// The month: a grid of 6 weeks, Monday first (role="grid": one tab stop,
// the focused day's number, arrows move between days). Each day lists its
// occurrences as chips, all day first, and "+N" when there are more than it
// has room for (the day's list opens). A click on a day's free space, or on
// its number, creates an all-day event there (writers; readers get the
// day's list from the number). Writers drag a chip to another day
// (useDragMove).
import type { KeyboardEvent, MouseEvent } from 'react';
import type { CalendarOccurrence } from '../../../api';
import { useI18n } from '../../../i18n';
import { dayStart, samePeriod, weekdayIndex, type DayKey } from '../logic/dates';
import { dayLabel, monthShort, weekdayNames } from '../logic/format';
import { visibleChips } from '../logic/layout';
import { movable, type Moved } from '../logic/move';
import { EventChip } from './EventChip';
import { useDragMove } from './useDragMove';

/** Chips a day has room for ("+N" takes the last place when there are more). */
export const MONTH_CHIPS = 3;

export interface GridProps {
  /** The days shown, in order. */
  days: readonly DayKey[];
  /** Occurrences per day, in the day's order. */
  byDay: ReadonlyMap<DayKey, CalendarOccurrence[]>;
  /** The day whose button is the grid's one tab stop. */
  cursor: DayKey;
  today: DayKey;
  canWrite: boolean;
  label: string;
  hintId: string;
  onKeyDown(e: KeyboardEvent<HTMLElement>): void;
  /** A day got the focus (a click, a chip's Tab). */
  onFocusDay(day: DayKey): void;
  onOpen(o: CalendarOccurrence, day: DayKey): void;
  /** Writers: a new event on the day (at `minutes` after midnight, or all day). */
  onCreate(day: DayKey, minutes?: number): void;
  onShowDay(day: DayKey): void;
  /** A day's own button: a new event there (writers), or its list (readers). */
  onPickDay(day: DayKey): void;
  /** Writers: an occurrence dragged to another day or time (useDragMove); none: no dragging. */
  onMove?(o: CalendarOccurrence, m: Moved): void;
  /** Which occurrences may be dragged (every movable one when not given: logic/move.ts). */
  canMove?(o: CalendarOccurrence): boolean;
}

/**
 * A day's button, the grid's roving tab stop (data-focus-day): its visible
 * number is in its name, with the day in full and how many events it has.
 */
export function DayButton({
  day,
  text,
  count,
  ...p
}: Pick<GridProps, 'cursor' | 'today' | 'onPickDay'> & {
  day: DayKey;
  text: string;
  count: number;
}) {
  const { t, locale } = useI18n();
  return (
    <button
      type="button"
      className="cal-day__number"
      tabIndex={day === p.cursor ? 0 : -1}
      data-focus-day={day}
      aria-label={t(day === p.today ? 'calendar.day_button_today' : 'calendar.day_button', {
        day: dayLabel(day, locale),
        events: t('calendar.events_count', { count }),
      })}
      onClick={() => p.onPickDay(day)}
    >
      {text}
    </button>
  );
}

/** Whether `o` may be dragged on this grid (useDragMove). */
export function draggable(
  p: Pick<GridProps, 'canWrite' | 'onMove' | 'canMove'>,
  o: CalendarOccurrence,
) {
  return !!p.onMove && p.canWrite && movable(o) && (!p.canMove || p.canMove(o));
}

/** A click on a day's own space, not on one of its buttons. */
export function onFreeSpace(e: MouseEvent<HTMLElement>): boolean {
  return !(e.target as HTMLElement).closest('button, a, input');
}

export function MonthView(p: GridProps) {
  const { locale } = useI18n();
  const drag = useDragMove(p);
  const short = weekdayNames(locale, 'short');
  const long = weekdayNames(locale, 'long');
  const weeks: DayKey[][] = [];
  for (let i = 0; i < p.days.length; i += 7) weeks.push(p.days.slice(i, i + 7));
  return (
    <div
      className="cal-month"
      role="grid"
      aria-label={p.label}
      aria-describedby={p.hintId}
      onKeyDown={p.onKeyDown}
      onPointerDown={drag.onPointerDown}
      onClickCapture={drag.onClickCapture}
    >
      <div role="row" className="cal-month__head">
        {short.map((s, i) => (
          <div role="columnheader" key={s} className="cal-month__weekday">
            <span aria-hidden="true">{s}</span>
            <span className="visually-hidden">{long[i]}</span>
          </div>
        ))}
      </div>
      {weeks.map((week) => (
        <div role="row" key={week[0]} className="cal-month__week">
          {week.map((day) => (
            <MonthCell key={day} day={day} {...p} />
          ))}
        </div>
      ))}
    </div>
  );
}

function MonthCell({ day, ...p }: GridProps & { day: DayKey }) {
  const { t, locale } = useI18n();
  const list = p.byDay.get(day) ?? [];
  const { shown, more } = visibleChips(list, MONTH_CHIPS);
  const date = dayStart(day);
  const outside = !samePeriod('month', day, p.cursor);
  const cls = [
    'cal-day',
    outside ? 'cal-day--outside' : '',
    day === p.today ? 'cal-day--today' : '',
    weekdayIndex(day) >= 5 ? 'cal-day--weekend' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div
      role="gridcell"
      className={cls}
      data-day={day}
      data-drop-day={day}
      onFocus={() => p.onFocusDay(day)}
      onClick={(e) => {
        if (p.canWrite && onFreeSpace(e)) p.onCreate(day);
      }}
    >
      <span className="cal-day__head">
        {date.getDate() === 1 ? (
          <span className="cal-day__month" aria-hidden="true">
            {monthShort(day, locale)}
          </span>
        ) : null}
        <DayButton day={day} text={String(date.getDate())} count={list.length} {...p} />
      </span>
      {shown.length ? (
        <ul className="cal-day__events">
          {shown.map((o) => (
            <li key={`${o.event_id}|${o.recurrence_id ?? o.start ?? ''}`}>
              <EventChip
                occurrence={o}
                day={day}
                onOpen={(x) => p.onOpen(x, day)}
                movable={draggable(p, o)}
              />
            </li>
          ))}
        </ul>
      ) : null}
      {more > 0 ? (
        <button type="button" className="cal-day__more" onClick={() => p.onShowDay(day)}>
          {t('calendar.more', { count: more })}
          <span className="visually-hidden">
            {' '}
            {t('calendar.more_on', { day: dayLabel(day, locale) })}
          </span>
        </button>
      ) : null}
    </div>
  );
}
