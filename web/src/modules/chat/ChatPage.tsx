// /w/:id/chat, /w/:id/chat/:channel and /w/:id/chat/search: the chat of a
// workspace. One ChatScreen stays mounted while the person moves between
// channels (the route's stableKey), with its store and live subscriptions.
import '../../styles/modules/chat.css';
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { moduleRight, type Channel, type Me, type Workspace } from '../../api';
import type { PageProps } from '../../app/routes';
import { GateIfArmoured } from '../../armour/ArmourGate';
import { workspaceKeys } from '../../armour/keys';
import { useBranding } from '../../branding';
import { Button } from '../../components/Button';
import { Alert, EmptyState, Spinner } from '../../components/Feedback';
import { useI18n } from '../../i18n';
import { markPageShown } from '../../layout/Page';
import { setNameResolver } from '../../notifications/live';
import { unread } from '../../notifications/unread';
import { ModuleGate } from '../../pages/ModuleGate';
import { navigate, usePathname, useSearchParams } from '../../router/router';
import { useMe } from '../../session';
import { ChannelNav } from './components/ChannelNav';
import { BrowseDialog, CreateChannelDialog, SwitcherDialog } from './components/ChannelDialogs';
import { ChannelView } from './components/ChannelView';
import { MembersPane } from './components/MembersPane';
import { PinsPane } from './components/PinsPane';
import { SearchView } from './components/SearchView';
import { ThreadPane } from './components/ThreadPane';
import { ChatProvider, type ChatContextValue, type Pane } from './context';
import { channelTitle } from './format';
import {
  channelLabel,
  chatPeople,
  neighbour,
  sidebarOrder,
  sidebarSections,
} from './logic/channels';
import { ChatStore } from './store';

export default function ChatPage({ params }: PageProps) {
  const me = useMe();
  const pathname = usePathname();
  const search = /\/chat\/search\/?$/.test(pathname);
  // Armoured: the person's keys are unlocked first (docs/armoured.md).
  return (
    <ModuleGate workspaceId={params.id ?? ''} module="chat">
      {(w) => (
        <GateIfArmoured workspace={w} userId={me.id}>
          <ChatScreen
            key={w.id}
            workspace={w}
            me={me}
            channelId={search ? null : (params.cid ?? null)}
            search={search}
          />
        </GateIfArmoured>
      )}
    </ModuleGate>
  );
}

const lastKey = (ws: string) => `ruche.chat.last.${ws}`;

function readLast(ws: string): string | null {
  try {
    return window.localStorage.getItem(lastKey(ws));
  } catch {
    return null;
  }
}

