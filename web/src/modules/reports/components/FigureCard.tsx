// A card of figures: the members', or a module's (each figure the module
// reports, named when this client knows it, else by its key).
import { useId } from 'react';
import { Icon, type IconName } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { MODULE_ICONS } from '../../../layout/Sidebar';
import { figureLabel, figuresOf, figureValue, moduleName } from '../logic/format';

interface Figure {
  key: string;
  label: string;
  value: string;
}

function Card({
  title,
  icon,
  module,
  figures,
}: {
  title: string;
  icon: IconName;
  module: string;
  figures: Figure[];
}) {
  const { t } = useI18n();
  const id = useId();
  return (
    <section className="card rep-card" aria-labelledby={id} data-module={module}>
      <h2 className="rep-card__title" id={id}>
        <Icon name={icon} size={18} />
        {title}
      </h2>
      {figures.length > 0 ? (
        <dl className="rep-figures">
          {figures.map((f) => (
            <div key={f.key} className="rep-figure" data-figure={f.key}>
              <dt className="rep-figure__label">{f.label}</dt>
              <dd className="rep-figure__value">{f.value}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="muted rep-card__none">{t('reports.no_figures')}</p>
      )}
    </section>
  );
}

export function MembersCard({ total, guests }: { total: number; guests: number }) {
  const { t, number } = useI18n();
  return (
    <Card
      title={t('reports.members')}
      icon="users"
      module="members"
      figures={[
        { key: 'total', label: t('reports.members.total'), value: number(total) },
        { key: 'guests', label: t('reports.members.guests'), value: number(guests) },
      ]}
    />
  );
}

export function ModuleCard({
  module,
  figures,
}: {
  module: string;
  figures: Readonly<Record<string, unknown>>;
}) {
  const { t, locale } = useI18n();
  return (
    <Card
      title={moduleName(t, module)}
      icon={MODULE_ICONS[module] ?? 'reports'}
      module={module}
      figures={figuresOf(figures).map(([key, n]) => ({
        key,
        label: figureLabel(t, key),
        value: figureValue(key, n, locale),
      }))}
    />
  );
}
