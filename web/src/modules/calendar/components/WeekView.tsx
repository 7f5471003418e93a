// The week: 7 day columns, Monday first (the day view: one), under the hours of the day (the
// grid scrolls; its head and all-day row stay). All-day occurrences (and
// timed ones of a day or more) sit in the row on top; the others are
// placed by time, side by side where they overlap. The days' buttons in the
// head are the grid's roving tab stop. A click on a free slot creates an
// event at that half hour, a day's button at 9:00 (writers; readers get
// the day's list). Writers drag a block to another day and time, a chip of
// the all-day row to another day (useDragMove).
import { useEffect, useRef, type CSSProperties } from 'react';
import type { CalendarOccurrence } from '../../../api';
import { useI18n } from '../../../i18n';
import { useNow } from '../hooks';
import { weekdayIndex, type DayKey } from '../logic/dates';
import { formatTime, formatTimeRange, hourLabels, weekdayNames } from '../logic/format';
import { answerClass } from '../logic/invitations';
import {
  inAllDayRow,
  MINUTES_PER_DAY,
  nowMinutes,
  occurrenceKey,
  timedLayout,
} from '../logic/layout';
import { EventChip, OccurrenceDetail, useOccurrenceLabel, useToneClass } from './EventChip';
import { DayButton, draggable, onFreeSpace, type GridProps } from './MonthView';
import { useDragMove } from './useDragMove';

/** Where the week opens, scrolled (the morning, its hour's label in sight). */
const FIRST_HOUR_SHOWN = 6.75;
/** A click creates at the half hour under it. */
const SLOT_MINUTES = 30;

const percent = (minutes: number) => `${(minutes / MINUTES_PER_DAY) * 100}%`;

export function WeekView(p: GridProps) {
  const { t, locale } = useI18n();
  const drag = useDragMove(p);
  const short = weekdayNames(locale, 'short');
  const hours = hourLabels(locale);
  const grid = useRef<HTMLDivElement>(null);
  const now = useNow();

  // Opened on the morning; the hours before are a scroll away.
  useEffect(() => {
    const g = grid.current;
    const body = g?.querySelector<HTMLElement>('.cal-week__day');
    if (g && body) g.scrollTop = (body.offsetHeight / 24) * FIRST_HOUR_SHOWN;
  }, []);

  return (
    <div
      ref={grid}
      className="cal-week"
      style={p.days.length === 7 ? undefined : ({ '--cal-days': p.days.length } as CSSProperties)}
      role="grid"
      aria-label={p.label}
      aria-describedby={p.hintId}
      onKeyDown={p.onKeyDown}
      onPointerDown={drag.onPointerDown}
      onClickCapture={drag.onClickCapture}
    >
      <div role="row" className="cal-week__row cal-week__head">
        <div role="columnheader" className="cal-week__gutter">
          <span className="visually-hidden">{t('calendar.hours')}</span>
        </div>
        {p.days.map((day) => (
          <div
            role="columnheader"
            key={day}
            className={day === p.today ? 'cal-week__day-head is-today' : 'cal-week__day-head'}
            onFocus={() => p.onFocusDay(day)}
          >
            <span className="cal-week__weekday" aria-hidden="true">
              {short[weekdayIndex(day)]}
            </span>
            <DayButton
              day={day}
              text={String(Number(day.slice(8)))}
              count={p.byDay.get(day)?.length ?? 0}
              {...p}
            />
          </div>
        ))}
      </div>
      <div role="row" className="cal-week__row cal-week__all-day">
        <div role="rowheader" className="cal-week__gutter cal-week__gutter--label">
          {t('calendar.all_day')}
        </div>
        {p.days.map((day) => {
          const list = (p.byDay.get(day) ?? []).filter(inAllDayRow);
          return (
            <div
              role="gridcell"
              key={day}
              className={
                day === p.today ? 'cal-week__all-day-cell is-today' : 'cal-week__all-day-cell'
              }
              data-drop-day={day}
              onClick={(e) => {
                if (p.canWrite && onFreeSpace(e)) p.onCreate(day);
              }}
            >
              {list.length ? (
                <ul className="cal-day__events">
                  {list.map((o) => (
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
            </div>
          );
        })}
      </div>
      <div role="row" className="cal-week__row cal-week__body">
        <div role="rowheader" className="cal-week__gutter cal-week__hours">
          <span className="visually-hidden">{t('calendar.hours')}</span>
          {hours.map((h, i) => (
            <span key={h} className="cal-week__hour" aria-hidden="true">
              {i > 0 ? h : ''}
            </span>
          ))}
        </div>
        {p.days.map((day) => (
          <DayColumn key={day} day={day} now={now} {...p} />
        ))}
      </div>
    </div>
  );
}

function DayColumn({ day, now, ...p }: GridProps & { day: DayKey; now: Date }) {
  const { t, locale } = useI18n();
  const label = useOccurrenceLabel();
  const tone = useToneClass();
  const drags = (o: CalendarOccurrence) => draggable(p, o);
  const list = p.byDay.get(day) ?? [];
  const blocks = timedLayout(list, day);
  const nowAt = nowMinutes(day, now);
  const cls = [
    'cal-week__day',
    day === p.today ? 'is-today' : '',
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
        if (!p.canWrite || !onFreeSpace(e)) return;
        const box = e.currentTarget.getBoundingClientRect();
        const at = box.height > 0 ? ((e.clientY - box.top) / box.height) * MINUTES_PER_DAY : 540;
        p.onCreate(day, Math.floor(at / SLOT_MINUTES) * SLOT_MINUTES);
      }}
    >
      {blocks.map((b) => {
        const o: CalendarOccurrence = b.occurrence;
        const short = b.bottom - b.top < 45;
        return (
          <button
            type="button"
            key={`${o.event_id}|${o.recurrence_id ?? o.start ?? ''}`}
            className={[
              'cal-block',
              short ? 'cal-block--short' : '',
              o.kind !== 'event' ? 'cal-chip--item' : '',
              answerClass(o),
              tone(o),
              drags(o) ? 'cal-movable' : '',
            ]
              .filter(Boolean)
              .join(' ')}
            style={{
              top: percent(b.top),
              height: percent(b.bottom - b.top),
              left: `${(b.lane / b.lanes) * 100}%`,
              width: `${100 / b.lanes}%`,
            }}
            title={label(o)}
            data-event-id={o.event_id}
            data-occurrence={occurrenceKey(o)}
            onClick={() => p.onOpen(o, day)}
          >
            <span className="cal-block__time">
              {o.start && o.end && !b.fromBefore
                ? short
                  ? formatTime(o.start, locale)
                  : formatTimeRange(o.start, o.end, locale)
                : ''}
            </span>{' '}
            <span className="cal-block__title">{o.title.trim() || t('calendar.untitled')}</span>
            {!short && o.location.trim() ? (
              <>
                {' '}
                <span className="cal-block__where">{o.location}</span>
              </>
            ) : null}
            <OccurrenceDetail occurrence={o} />
            {drags(o) && !b.goesOn ? (
              <span className="cal-block__resize" aria-hidden="true" />
            ) : null}
          </button>
        );
      })}
      {nowAt !== null ? (
        <span className="cal-week__now" style={{ top: percent(nowAt) }} aria-hidden="true" />
      ) : null}
    </div>
  );
}
