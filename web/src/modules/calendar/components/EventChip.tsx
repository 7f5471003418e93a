// One occurrence as a button: its start time (timed) and title, with, for
// screen readers, when it is, where, and the caller's answer when invited
// (hidden text after the visible one: its accessible name starts with what
// is seen, WCAG 2.5.3). An invitation not answered looks pending, "maybe"
// hatched, declined struck through (answerClass). Opens its details.
// Where several calendars share a grid (the person's own view), each
// occurrence takes its calendar's tone (ToneContext; useToneClass).
import { createContext, useContext } from 'react';
import type { CalendarOccurrence } from '../../../api';
import { useI18n } from '../../../i18n';
import { formatTime, whenText } from '../logic/format';
import { answerClass, knownPartstat } from '../logic/invitations';
import { continuesFrom, inAllDayRow, occurrenceKey } from '../logic/layout';

/** An occurrence's tone (cal-tone-{n}), or null; none provided: no tones (one calendar). */
export const ToneContext = createContext<((o: CalendarOccurrence) => number | null) | null>(null);

/** The tone class of an occurrence ('' without one). */
export function useToneClass(): (o: CalendarOccurrence) => string {
  const toneOf = useContext(ToneContext);
  return (o) => {
    const tone = toneOf?.(o);
    return tone === null || tone === undefined ? '' : `cal-tone-${tone}`;
  };
}

/** ", Invitation, not answered" when the caller is invited, else "". */
function useAnswerText(): (o: CalendarOccurrence) => string {
  const { t } = useI18n();
  return (o) => {
    const p = knownPartstat(o.partstat);
    return p ? t('calendar.chip_invitation', { answer: t(`calendar.chip_answer.${p}`) }) : '';
  };
}

/** An occurrence in words: "Réunion, jeudi 10 décembre 2026, 09:00 – 10:00, Salle 2" (tooltips). */
export function useOccurrenceLabel(): (o: CalendarOccurrence) => string {
  const { t, locale } = useI18n();
  const answer = useAnswerText();
  return (o) => {
    const title = o.title.trim() || t('calendar.untitled');
    const when = o.start ? whenText(o, locale) : t('calendar.no_date');
    return (
      (o.location.trim()
        ? t('calendar.chip_where', { title, when, location: o.location.trim() })
        : t('calendar.chip', { title, when })) + answer(o)
    );
  };
}

/**
 * What screen readers hear after an occurrence's visible text: ", jeudi 10
 * décembre 2026, 09:00 – 10:00, Salle 2", and ", Invitation, not answered"
 * when invited.
 */
export function OccurrenceDetail({ occurrence: o }: { occurrence: CalendarOccurrence }) {
  const { t, locale } = useI18n();
  const answer = useAnswerText();
  const when = o.start ? whenText(o, locale) : t('calendar.no_date');
  return (
    <span className="visually-hidden">
      {o.location.trim()
        ? t('calendar.chip_detail_where', { when, location: o.location.trim() })
        : t('calendar.chip_detail', { when })}
      {answer(o)}
    </span>
  );
}

export function EventChip({
  occurrence: o,
  day,
  onOpen,
  showTime = true,
  movable = false,
}: {
  occurrence: CalendarOccurrence;
  /** The day the chip is shown on (a chip after the first day says it goes on). */
  day: string;
  onOpen(o: CalendarOccurrence): void;
  showTime?: boolean;
  /** It may be dragged to another day (useDragMove). */
  movable?: boolean;
}) {
  const { t, locale } = useI18n();
  const label = useOccurrenceLabel();
  const tone = useToneClass();
  const wide = inAllDayRow(o);
  const goesOn = continuesFrom(o, day);
  const cls = [
    'cal-chip',
    wide ? 'cal-chip--all-day' : '',
    o.kind !== 'event' ? 'cal-chip--item' : '',
    answerClass(o),
    tone(o),
    goesOn ? 'cal-chip--continued' : '',
    movable ? 'cal-movable' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <button
      type="button"
      className={cls}
      title={label(o)}
      data-event-id={o.event_id}
      data-occurrence={occurrenceKey(o)}
      onClick={() => onOpen(o)}
    >
      {showTime && !wide && o.start && !goesOn ? (
        <>
          <span className="cal-chip__time">{formatTime(o.start, locale)}</span>{' '}
        </>
      ) : null}
      <span className="cal-chip__title">{o.title.trim() || t('calendar.untitled')}</span>
      {goesOn ? <span className="cal-chip__more"> ({t('calendar.continued')})</span> : null}
      <OccurrenceDetail occurrence={o} />
    </button>
  );
}
