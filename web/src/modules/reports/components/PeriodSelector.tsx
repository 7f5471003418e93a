// The period: the last 7, 30, 90 or 365 days (pressed: the one shown).
import { useI18n } from '../../../i18n';
import { PERIODS } from '../logic/period';

export function PeriodSelector({ days, onChange }: { days: number; onChange(days: number): void }) {
  const { t } = useI18n();
  return (
    <div className="rep-period" role="group" aria-label={t('reports.period')}>
      {PERIODS.map((n) => (
        <button
          key={n}
          type="button"
          className="rep-period__option"
          aria-pressed={days === n}
          onClick={() => onChange(n)}
        >
          {t('reports.period_days', { count: n })}
        </button>
      ))}
    </div>
  );
}
