// Left navigation: home, the person's own calendar, their workspaces with
// unread badges; inside the open workspace, its modules (with their own
// badges) and settings.
import type { Workspace } from '../api';
import { isModuleName } from '../api/types';
import { Badge } from '../components/Feedback';
import { Icon, type IconName } from '../components/Icon';
import { useI18n, type MessageKey } from '../i18n';
import { useUnread } from '../notifications/unread';
import { Link, matchPath, usePathname } from '../router/router';
import { useMe } from '../session';
import { useWorkspaces } from '../workspaces';

export const MODULE_ICONS: Record<string, IconName> = {
  chat: 'chat',
  calls: 'calls',
  files: 'files',
  tasks: 'tasks',
  calendar: 'calendar',
  reports: 'reports',
};

export function moduleLabelKey(m: string): MessageKey {
  return isModuleName(m) ? (`module.${m}.name` as MessageKey) : 'module.unknown';
}

/** A deeper page of a workspace (/w/:id/chat/:channel). */
function inside(pathname: string): { id: string } | null {
  const m = /^\/w\/([^/]+)\/[^/]+\/.+/.exec(pathname);
  if (!m?.[1]) return null;
  try {
    return { id: decodeURIComponent(m[1]) };
  } catch {
    return null;
  }
}

export function canManage(w: Pick<Workspace, 'role'>): boolean {
  return w.role === 'owner' || w.role === 'admin';
}

export function Sidebar({ onNavigate }: { onNavigate?: () => void }) {
  const { workspaces, loading } = useWorkspaces();
  const me = useMe();
  const { t } = useI18n();
  const pathname = usePathname();
  const current =
    matchPath('/w/:id', pathname) ?? matchPath('/w/:id/:rest', pathname) ?? inside(pathname);
  const active = workspaces.filter((w) => !w.archived);

  return (
    <nav className="sidebar" aria-label={t('nav.workspaces')}>
      <div className="sidebar__top">
        <Link
          to="/"
          className="sidebar__home"
          aria-current={pathname === '/' ? 'page' : undefined}
          onClick={onNavigate}
        >
          <Icon name="home" size={18} />
          {t('nav.home')}
        </Link>
        <Link
          to="/calendar"
          className="sidebar__home"
          aria-current={
            pathname === '/calendar' || pathname.startsWith('/calendar/') ? 'page' : undefined
          }
          onClick={onNavigate}
        >
          <Icon name="calendar" size={18} />
          {t('nav.calendar')}
        </Link>
      </div>
      <div className="sidebar__heading">
        <h2 id="sidebar-workspaces">{t('nav.workspaces')}</h2>
        {me.role !== 'guest' ? (
          <Link
            to="/new"
            className="icon-btn"
            onClick={onNavigate}
            aria-label={t('nav.new_workspace')}
            title={t('nav.new_workspace')}
          >
            <Icon name="plus" size={18} />
          </Link>
        ) : null}
      </div>
      {!loading && active.length === 0 ? (
        <p className="sidebar__empty">{t('nav.no_workspaces')}</p>
      ) : null}
      <ul className="sidebar__list" aria-labelledby="sidebar-workspaces">
        {active.map((w) => (
          <WorkspaceItem
            key={w.id}
            w={w}
            open={current?.id === w.id}
            pathname={pathname}
            onNavigate={onNavigate}
          />
        ))}
      </ul>
    </nav>
  );
}

function WorkspaceItem({
  w,
  open,
  pathname,
  onNavigate,
}: {
  w: Workspace;
  open: boolean;
  pathname: string;
  onNavigate?: () => void;
}) {
  const { t } = useI18n();
  const counts = useUnread(w.id);
  const home = `/w/${w.id}`;
  return (
    <li className={open ? 'ws-item ws-item--open' : 'ws-item'}>
      <Link
        to={home}
        className="ws-item__link"
        aria-current={pathname === home ? 'page' : undefined}
        onClick={onNavigate}
      >
        <span className="ws-item__mark" aria-hidden="true">
          {w.name.trim().charAt(0).toUpperCase() || '?'}
        </span>
        <span className="ws-item__name">{w.name}</span>
        {w.armoured ? (
          <Icon name="lock" size={14} className="ws-lock" label={t('ws.armoured')} />
        ) : null}
        {!open ? (
          <Badge count={counts.total} label={t('nav.unread', { count: counts.total })} />
        ) : null}
      </Link>
      {open ? (
        <ul className="ws-item__modules">
          {w.modules.map((m) => {
            const to = `/w/${w.id}/${m}`;
            const n = counts.modules[m] ?? 0;
            return (
              <li key={m}>
                <Link
                  to={to}
                  className="ws-item__module"
                  aria-current={
                    pathname === to ? 'page' : pathname.startsWith(`${to}/`) ? 'true' : undefined
                  }
                  onClick={onNavigate}
                >
                  <Icon name={MODULE_ICONS[m] ?? 'chevronRight'} size={16} />
                  <span>{t(moduleLabelKey(m))}</span>
                  <Badge count={n} label={t('nav.unread', { count: n })} />
                </Link>
              </li>
            );
          })}
          {canManage(w) ? (
            <li>
              <Link
                to={`${home}/settings`}
                className="ws-item__module"
                aria-current={pathname === `${home}/settings` ? 'page' : undefined}
                onClick={onNavigate}
              >
                <Icon name="settings" size={16} />
                <span>{t('nav.settings')}</span>
              </Link>
            </li>
          ) : null}
        </ul>
      ) : null}
    </li>
  );
}
