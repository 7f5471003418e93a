// The route table. Every page is its own chunk (React.lazy); the order
// matters where patterns overlap (settings before a module).
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import { matchPath, type Params } from '../router/router';

export type PageProps = { params: Params };
export type Access = 'public' | 'user' | 'admin';

export interface RouteDef {
  pattern: string;
  access: Access;
  /** Public pages that a signed-in person skips (login). */
  anonymousOnly?: boolean;
  page: PageComponent;
  /**
   * Keeps the page mounted while the URL changes within it (the chat moves
   * between channels without reloading its state). Default: the pathname.
   */
  stableKey?: (params: Params) => string;
}

type Loader = () => Promise<{ default: ComponentType<PageProps> }>;

/**
 * A page chunk: `Lazy` for React.lazy, `preload()` to fetch it early, and
 * `loaded` once fetched, so a page whose chunk is already here renders at
 * once instead of suspending (React holds revealed Suspense content for up
 * to 300 ms).
 */
export interface PageComponent {
  Lazy: LazyExoticComponent<ComponentType<PageProps>>;
  preload(): Promise<{ default: ComponentType<PageProps> }>;
  loaded: ComponentType<PageProps> | null;
}

function page(load: Loader): PageComponent {
  const p: PageComponent = {
    loaded: null,
    preload: () =>
      load().then((m) => {
        p.loaded = m.default;
        return m;
      }),
    Lazy: lazy(() => p.preload()),
  };
  return p;
}

const LoginPage = page(() => import('../pages/LoginPage'));
const SetupPage = page(() => import('../pages/SetupPage'));
const InvitePage = page(() => import('../pages/InvitePage'));
const WorkspaceListPage = page(() => import('../pages/WorkspaceListPage'));
const NewWorkspacePage = page(() => import('../pages/NewWorkspacePage'));
const WorkspaceHomePage = page(() => import('../pages/WorkspaceHomePage'));
const WorkspaceSettingsPage = page(() => import('../pages/settings/WorkspaceSettingsPage'));
const ModulePage = page(() => import('../pages/ModulePage'));
const ChatPage = page(() => import('../modules/chat/ChatPage'));
const FilesPage = page(() => import('../modules/files/FilesPage'));
const TasksPage = page(() => import('../modules/tasks/TasksPage'));
const CalendarPage = page(() => import('../modules/calendar/CalendarPage'));
const ReportsPage = page(() => import('../modules/reports/ReportsPage'));
const CallsPage = page(() => import('../modules/calls/CallsPage'));
const ProfilePage = page(() => import('../pages/profile/ProfilePage'));
const AdminPage = page(() => import('../pages/admin/AdminPage'));
const NotFoundPage = page(() => import('../pages/NotFoundPage'));
const SharePage = page(() => import('../pages/share/SharePage'));
const InvitationAnswerPage = page(() => import('../modules/calendar/InvitationAnswerPage'));
const MyCalendarPage = page(() => import('../modules/calendar/MyCalendarPage'));
const SearchPage = page(() => import('../pages/SearchPage'));

function chatKey(p: Params): string {
  return `chat:${p.id ?? ''}`;
}

function filesKey(p: Params): string {
  return `files:${p.id ?? ''}`;
}

function tasksKey(p: Params): string {
  return `tasks:${p.id ?? ''}`;
}

function calendarKey(p: Params): string {
  return `calendar:${p.id ?? ''}`;
}

/** The person's own calendar: one page while events open and close. */
function myCalendarKey(): string {
  return 'calendar:me';
}

/** One share page per link: moving inside a shared folder keeps it mounted. */
function shareKey(p: Params): string {
  return `share:${p.token ?? ''}`;
}

