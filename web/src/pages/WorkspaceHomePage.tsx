// A workspace's home: its modules as entry points, recent activity (live),
// members.
import { useCallback } from 'react';
import { api, type EventFrame, type Member, type Workspace } from '../api';
import { Avatar } from '../components/Avatar';
import { Alert, Badge, EmptyState, Spinner, Tag } from '../components/Feedback';
import { Icon } from '../components/Icon';
import { ShowMore, useShown } from '../components/ShowMore';
import { useEvent } from '../events';
import { useI18n, type MessageKey } from '../i18n';
import { Page, Section } from '../layout/Page';
import { MODULE_ICONS, canManage, moduleLabelKey } from '../layout/Sidebar';
import { useUnread } from '../notifications/unread';
import { Link } from '../router/router';
import { useMe } from '../session';
import { useAsync } from '../util/useAsync';
import { useMembers } from '../workspaces/members';
import type { PageProps } from '../app/routes';
import { describeEvent } from './activity';
import NotFoundPage from './NotFoundPage';

const ACTIVITY_WINDOW = 50;

interface HomeData {
  workspace: Workspace;
  events: EventFrame[];
}

async function loadHome(id: string): Promise<HomeData> {
  const workspace = await api.workspaces.get(id);
  const events = await api.workspaces.events(
    id,
    Math.max(0, workspace.seq - ACTIVITY_WINDOW),
    ACTIVITY_WINDOW,
  );
  return { workspace, events: events.reverse() };
}

export default function WorkspaceHomePage({ params }: PageProps) {
  const id = params.id ?? '';
  const { t } = useI18n();
  const me = useMe();
  const home = useAsync(() => loadHome(id), [id]);
  const held = useMembers(id);
  const { shown, more } = useShown();
  const { setData, reload } = home;

  const onEvent = useCallback(
    (e: EventFrame) => {
      // Ephemeral events (typing, seq 0) are not activity.
      if (e.workspace_id !== id || !(e.seq > 0)) return;
      setData((prev) => {
        if (!prev) return prev;
        if (prev.events.some((x) => x.seq === e.seq)) return prev;
        return { ...prev, events: [e, ...prev.events].slice(0, ACTIVITY_WINDOW) };
      });
      // The workspace as this person sees it (their role, its modules); the members follow by themselves.
      const aboutMe = e.type.startsWith('member.') && e.data?.user_id === me.id;
      if (aboutMe || e.type === 'workspace.updated') void reload();
    },
    [id, me.id, setData, reload],
  );
  useEvent('*', onEvent);

  // Shown whole, as before: the members with the rest (none when they cannot be read).
  if ((home.loading && !home.data) || held === undefined)
    return <Spinner label={t('common.loading')} />;
  if (!home.data) return <NotFoundPage />;
  const { workspace: w, events } = home.data;
  const members = held ?? [];

  return (
    <Page
      title={w.name}
      subtitle={w.description || undefined}
      actions={
        canManage(w) ? (
          <Link to={`/w/${w.id}/settings`} className="btn btn--secondary">
            <Icon name="settings" size={18} />
            {t('nav.settings')}
          </Link>
        ) : null
      }
    >
      {w.archived ? <Alert kind="info">{t('ws.archived_notice')}</Alert> : null}
      <section aria-labelledby="modules-title" className="home-modules">
        <h2 id="modules-title" className="visually-hidden">
          {t('ws.modules')}
        </h2>
        {w.modules.length === 0 ? (
          <EmptyState icon="settings" title={t('ws.no_modules')}>
            {canManage(w) ? t('ws.no_modules_manage') : null}
          </EmptyState>
        ) : (
          <ul className="module-grid">
            {w.modules.map((m) => (
              <ModuleTile key={m} ws={w} module={m} />
            ))}
          </ul>
        )}
      </section>
      <div className="home-columns">
        <Section title={t('ws.activity')} id="activity">
          <Activity events={events} members={members} />
        </Section>
        <Section title={t('ws.members_count', { count: members.length })} id="members">
          <ul className="member-list">
            {members.slice(0, shown).map((m) => (
              <li key={m.user_id} className="member-list__item">
                <Avatar name={m.name} seed={m.user_id} />
                <span className="member-list__name">{m.name}</span>
                {m.external ? <Tag tone="warning">{t('member.external')}</Tag> : null}
                <Tag>{t(`role.${m.role}` as MessageKey)}</Tag>
              </li>
            ))}
          </ul>
          <ShowMore total={members.length} shown={shown} onMore={more} />
        </Section>
      </div>
    </Page>
  );
}

function ModuleTile({ ws, module }: { ws: Workspace; module: string }) {
  const { t } = useI18n();
  const counts = useUnread(ws.id);
  const n = counts.modules[module] ?? 0;
  const right = ws.rights?.[module];
  return (
    <li>
      <Link to={`/w/${ws.id}/${module}`} className="module-tile card">
        <span className="module-tile__icon" aria-hidden="true">
          <Icon name={MODULE_ICONS[module] ?? 'chevronRight'} size={22} />
        </span>
        <span className="module-tile__text">
          <span className="module-tile__name">{t(moduleLabelKey(module))}</span>
          <span className="module-tile__summary">
            {t(`module.${module}.summary` as MessageKey)}
          </span>
        </span>
        {right === 'read' ? <Tag>{t('access.read')}</Tag> : null}
        <Badge count={n} label={t('nav.unread', { count: n })} />
      </Link>
    </li>
  );
}

function Activity({ events, members }: { events: EventFrame[]; members: Member[] }) {
  const { t, relative } = useI18n();
  if (events.length === 0) return <p className="muted">{t('ws.no_activity')}</p>;
  return (
    <ol className="activity" aria-live="polite">
      {events.map((e) => {
        const line = describeEvent(e, members, (r) => t(`role.${r}` as MessageKey));
        const vars =
          'module' in line.vars && typeof line.vars.module === 'string'
            ? { ...line.vars, module: t(moduleLabelKey(line.vars.module)) }
            : line.vars;
        const at =
          typeof (e as { at?: unknown }).at === 'string'
            ? (e as unknown as { at: string }).at
            : null;
        return (
          <li key={e.seq} className="activity__item">
            <Icon name="activity" size={16} className="activity__icon" />
            <span className="activity__text">{t(line.key, vars)}</span>
            {at ? (
              <time className="activity__time" dateTime={at}>
                {relative(at)}
              </time>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
