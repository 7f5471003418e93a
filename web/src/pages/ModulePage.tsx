// /w/{id}/{module}: each module's issue fills this area in; until then a
// clear placeholder says what is coming.
import { isModuleName } from '../api';
import { EmptyState, Spinner, Tag } from '../components/Feedback';
import { Icon } from '../components/Icon';
import { useI18n, type MessageKey } from '../i18n';
import { Page } from '../layout/Page';
import { MODULE_ICONS } from '../layout/Sidebar';
import { Link } from '../router/router';
import { useWorkspaces } from '../workspaces';
import type { PageProps } from '../app/routes';
import NotFoundPage from './NotFoundPage';

export default function ModulePage({ params }: PageProps) {
  const { t } = useI18n();
  const { byId, loading } = useWorkspaces();
  const id = params.id ?? '';
  const module = params.module ?? '';
  const w = byId(id);
  if (!w && loading) return <Spinner label={t('common.loading')} />;
  if (!w || !isModuleName(module)) return <NotFoundPage />;
  const name = t(`module.${module}.name` as MessageKey);
  if (!w.modules.includes(module)) {
    return (
      <Page title={name} subtitle={w.name}>
        <EmptyState icon="lock" title={t('module.not_enabled')}>
          <Link to={`/w/${w.id}`}>{t('module.back_home', { workspace: w.name })}</Link>
        </EmptyState>
      </Page>
    );
  }
  return (
    <Page title={name} subtitle={w.name}>
      <div className="card module-placeholder" data-module={module}>
        <span className="module-placeholder__icon" aria-hidden="true">
          <Icon name={MODULE_ICONS[module] ?? 'chevronRight'} size={32} />
        </span>
        <h2 className="module-placeholder__title">{t('module.coming', { module: name })}</h2>
        <p className="module-placeholder__body">{t(`module.${module}.details` as MessageKey)}</p>
        <Tag tone="accent">{t('module.soon')}</Tag>
      </div>
    </Page>
  );
}