export const ROUTES: RouteDef[] = [
  { pattern: '/login', access: 'public', anonymousOnly: true, page: LoginPage },
  { pattern: '/setup', access: 'public', page: SetupPage },
  { pattern: '/invite/:token', access: 'public', page: InvitePage },
  { pattern: '/s/:token', access: 'public', page: SharePage, stableKey: shareKey },
  { pattern: '/s/:token/files/*', access: 'public', page: SharePage, stableKey: shareKey },
  // A calendar invitation's answer link, for people without an account.
  { pattern: '/calendar/answer/:token', access: 'public', page: InvitationAnswerPage },
  { pattern: '/', access: 'user', page: WorkspaceListPage },
  { pattern: '/new', access: 'user', page: NewWorkspacePage },
  { pattern: '/me', access: 'user', page: ProfilePage },
  { pattern: '/search', access: 'user', page: SearchPage },
  { pattern: '/calendar', access: 'user', page: MyCalendarPage, stableKey: myCalendarKey },
  { pattern: '/calendar/:eid', access: 'user', page: MyCalendarPage, stableKey: myCalendarKey },
  { pattern: '/admin', access: 'admin', page: AdminPage },
  { pattern: '/w/:id', access: 'user', page: WorkspaceHomePage },
  { pattern: '/w/:id/settings', access: 'user', page: WorkspaceSettingsPage },
  { pattern: '/w/:id/chat', access: 'user', page: ChatPage, stableKey: chatKey },
  { pattern: '/w/:id/chat/search', access: 'user', page: ChatPage, stableKey: chatKey },
  { pattern: '/w/:id/chat/:cid', access: 'user', page: ChatPage, stableKey: chatKey },
  { pattern: '/w/:id/files', access: 'user', page: FilesPage, stableKey: filesKey },
  { pattern: '/w/:id/files/trash', access: 'user', page: FilesPage, stableKey: filesKey },
  { pattern: '/w/:id/files/:fid', access: 'user', page: FilesPage, stableKey: filesKey },
  { pattern: '/w/:id/tasks', access: 'user', page: TasksPage, stableKey: tasksKey },
  { pattern: '/w/:id/tasks/:tid', access: 'user', page: TasksPage, stableKey: tasksKey },
  { pattern: '/w/:id/calendar', access: 'user', page: CalendarPage, stableKey: calendarKey },
  { pattern: '/w/:id/calendar/:eid', access: 'user', page: CalendarPage, stableKey: calendarKey },
  { pattern: '/w/:id/reports', access: 'user', page: ReportsPage },
  { pattern: '/w/:id/calls', access: 'user', page: CallsPage },
  { pattern: '/w/:id/:module', access: 'user', page: ModulePage },
];

export const NOT_FOUND: RouteDef = { pattern: '*', access: 'public', page: NotFoundPage };

/** Fetches the chunk of the page at `to` (a path, with or without a query), if not here yet. */
export function preloadPage(to: string): void {
  const pathname = to.split(/[?#]/)[0] ?? to;
  const route = ROUTES.find((r) => matchPath(r.pattern, pathname)) ?? NOT_FOUND;
  if (!route.page.loaded) route.page.preload().catch(() => undefined);
}

/**
 * The pages of a workspace's modules, fetched while the person has the app
 * open and idle: the first visit to each then shows at once, not after a
 * loading state that React keeps for 300 ms.
 */
export function preloadWorkspacePages(): Promise<unknown> {
  const pages = [
    WorkspaceHomePage,
    ChatPage,
    FilesPage,
    TasksPage,
    CalendarPage,
    CallsPage,
    ReportsPage,
  ];
  return Promise.all(pages.map((p) => p.preload())).catch(() => undefined);
}

/**
 * Starts fetching the chunks the first screen will need while the session
 * is being checked: the page of this URL, and the sign-in page when this tab
 * holds no session.
 */
export function preloadFor(pathname: string, signedInHint: boolean): Promise<unknown> {
  const route = ROUTES.find((r) => matchPath(r.pattern, pathname)) ?? NOT_FOUND;
  const chunks = [route.page.preload()];
  if (!signedInHint && route.access !== 'public') chunks.push(LoginPage.preload());
  return Promise.all(chunks).catch(() => undefined);
}