function ChatScreen({
  workspace,
  me,
  channelId,
  search,
}: {
  workspace: Workspace;
  me: Me;
  channelId: string | null;
  search: boolean;
}) {
  const { t, locale } = useI18n();
  const { branding } = useBranding();
  const ws = workspace.id;
  const [store] = useState(
    () => new ChatStore(ws, me.id, undefined, workspace.armoured ? workspaceKeys(ws, me.id) : null),
  );
  const armour = store.armour;
  // Only what this level shows: typing and timelines re-render their own parts.
  const channels = useSyncExternalStore(store.subscribe, () => store.getState().channels);
  const members = useSyncExternalStore(store.subscribe, () => store.getState().members);
  const failed = useSyncExternalStore(store.subscribe, () => store.getState().failed);
  const params = useSearchParams();
  const jumpTo = params.get('m');
  const [switcher, setSwitcher] = useState(false);
  const [emptyDialog, setEmptyDialog] = useState<'browse' | 'create' | null>(null);
  const [paneState, setPaneState] = useState<{ cid: string | null; pane: Pane | null }>({
    cid: null,
    pane: null,
  });
  // Opening a channel moves the focus into it (a new token each time).
  const [opened, setOpened] = useState<{ cid: string | null; token: number }>({
    cid: channelId,
    token: 1,
  });
  if (opened.cid !== channelId) setOpened({ cid: channelId, token: opened.token + 1 });

  useEffect(() => {
    markPageShown();
    store.start();
    return () => store.stop();
  }, [store]);

  // People and names.
  const names = useMemo(() => new Map(members.map((m) => [m.user_id, m.name])), [members]);
  const nameOf = useCallback((id: string) => names.get(id), [names]);
  const formerMember = t('chat.former_member');
  const displayName = useCallback(
    (id: string) => names.get(id) ?? formerMember,
    [names, formerMember],
  );
  const mentionView = useCallback(
    (id: string) => {
      const name = names.get(id);
      return name ? { name, me: id === me.id } : null;
    },
    [names, me.id],
  );
  const labelOf = useCallback(
    (c: Channel) => channelLabel(c, me.id, nameOf, formerMember),
    [me.id, nameOf, formerMember],
  );
  const people = useMemo(() => chatPeople(members), [members]);
  const mine = members.find((m) => m.user_id === me.id);
  const right = moduleRight(mine?.rights, workspace.role, 'chat');
  const canWrite = right === 'write' && !workspace.archived;
  const canManage = workspace.role === 'owner' || workspace.role === 'admin';

  const sections = useMemo(
    () => sidebarSections(channels, labelOf, locale),
    [channels, labelOf, locale],
  );
  const order = useMemo(() => sidebarOrder(sections), [sections]);
  const channel = channelId ? channels.byId[channelId] : undefined;

  const pane = paneState.cid === channelId ? paneState.pane : null;
  const setPane = useCallback(
    (p: Pane | null) => setPaneState({ cid: channelId, pane: p }),
    [channelId],
  );
  const openChannel = useCallback<ChatContextValue['openChannel']>(
    (id, o = {}) => {
      if (o.pane) setPaneState({ cid: id, pane: o.pane });
      const base = `/w/${ws}/chat`;
      const url = id
        ? `${base}/${encodeURIComponent(id)}${o.message ? `?m=${encodeURIComponent(o.message)}` : ''}`
        : base;
      navigate(url, { replace: o.replace });
    },
    [ws],
  );

  // The chat counts of this workspace are the server's while the screen is open.
  useEffect(() => unread.claimChat(ws), [ws]);
  useEffect(() => {
    const counts: Record<string, number> = {};
    const muted: string[] = [];
    for (const c of Object.values(channels.byId)) {
      if (!c.joined) continue;
      counts[c.id] = c.unread;
      if (c.muted) muted.push(c.id);
    }
    if (channels.loaded) unread.setChatCounts(ws, counts, muted);
  }, [ws, channels]);
  useEffect(() => {
    setNameResolver(ws, nameOf);
    return () => setNameResolver(ws, null);
  }, [ws, nameOf]);

  // Remember the channel; without one in the URL, reopen it (or the first).
  useEffect(() => {
    if (!channelId) return;
    try {
      window.localStorage.setItem(lastKey(ws), channelId);
    } catch {
      // Private mode: the first channel opens next time.
    }
  }, [ws, channelId]);
  useEffect(() => {
    if (search || channelId || !channels.loaded) return;
    const last = readLast(ws);
    const target = last && channels.byId[last]?.joined ? last : order[0]?.id;
    if (target) navigate(`/w/${ws}/chat/${encodeURIComponent(target)}`, { replace: true });
  }, [search, channelId, channels, order, ws]);

  const title = search
    ? t('chat.search_title')
    : channel
      ? channelTitle(channel.kind, labelOf(channel))
      : t('module.chat.name');
  useEffect(() => {
    document.title = `${title} · ${t('module.chat.name')} · ${branding.instance_name}`;
  }, [title, t, branding.instance_name]);

  // Keyboard shortcuts: Alt+↑/↓ channels, Ctrl/Cmd+K jump, Escape marks read.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector('dialog[open]')) return;
      if (e.altKey && !e.ctrlKey && !e.metaKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
        e.preventDefault();
        const next = neighbour(order, channelId, e.key === 'ArrowDown' ? 1 : -1);
        if (next) openChannel(next.id);
      } else if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setSwitcher(true);
      } else if (e.key === 'Escape' && !e.defaultPrevented && channelId) {
        void store.markRead(channelId, true);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [order, channelId, openChannel, store]);

  const ctx: ChatContextValue = useMemo(
    () => ({
      store,
      armour,
      workspace,
      me,
      people,
      nameOf,
      displayName,
      mentionView,
      labelOf,
      canWrite,
      canManage,
      openChannel,
      pane,
      setPane,
    }),
    [
      store,
      armour,
      workspace,
      me,
      people,
      nameOf,
      displayName,
      mentionView,
      labelOf,
      canWrite,
      canManage,
      openChannel,
      pane,
      setPane,
    ],
  );

  const switchable = useMemo(() => {
    const rest = Object.values(channels.byId).filter((c) => !c.joined);
    return [...order, ...rest];
  }, [order, channels.byId]);

  let main;
  if (search) main = <SearchView />;
  else if (channel)
    main = (
      <ChannelView key={channel.id} channel={channel} jumpTo={jumpTo} focusToken={opened.token} />
    );
  else if (!channels.loaded) main = <Spinner label={t('common.loading')} />;
  else
    main = (
      <div className="chat-empty">
        <h1 className="visually-hidden">{t('module.chat.name')}</h1>
        {failed ? <Alert kind="error">{t('chat.load_failed')}</Alert> : null}
        <EmptyState
          icon="chat"
          title={channelId ? t('error.not_found') : t('chat.pick_title')}
          action={
            <div className="button-row">
              <Button onClick={() => setEmptyDialog('browse')} icon="compass">
                {t('chat.browse')}
              </Button>
              {canWrite ? (
                <Button variant="primary" onClick={() => setEmptyDialog('create')} icon="plus">
                  {t('chat.create')}
                </Button>
              ) : null}
            </div>
          }
        >
          {t('chat.pick_body')}
        </EmptyState>
      </div>
    );

  const paneTitle = channel ? channelTitle(channel.kind, labelOf(channel)) : '';
  const writable = canWrite && !!channel && !channel.archived;
  return (
    <ChatProvider value={ctx}>
      <div className={pane && channel ? 'chat chat--with-pane' : 'chat'}>
        <ChannelNav sections={sections} current={channelId} loaded={channels.loaded} />
        <div className="chat__main">{main}</div>
        {pane && channel ? (
          pane.kind === 'thread' ? (
            <ThreadPane
              key={pane.root}
              root={pane.root}
              channel={channel}
              title={paneTitle}
              permissions={{ write: writable, manage: canManage }}
              writable={writable}
            />
          ) : pane.kind === 'pins' ? (
            <PinsPane channel={channel} title={paneTitle} />
          ) : (
            <MembersPane channel={channel} title={paneTitle} />
          )
        ) : null}
        {switcher ? (
          <SwitcherDialog channels={switchable} onClose={() => setSwitcher(false)} />
        ) : null}
        {emptyDialog === 'browse' ? <BrowseDialog onClose={() => setEmptyDialog(null)} /> : null}
        {emptyDialog === 'create' ? (
          <CreateChannelDialog onClose={() => setEmptyDialog(null)} />
        ) : null}
      </div>
    </ChatProvider>
  );
}
