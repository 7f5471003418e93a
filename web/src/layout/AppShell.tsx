// The signed-in frame: top bar (instance brand, connection state, the
// search across modules, the notification centre's bell, account), left sidebar (workspaces), main
// area; live notifications, incoming calls (the ringing panel), calendar
// invitations' notices and mentions in task comments, whatever the page.
import { lazy, Suspense, useCallback, useEffect, useState, type ReactNode } from 'react';
import { preloadWorkspacePages } from '../app/routes';
import { Alert } from '../components/Feedback';
import { Icon } from '../components/Icon';
import { useI18n } from '../i18n';
import { LiveNotifications } from '../notifications/live';
import { unread } from '../notifications/unread';
import { IncomingCalls } from '../ringing/IncomingCalls';
import { Link, usePathname } from '../router/router';
import { useMe } from '../session';
import { WorkspacesProvider, useWorkspaces } from '../workspaces';
import { Brand } from './Brand';
import { ConnectionBanner } from './ConnectionBanner';
import { NoticeBell } from './NoticeBell';
import { SearchBox } from './SearchBox';
import { Sidebar } from './Sidebar';
import { UserMenu } from './UserMenu';
import { InvitedNotices } from '../workspaces/Invited';

/** How long after the shell shows its workspace pages are fetched at the latest. */
const IDLE_PRELOAD_MS = 2000;

// Modules' notices to this person, fetched with the shell but kept out of
// its chunk; a chunk that fails to load costs only its notices.
const quietly = (load: () => Promise<{ default: () => null }>) =>
  lazy(() => load().catch(() => ({ default: () => null })));
// The calendar's (invited, answered…) and the tasks' (mentioned in a comment).
const InvitationNotices = quietly(() => import('../modules/calendar/components/InvitationNotices'));
const TaskNotices = quietly(() => import('../modules/tasks/components/TaskNotices'));

export function AppShell({ children }: { children: ReactNode }) {
  const me = useMe();
  return (
    <WorkspacesProvider userId={me.id}>
      <Shell>{children}</Shell>
    </WorkspacesProvider>
  );
}

function Shell({ children }: { children: ReactNode }) {
  const me = useMe();
  const { t } = useI18n();
  const { byId } = useWorkspaces();
  const pathname = usePathname();
  const [navOpen, setNavOpen] = useState(false);
  const workspaceName = useCallback((id: string) => byId(id)?.name, [byId]);

  // Tell the unread store what is on screen (/w/:id, /w/:id/:module[/...]).
  useEffect(() => {
    const { workspace, module } = viewedIn(pathname);
    unread.setViewing(workspace, module === 'settings' ? null : module);
  }, [pathname]);

  useEffect(() => {
    if (!navOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setNavOpen(false);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navOpen]);

  // The workspace pages fetched once the app is idle (a production build's:
  // tests load pages themselves), so that each first visit shows at once.
  useEffect(() => {
    if (!import.meta.env.PROD) return;
    if (typeof window.requestIdleCallback !== 'function') {
      const t = window.setTimeout(() => void preloadWorkspacePages(), IDLE_PRELOAD_MS);
      return () => window.clearTimeout(t);
    }
    const handle = window.requestIdleCallback(() => void preloadWorkspacePages(), {
      timeout: IDLE_PRELOAD_MS,
    });
    return () => window.cancelIdleCallback(handle);
  }, []);

  useEffect(() => {
    const unviewed = () => {
      if (document.visibilityState === 'hidden') unread.setViewing(null, null);
    };
    document.addEventListener('visibilitychange', unviewed);
    return () => document.removeEventListener('visibilitychange', unviewed);
  }, []);

  return (
    <div className={navOpen ? 'app app--nav-open' : 'app'}>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <LiveNotifications workspaceName={workspaceName} />
      <IncomingCalls workspaceName={workspaceName} />
      <InvitedNotices />
      <Suspense fallback={null}>
        <InvitationNotices />
        <TaskNotices />
      </Suspense>
      <header className="topbar">
        <button
          type="button"
          className="icon-btn topbar__menu"
          aria-expanded={navOpen}
          aria-controls="app-sidebar"
          aria-label={t('nav.toggle')}
          onClick={() => setNavOpen((o) => !o)}
        >
          <Icon name="menu" />
        </button>
        <Link to="/" className="topbar__brand">
          <Brand />
        </Link>
        <ConnectionBanner />
        <div className="topbar__spacer" />
        <SearchBox />
        <NoticeBell />
        <UserMenu />
      </header>
      <div className="app__body">
        <div id="app-sidebar" className="app__sidebar">
          <Sidebar onNavigate={() => setNavOpen(false)} />
        </div>
        {navOpen ? (
          <div className="app__backdrop" aria-hidden="true" onClick={() => setNavOpen(false)} />
        ) : null}
        <main id="main" className="app__main" tabIndex={-1}>
          {me.mfa_required && !me.totp_enabled ? (
            <div className="app__notice">
              <Alert kind="warning" title={t('mfa.required_title')}>
                <Link to="/me#security">{t('mfa.required_action')}</Link>
              </Alert>
            </div>
          ) : null}
          {children}
        </main>
      </div>
    </div>
  );
}

/** The workspace and module a path shows: /w/:id, /w/:id/:module and below. */
export function viewedIn(pathname: string): { workspace: string | null; module: string | null } {
  const parts = pathname.split('/');
  if (parts[1] !== 'w' || !parts[2]) return { workspace: null, module: null };
  let workspace: string;
  try {
    workspace = decodeURIComponent(parts[2]);
  } catch {
    return { workspace: null, module: null };
  }
  return { workspace, module: parts[3] || null };
}
