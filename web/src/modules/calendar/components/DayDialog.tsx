// A day's every occurrence, when its month cell had no room for them all
// ("+N"): each opens; writers add one on that day.
import type { CalendarOccurrence } from '../../../api';
import { Button } from '../../../components/Button';
import { Modal } from '../../../components/Dialog';
import { useI18n } from '../../../i18n';
import type { DayKey } from '../logic/dates';
import { capitalized, dayLabel, formatTimeRange } from '../logic/format';
import { answerClass } from '../logic/invitations';
import { inAllDayRow } from '../logic/layout';
import { OccurrenceDetail, useOccurrenceLabel, useToneClass } from './EventChip';

export function DayDialog({
  day,
  occurrences,
  canWrite,
  onOpen,
  onCreate,
  onClose,
}: {
  day: DayKey;
  occurrences: readonly CalendarOccurrence[];
  canWrite: boolean;
  onOpen(o: CalendarOccurrence): void;
  onCreate(): void;
  onClose(): void;
}) {
  const { t, locale } = useI18n();
  const label = useOccurrenceLabel();
  const tone = useToneClass();
  return (
    <Modal
      title={capitalized(dayLabel(day, locale), locale)}
      onClose={onClose}
      className="cal-dialog"
    >
      {occurrences.length === 0 ? <p className="muted">{t('calendar.day_empty')}</p> : null}
      <ul className="cal-day-list">
        {occurrences.map((o) => (
          <li key={`${o.event_id}|${o.recurrence_id ?? o.start ?? ''}`}>
            <button
              type="button"
              className={['cal-day-list__item', answerClass(o), tone(o)].filter(Boolean).join(' ')}
              title={label(o)}
              onClick={() => onOpen(o)}
            >
              <span className="cal-day-list__time">
                {inAllDayRow(o) || !o.start || !o.end
                  ? t('calendar.all_day')
                  : formatTimeRange(o.start, o.end, locale)}
              </span>{' '}
              <span className="cal-day-list__title">
                {o.title.trim() || t('calendar.untitled')}
              </span>
              <OccurrenceDetail occurrence={o} />
            </button>
          </li>
        ))}
      </ul>
      <div className="dialog__actions">
        {canWrite ? (
          <Button icon="plus" onClick={onCreate}>
            {t('calendar.new')}
          </Button>
        ) : null}
        <Button variant="primary" onClick={onClose}>
          {t('calendar.close')}
        </Button>
      </div>
    </Modal>
  );
}
