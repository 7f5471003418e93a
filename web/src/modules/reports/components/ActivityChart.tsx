// The activity by day as an inline SVG bar chart: one bar per UTC day,
// stacked by module (a legend names the colours), each bar's <title> its
// day and count for a pointer. Screen readers get a summary as the image's
// name and every active day in a table (hidden unless asked for). No chart
// library: the bundle stays small.
import { useId, useState } from 'react';
import type { ReportDay } from '../../../api';
import { Button } from '../../../components/Button';
import { EmptyState } from '../../../components/Feedback';
import { useI18n } from '../../../i18n';
import {
  BAR_WIDTH,
  barsOf,
  CHART_HEIGHT,
  colourOf,
  peakOf,
  scaleTop,
  seriesOf,
  SLOT,
  totalOf,
  type Bar,
} from '../logic/chart';
import { dayLabel, moduleName } from '../logic/format';

export function ActivityChart({ activity }: { activity: readonly ReportDay[] }) {
  const { t, locale, number } = useI18n();
  const hid = useId();
  const [tableShown, setTableShown] = useState(false);
  const series = seriesOf(activity);
  const total = totalOf(activity);
  const peak = peakOf(activity);
  const top = scaleTop(peak?.total ?? 0);
  const bars = barsOf(activity, series, top);
  const actions = (count: number) => t('reports.actions', { count });
  const first = activity[0]?.day ?? '';
  const last = activity[activity.length - 1]?.day ?? '';

  const barTitle = (b: Bar) => {
    const day = dayLabel(b.day, locale, true);
    const detail = b.segments
      .filter((s) => s.module)
      .map((s) => `${moduleName(t, s.module)} ${number(s.value)}`);
    return detail.length > 0
      ? t('reports.bar_detail', { day, count: actions(b.total), detail: detail.join(', ') })
      : t('reports.bar', { day, count: actions(b.total) });
  };

  // Shown, the table may scroll sideways: a stop for the keyboard.
  const tableRegion = tableShown
    ? { tabIndex: 0, role: 'region', 'aria-label': t('reports.table') }
    : {};

  const summary = [
    t('reports.activity_summary', {
      title: t('reports.activity'),
      from: dayLabel(first, locale),
      to: dayLabel(last, locale),
      total: actions(total),
    }),
    peak
      ? t('reports.activity_peak', {
          day: dayLabel(peak.day, locale, true),
          count: actions(peak.total),
        })
      : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <section className="card rep-activity" aria-labelledby={hid}>
      <div className="rep-activity__header">
        <h2 className="rep-activity__title" id={hid}>
          {t('reports.activity')}
        </h2>
        {total > 0 ? (
          <Button
            size="sm"
            variant="ghost"
            icon="menu"
            aria-pressed={tableShown}
            onClick={() => setTableShown((v) => !v)}
          >
            {t('reports.table_show')}
          </Button>
        ) : null}
      </div>
      {total === 0 ? (
        <EmptyState icon="reports" title={t('reports.activity_empty')} />
      ) : (
        <>
          <div className="rep-chart">
            <div className="rep-chart__scale" aria-hidden="true">
              <span>{number(top)}</span>
              <span>{number(top / 2)}</span>
              <span>{number(0)}</span>
            </div>
            <svg
              className="rep-chart__svg"
              viewBox={`0 0 ${bars.length * SLOT} ${CHART_HEIGHT}`}
              preserveAspectRatio="none"
              role="img"
              aria-label={summary}
              focusable="false"
            >
              {[0, CHART_HEIGHT / 2].map((y) => (
                <line
                  key={y}
                  className="rep-chart__grid"
                  x1={0}
                  x2={bars.length * SLOT}
                  y1={y}
                  y2={y}
                />
              ))}
              {bars.map((b, i) => (
                <g key={b.day} className="rep-bar" data-day={b.day} data-total={b.total}>
                  <title>{barTitle(b)}</title>
                  <rect
                    className="rep-bar__slot"
                    x={i * SLOT}
                    y={0}
                    width={SLOT}
                    height={CHART_HEIGHT}
                  />
                  {b.segments.map((s) => (
                    <rect
                      key={s.module}
                      className={`rep-bar__part rep-c-${colourOf(s.module)}`}
                      data-module={s.module}
                      x={b.x}
                      y={s.y}
                      width={BAR_WIDTH}
                      height={s.height}
                    />
                  ))}
                </g>
              ))}
              <line
                className="rep-chart__axis"
                x1={0}
                x2={bars.length * SLOT}
                y1={CHART_HEIGHT}
                y2={CHART_HEIGHT}
              />
            </svg>
            <div className="rep-chart__days" aria-hidden="true">
              <span>{dayLabel(first, locale)}</span>
              <span>{dayLabel(last, locale)}</span>
            </div>
          </div>
          {series.length > 0 ? (
            <ul className="rep-legend" aria-label={t('reports.legend')}>
              {series.map((m) => (
                <li key={m} className="rep-legend__item">
                  <span className={`rep-legend__swatch rep-c-${colourOf(m)}`} aria-hidden="true" />
                  {moduleName(t, m)}
                </li>
              ))}
            </ul>
          ) : null}
          <div className={tableShown ? 'table-wrap rep-table' : 'visually-hidden'} {...tableRegion}>
            <table className="table table--compact">
              <caption className={tableShown ? 'rep-table__caption' : undefined}>
                {t('reports.table')}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('reports.day')}</th>
                  <th scope="col">{t('reports.total')}</th>
                  {series.map((m) => (
                    <th key={m} scope="col">
                      {moduleName(t, m)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {activity
                  .filter((d) => d.total > 0)
                  .map((d) => (
                    <tr key={d.day}>
                      <th scope="row">{dayLabel(d.day, locale, true)}</th>
                      <td>{number(d.total)}</td>
                      {series.map((m) => (
                        <td key={m}>{number(d.by_module?.[m] ?? 0)}</td>
                      ))}
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
