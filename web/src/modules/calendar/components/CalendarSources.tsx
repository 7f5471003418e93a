// Beside the person's own view (/calendar): the calendars it gathers —
// theirs, each workspace's, each one they subscribed to, their tasks, the
// invitations from elsewhere — each with its tone and a box that shows or hides it
// (remembered in this browser: logic/sources.ts). Subscriptions are added
// and managed on the profile page.
import { Checkbox } from '../../../components/Field';
import { useI18n } from '../../../i18n';
import { Link } from '../../../router/router';
import type { Source, SourceKey } from '../logic/sources';

export function CalendarSources({
  sources,
  hidden,
  onToggle,
}: {
  sources: readonly Source[];
  hidden: ReadonlySet<SourceKey>;
  onToggle(key: SourceKey, shown: boolean): void;
}) {
  const { t } = useI18n();
  const nameOf = (s: Source) =>
    s.kind === 'personal'
      ? t('calendar.personal')
      : s.kind === 'invitations'
        ? t('calendar.mine.invitations')
        : s.kind === 'tasks'
          ? t('calendar.mine.tasks')
          : s.name;
  return (
    <section className="cal-sources" aria-labelledby="cal-sources-title">
      <h2 id="cal-sources-title" className="cal-sources__title">
        {t('calendar.mine.calendars')}
      </h2>
      <ul className="cal-sources__list">
        {sources.map((s) => (
          <li key={s.key} className="cal-sources__item">
            <Checkbox
              checked={!hidden.has(s.key)}
              onChange={(e) => onToggle(s.key, e.target.checked)}
              label={
                <>
                  <span
                    className={['cal-sources__swatch', s.tone === null ? '' : `cal-tone-${s.tone}`]
                      .filter(Boolean)
                      .join(' ')}
                    aria-hidden="true"
                  />
                  <span className="cal-sources__name" title={nameOf(s)}>
                    {nameOf(s)}
                  </span>
                </>
              }
            />
          </li>
        ))}
      </ul>
      <p className="cal-sources__more">
        <Link to="/me#subscriptions">{t('calendar.mine.manage_subscriptions')}</Link>
      </p>
    </section>
  );
}
