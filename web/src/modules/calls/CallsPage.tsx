// /w/:id/calls: the workspace's calls going on, live, with who is in each;
// "Start a call" (write right) and "Join" (read right). In a call, the page
// is the call: the video grid and its controls. Leaving the page (another
// route, the tab closed) leaves the call.
import '../../styles/modules/calls.css';
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { isApiError, type Me, type Workspace } from '../../api';
import type { PageProps } from '../../app/routes';
import { Button } from '../../components/Button';
import { Alert, EmptyState, Spinner } from '../../components/Feedback';
import { useI18n } from '../../i18n';
import { Page } from '../../layout/Page';
import { ModuleGate, ModuleOff } from '../../pages/ModuleGate';
import { useMe } from '../../session';
import { CallList, callTitle } from './components/CallList';
import { CallView } from './components/CallView';
import { StartCallDialog } from './components/StartCallDialog';
import { FAILURE_TEXT } from './errors';
import { defaultCallDeps, useCall } from './hooks';
import type { CallDeps } from './session';
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
  const { t } = useI18n();
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

  const { session, state } = call;
  if (session && state && (state.phase === 'joining' || state.phase === 'joined')) {
    const current = calls.find((c) => c.id === session.callId);
    return (
      <div className="calls calls--in-call">
        <Page
          key="call"
          title={current ? callTitle(current, nameOf, t) : t('module.calls.name')}
          subtitle={workspace.name}
        >
          <CallView
            session={session}
            state={state}
            myName={me.name}
            myId={me.id}
            nameOf={nameOf}
            canShare={session.canShare}
            onLeave={call.close}
          />
        </Page>
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
