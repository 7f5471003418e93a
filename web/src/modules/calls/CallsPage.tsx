// /w/:id/calls: the workspace's calls going on, live, with who is in each;
// "Start a call" (write right) and "Join" (read right). In a call, the page
// is the call: the video grid and its controls, "Add people" (ringing
// members in), and who declined. Leaving the page (another route, the tab
// closed) leaves the call. `?join={cid}` (the ringing panel, chat's Call
// button: src/ringing/handoff.ts) joins that call once: the address drops
// it at once, so a reload shows the list; whom the opener asked to ring is
// rung once this tab is in.
import '../../styles/modules/calls.css';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { isApiError, type Me, type Workspace } from '../../api';
import type { PageProps } from '../../app/routes';
import { Button } from '../../components/Button';
import { Alert, EmptyState, Spinner } from '../../components/Feedback';
import { useI18n } from '../../i18n';
import { listOf } from '../../i18n/core';
import { Page } from '../../layout/Page';
import { ModuleGate, ModuleOff } from '../../pages/ModuleGate';
import { useEvent } from '../../events';
import { takeRingRequest } from '../../ringing/handoff';
import { navigate, useSearchParams } from '../../router/router';
import { useMe } from '../../session';
import { AddPeopleDialog } from './components/AddPeopleDialog';
import { CallList, callTitle } from './components/CallList';
import { CallView } from './components/CallView';
import { StartCallDialog } from './components/StartCallDialog';
import { FAILURE_TEXT, useCallsErrorText } from './errors';
import { defaultCallDeps, useCall } from './hooks';
import type { CallDeps, CallSession } from './session';
import { useNotice } from './notice';
import { CallsStore } from './store';

export default function CallsPage({ params }: PageProps) {
  const me = useMe();
  return (
    <ModuleGate workspaceId={params.id ?? ''} module="calls">
      {(w) => <CallsScreen key={w.id} workspace={w} me={me} />}
    </ModuleGate>
  );
}

