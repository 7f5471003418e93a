// Above the grid: previous / today / next, the period's title (announced
// when it changes), and the month / week / day switch.
import { Button } from '../../../components/Button';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import type { View } from '../logic/dates';

export function Toolbar({
  view,
  title,
  onPrevious,
  onToday,
  onNext,
  onView,
}: {
  view: View;
  title: string;
  onPrevious(): void;
  onToday(): void;
  onNext(): void;
  onView(v: View): void;
}) {
  const { t } = useI18n();
  const previous = t(`calendar.previous.${view}`);
  const next = t(`calendar.next.${view}`);
  return (
    <div className="cal-toolbar">
      <div className="cal-toolbar__nav" role="group" aria-label={t('calendar.navigation')}>
        <button
          type="button"
          className="icon-btn cal-toolbar__arrow"
          onClick={onPrevious}
          aria-label={previous}
          title={previous}
        >
          <Icon name="chevronLeft" size={18} />
        </button>
        <Button size="sm" onClick={onToday}>
          {t('calendar.today')}
        </Button>
        <button
          type="button"
          className="icon-btn cal-toolbar__arrow"
          onClick={onNext}
          aria-label={next}
          title={next}
        >
          <Icon name="chevronRight" size={18} />
        </button>
      </div>
      <h2 className="cal-toolbar__title" aria-live="polite">
        {title}
      </h2>
      <div className="cal-toolbar__views" role="group" aria-label={t('calendar.view')}>
        {(['month', 'week', 'day'] as const).map((v) => (
          <button
            key={v}
            type="button"
            className="cal-toolbar__view"
            aria-pressed={view === v}
            onClick={() => onView(v)}
          >
            {t(`calendar.view.${v}`)}
          </button>
        ))}
      </div>
    </div>
  );
}
