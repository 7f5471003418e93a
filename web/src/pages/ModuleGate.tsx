// What every module's page shows before its screen: a spinner while the
// workspaces load, "not found", or the module not turned on in the workspace.
import type { ReactNode } from 'react';
import { isModuleName, type Workspace } from '../api';
import { EmptyState, Spinner } from '../components/Feedback';
import { useI18n, type MessageKey } from '../i18n';
import { Page } from '../layout/Page';
import { Link } from '../router/router';
import { useWorkspaces } from '../workspaces';
import NotFoundPage from './NotFoundPage';

/** The module is not turned on (or not readable): a lock, and the way back to the workspace. */
export function ModuleOff({ workspace }: { workspace: Workspace }) {
  const { t } = useI18n();
  return (
    <EmptyState icon="lock" title={t('module.not_enabled')}>
      <Link to={`/w/${workspace.id}`}>{t('module.back_home', { workspace: workspace.name })}</Link>
    </EmptyState>
  );
}

/**
 * Renders `children` with workspace `workspaceId` when it has `module`
 * turned on; otherwise a spinner (workspaces loading), the not-found page
 * (no such workspace, or no such module), or a page titled with the
 * module's name that says it is not turned on.
 */
export function ModuleGate({
  workspaceId,
  module,
  children,
}: {
  workspaceId: string;
  module: string;
  children: (workspace: Workspace) => ReactNode;
}) {
  const { t } = useI18n();
  const { byId, loading } = useWorkspaces();
  const w = byId(workspaceId);
  if (!w && loading) return <Spinner label={t('common.loading')} />;
  if (!w || !isModuleName(module)) return <NotFoundPage />;
  if (!w.modules.includes(module)) {
    return (
      <Page title={t(`module.${module}.name` as MessageKey)} subtitle={w.name}>
        <ModuleOff workspace={w} />
      </Page>
    );
  }
  return children(w);
}