export function CallsScreen({
  workspace,
  me,
  callDeps = defaultCallDeps,
}: {
  workspace: Workspace;
  me: Me;
  /** The browser's WebRTC unless a test gives fakes. */
  callDeps?: () => CallDeps;
}) {
  const { t, locale } = useI18n();
  const errorText = useCallsErrorText();
  const ws = workspace.id;
  const [store] = useState(() => new CallsStore(ws, me.id));
  const calls = useSyncExternalStore(store.subscribe, () => store.getState().calls);
  const loaded = useSyncExternalStore(store.subscribe, () => store.getState().loaded);
  const failed = useSyncExternalStore(store.subscribe, () => store.getState().failed);
  const right = useSyncExternalStore(store.subscribe, () => store.getState().right);
  const archived = useSyncExternalStore(store.subscribe, () => store.getState().archived);
  const rightLoaded = useSyncExternalStore(store.subscribe, () => store.getState().rightLoaded);
  const members = useSyncExternalStore(store.subscribe, () => store.getState().members);
  const call = useCall(callDeps);
  const [starting, setStarting] = useState(false);
  /** The picker is open in this session. */
  const [addingIn, setAddingIn] = useState<CallSession | null>(null);
  const [notice, say] = useNotice(call.session?.callId ?? null);
  /** Whom to ring once this tab is in that call (asked with ?join=). */
  const toRing = useRef<{ callId: string; ids: readonly string[] } | null>(null);
  const joinParam = useSearchParams().get('join');

  useEffect(() => {
    store.start();
    return () => store.stop();
  }, [store]);

  const names = useMemo(() => new Map(members.map((m) => [m.user_id, m.name])), [members]);
  const someone = t('calls.someone');
  const nameOf = useCallback(
    (id: string) => (id === me.id ? me.name : (names.get(id) ?? someone)),
    [names, someone, me.id, me.name],
  );
  const canStart = right === 'write' && !archived && !workspace.archived;
  const denied = isApiError(failed) && failed.status === 404;

  const { session, state, join } = call;

  // ?join={cid}: joined once. Under StrictMode this runs twice: only the
  // first finds the parameter still in the address.
  useEffect(() => {
    if (!joinParam) return;
    if (new URLSearchParams(window.location.search).get('join') !== joinParam) return;
    navigate(window.location.pathname, { replace: true });
    const ids = takeRingRequest(joinParam);
    toRing.current = ids.length > 0 ? { callId: joinParam, ids } : null;
    join(joinParam);
  }, [joinParam, join]);

  const ring = useCallback(
    async (s: CallSession, ids: readonly string[]) => {
      await s.ring(ids);
      say(t('calls.notice.ringing', { names: listOf(ids.map(nameOf), locale) }));
    },
    [say, t, nameOf, locale],
  );

  // In the call the opener asked for: its people rung, once.
  const inCall = state?.phase === 'joined' ? (session?.callId ?? null) : null;
  useEffect(() => {
    const asked = toRing.current;
    if (!asked || !session || inCall !== asked.callId) return;
    toRing.current = null;
    ring(session, asked.ids).catch((e: unknown) =>
      say(t('calls.notice.ring_failed', { error: errorText(e) })),
    );
  }, [session, inCall, ring, say, t, errorText]);

  // Someone rung into this call declined (the people in it are told).
  useEvent('call.declined', (e) => {
    const d = e.data ?? {};
    if (!session || d.call_id !== session.callId || typeof d.user_id !== 'string') return;
    if (d.user_id !== me.id) say(t('calls.notice.declined', { name: nameOf(d.user_id) }));
  });

  if (session && state && (state.phase === 'joining' || state.phase === 'joined')) {
    const current = calls.find((c) => c.id === session.callId);
    const present = new Set([
      me.id,
      ...(current?.participants.map((p) => p.user_id) ?? []),
      ...state.peers.map((p) => p.userId),
    ]);
    return (
      <div className="calls calls--in-call">
        <Page
          key="call"
          title={current ? callTitle(current, nameOf, t) : t('module.calls.name')}
          subtitle={workspace.name}
          actions={
            <Button
              icon="userPlus"
              aria-haspopup="dialog"
              disabled={state.phase !== 'joined'}
              onClick={() => setAddingIn(session)}
            >
              {t('calls.add_people')}
            </Button>
          }
        >
          <CallView
            session={session}
            state={state}
            myName={me.name}
            myId={me.id}
            nameOf={nameOf}
            canShare={session.canShare}
            onLeave={call.close}
            notice={notice}
          />
        </Page>
        {addingIn === session && state.phase === 'joined' ? (
          <AddPeopleDialog
            members={members}
            me={me.id}
            inCall={present}
            onRing={async (ids) => {
              await ring(session, ids);
              setAddingIn(null);
            }}
            onClose={() => setAddingIn(null)}
          />
        ) : null}
      </div>
    );
  }

  let body;
  if (denied) {
    body = <ModuleOff workspace={workspace} />;
  } else if (failed && calls.length === 0) {
    body = (
      <Alert kind="error" title={t('calls.load_failed')}>
        <Button size="sm" onClick={() => void store.load()}>
          {t('conn.retry')}
        </Button>
      </Alert>
    );
  } else if (!loaded) {
    body = <Spinner label={t('common.loading')} />;
  } else if (calls.length === 0) {
    body = (
      <EmptyState
        icon="calls"
        title={t('calls.empty_title')}
        action={
          canStart ? (
            <Button variant="primary" icon="video" onClick={() => setStarting(true)}>
              {t('calls.start')}
            </Button>
          ) : null
        }
      >
        {canStart ? t('calls.empty_body') : t('calls.empty_read')}
      </EmptyState>
    );
  } else {
    body = <CallList calls={calls} nameOf={nameOf} onJoin={(c) => call.join(c.id)} />;
  }

  return (
    <div className="calls">
      <Page
        key="list"
        title={t('module.calls.name')}
        subtitle={workspace.name}
        actions={
          canStart && !denied && calls.length > 0 ? (
            <Button variant="primary" icon="video" onClick={() => setStarting(true)}>
              {t('calls.start')}
            </Button>
          ) : null
        }
      >
        {state?.phase === 'failed' && state.failure ? (
          <Alert kind="error" title={t(FAILURE_TEXT[state.failure])}>
            <Button size="sm" onClick={call.close}>
              {t('common.dismiss')}
            </Button>
          </Alert>
        ) : null}
        {rightLoaded && loaded && !denied && !canStart ? (
          <p className="calls-readonly">
            {archived || workspace.archived ? t('error.archived') : t('calls.read_only')}
          </p>
        ) : null}
        {body}
      </Page>
      {starting ? (
        <StartCallDialog
          store={store}
          onStarted={(c) => {
            setStarting(false);
            call.join(c.id);
          }}
          onClose={() => setStarting(false)}
        />
      ) : null}
    </div>
  );
}
