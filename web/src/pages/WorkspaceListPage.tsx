// "/": the instance's home page (Markdown from the administrators), the
// invitations waiting for the person, their workspaces, their open tasks
// and their next days' agenda.
import { lazy, Suspense } from 'react';
import type { Workspace } from '../api';
import { useBranding } from '../branding';
import { Badge, EmptyState, Spinner, Tag } from '../components/Feedback';
import { Icon } from '../components/Icon';
import { useI18n } from '../i18n';
import { Page } from '../layout/Page';
import { MODULE_ICONS, moduleLabelKey } from '../layout/Sidebar';
import { useUnread } from '../notifications/unread';
import { Link } from '../router/router';
import { useMe } from '../session';
import { useWorkspaces } from '../workspaces';
import { MyInvitations } from '../workspaces/Invited';

const Markdown = lazy(() => import('../markdown/SafeHtml'));
// The caller's open tasks, where a workspace has tasks (a chunk of the tasks module).
const MyTasks = lazy(() => import('../modules/tasks/components/MyTasks'));
// The next 7 days of the calendars the person reads and of their invitations
// (a chunk of the calendar module; it shows nothing where there is neither).
const Agenda = lazy(() => import('../modules/calendar/components/Agenda'));

export default function WorkspaceListPage() {
  const { t } = useI18n();
  const me = useMe();
  const { branding } = useBranding();
  const { workspaces, loading } = useWorkspaces();
  const active = workspaces.filter((w) => !w.archived);
  const archived = workspaces.filter((w) => w.archived);
  const canCreate = me.role !== 'guest';

  return (
    <Page
      title={t('home.title')}
      subtitle={t('home.greeting', { name: me.name })}
      actions={
        canCreate ? (
          <Link to="/new" className="btn btn--primary">
            <Icon name="plus" size={18} />
            {t('nav.new_workspace')}
          </Link>
        ) : null
      }
    >
      {branding.home_markdown ? (
        <div className="card home-page">
          <Suspense fallback={null}>
            <Markdown source={branding.home_markdown} />
          </Suspense>
        </div>
      ) : null}
      <MyInvitations />
      {loading && workspaces.length === 0 ? <Spinner label={t('common.loading')} /> : null}
      {!loading && active.length === 0 ? (
        <EmptyState
          icon="users"
          title={canCreate ? t('home.empty_title') : t('home.empty_guest')}
          action={
            canCreate ? (
              <Link to="/new" className="btn btn--primary">
                {t('home.empty_action')}
              </Link>
            ) : null
          }
        >
          {canCreate ? t('home.empty_body') : null}
        </EmptyState>
      ) : null}
      {active.length > 0 ? (
        <ul className="ws-grid" aria-label={t('nav.workspaces')}>
          {active.map((w) => (
            <WorkspaceCard key={w.id} w={w} />
          ))}
        </ul>
      ) : null}
      {active.length > 0 ? (
        <div className="home-cards">
          <Suspense fallback={null}>
            {active.some((w) => w.modules.includes('tasks')) ? <MyTasks /> : null}
            <Agenda />
          </Suspense>
        </div>
      ) : null}
      {archived.length > 0 ? (
        <>
          <h2 className="subheading">{t('home.archived')}</h2>
          <ul className="ws-grid ws-grid--archived" aria-label={t('home.archived')}>
            {archived.map((w) => (
              <WorkspaceCard key={w.id} w={w} />
            ))}
          </ul>
        </>
      ) : null}
    </Page>
  );
}

function WorkspaceCard({ w }: { w: Workspace }) {
  const { t } = useI18n();
  const counts = useUnread(w.id);
  return (
    <li className="ws-card card">
      <Link to={`/w/${w.id}`} className="ws-card__link">
        <span className="ws-card__mark" aria-hidden="true">
          {w.name.trim().charAt(0).toUpperCase() || '?'}
        </span>
        <span className="ws-card__name">{w.name}</span>
        {w.armoured ? (
          <Icon name="lock" size={16} className="ws-lock" label={t('ws.armoured')} />
        ) : null}
        <Badge count={counts.total} label={t('nav.unread', { count: counts.total })} />
      </Link>
      {w.description ? <p className="ws-card__description">{w.description}</p> : null}
      <div className="ws-card__meta">
        <ul className="ws-card__modules" aria-label={t('ws.modules')}>
          {w.modules.map((m) => (
            <li key={m} title={t(moduleLabelKey(m))}>
              <Icon
                name={MODULE_ICONS[m] ?? 'chevronRight'}
                size={16}
                label={t(moduleLabelKey(m))}
              />
            </li>
          ))}
        </ul>
        <Tag>{t(`role.${w.role}`)}</Tag>
      </div>
    </li>
  );
}
