// /w/{id}/{module}: each module's issue fills this area in; until then a
// clear placeholder says what is coming.
import type { Workspace } from '../api';
import { Tag } from '../components/Feedback';
import { Icon } from '../components/Icon';
import { useI18n, type MessageKey } from '../i18n';
import { Page } from '../layout/Page';
import { MODULE_ICONS } from '../layout/Sidebar';
import type { PageProps } from '../app/routes';
import { ModuleGate } from './ModuleGate';

export default function ModulePage({ params }: PageProps) {
  const module = params.module ?? '';
  return (
    <ModuleGate workspaceId={params.id ?? ''} module={module}>
      {(w) => <Placeholder workspace={w} module={module} />}
    </ModuleGate>
  );
}

function Placeholder({ workspace, module }: { workspace: Workspace; module: string }) {
  const { t } = useI18n();
  const name = t(`module.${module}.name` as MessageKey);
  return (
    <Page title={name} subtitle={workspace.name}>
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
