// /w/:id/files, /w/:id/files/:fid and /w/:id/files/trash: the files of a
// workspace. One FilesScreen stays mounted while the person moves between
// folders (the route's stableKey), with its store and live subscriptions.
// Armoured workspaces open behind the armour gate (the person's keys are
// unlocked first); they have no WebDAV access.
import '../../styles/modules/files.css';
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { Me, Workspace } from '../../api';
import type { PageProps } from '../../app/routes';
import { GateIfArmoured } from '../../armour/ArmourGate';
import { KeysStatus } from '../../armour/KeysStatus';
import { useBranding } from '../../branding';
import { useI18n } from '../../i18n';
import { Page } from '../../layout/Page';
import { useToast } from '../../notifications/toasts';
import { ModuleGate } from '../../pages/ModuleGate';
import { navigate, usePathname } from '../../router/router';
import { useMe } from '../../session';
import { Browser } from './components/Browser';
import { DesktopAccess } from './components/DesktopAccess';
import { FilesDialogs } from './components/FilesDialogs';
import { useNodeName } from './components/NodeName';
import { QuotaGauge } from './components/QuotaGauge';
import { TrashView } from './components/TrashView';
import { UploadPanel } from './components/UploadPanel';
import {
  FilesProvider,
  useFilesErrorText,
  useSealBlocked,
  type FilesContextValue,
  type FilesDialog,
} from './context';
import type { ShownNode } from './sealed';
import { storeFor } from './store';

export default function FilesPage({ params }: PageProps) {
  const me = useMe();
  const pathname = usePathname();
  const trash = /\/files\/trash\/?$/.test(pathname);
  return (
    <ModuleGate workspaceId={params.id ?? ''} module="files">
      {(w) => (
        <GateIfArmoured workspace={w} userId={me.id}>
          <FilesScreen
            key={w.id}
            workspace={w}
            me={me}
            folderId={trash ? '' : (params.fid ?? '')}
            trash={trash}
          />
        </GateIfArmoured>
      )}
    </ModuleGate>
  );
}

function FilesScreen({
  workspace,
  me,
  folderId,
  trash,
}: {
  workspace: Workspace;
  me: Me;
  folderId: string;
  trash: boolean;
}) {
  const { t } = useI18n();
  const { branding } = useBranding();
  const { toast } = useToast();
  const errorText = useFilesErrorText();
  const ws = workspace.id;
  const [store] = useState(() => storeFor(ws, me.id, workspace.armoured));
  const right = useSyncExternalStore(store.subscribe, () => store.getState().right);
  const archived = useSyncExternalStore(store.subscribe, () => store.getState().archived);
  const members = useSyncExternalStore(store.subscribe, () => store.getState().members);
  const folder = useSyncExternalStore(store.subscribe, () => store.getState().listing.folder);
  const [dialog, setDialog] = useState<FilesDialog | null>(null);
  const nodeName = useNodeName();
  const keys = store.armour?.keys ?? null;
  const sealBlocked = useSealBlocked(keys);

  useEffect(() => {
    store.start();
    return () => store.stop();
  }, [store]);

  useEffect(() => {
    if (!trash) void store.open(folderId);
    else void store.loadTrash();
  }, [store, folderId, trash]);

  // Leaving the page (not the screen) would drop the uploads in flight.
  useEffect(() => {
    const onUnload = (e: BeforeUnloadEvent) => {
      if (store.uploading) e.preventDefault();
    };
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, [store]);

  const names = useMemo(() => new Map(members.map((m) => [m.user_id, m.name])), [members]);
  const someone = t('files.someone');
  const nameOf = useCallback((id: string) => names.get(id) ?? someone, [names, someone]);
  const canWrite = right === 'write' && !archived && !workspace.archived;
  const openFolder = useCallback(
    (id: string) => navigate(id ? `/w/${ws}/files/${encodeURIComponent(id)}` : `/w/${ws}/files`),
    [ws],
  );
  const openTrash = useCallback(() => navigate(`/w/${ws}/files/trash`), [ws]);
  const trashNode = useCallback(
    (n: ShownNode) => {
      store.trashNode(n).then(
        () => toast({ kind: 'success', title: t('files.trashed', { name: nodeName(n) }) }),
        (e: unknown) => toast({ kind: 'error', title: errorText(e) }),
      );
    },
    [store, toast, t, errorText, nodeName],
  );

  const ctx: FilesContextValue = useMemo(
    () => ({
      store,
      workspace,
      me,
      canWrite,
      sealBlocked,
      nameOf,
      openFolder,
      openTrash,
      openDialog: setDialog,
      trash: trashNode,
    }),
    [store, workspace, me, canWrite, sealBlocked, nameOf, openFolder, openTrash, trashNode],
  );

  const inFolder = !!folderId && folder?.id === folderId;
  const title = trash
    ? t('files.trash')
    : inFolder && folder
      ? nodeName(folder)
      : t('module.files.name');
  useEffect(() => {
    document.title = `${title} · ${t('module.files.name')} · ${branding.instance_name}`;
  }, [title, t, branding.instance_name]);

  return (
    <FilesProvider value={ctx}>
      <div className="files">
        <Page title={title} subtitle={workspace.name}>
          {keys ? <KeysStatus keys={keys} nameOf={nameOf} className="files-keys" /> : null}
          <UploadPanel />
          {trash ? <TrashView /> : <Browser folderId={folderId} />}
          <QuotaGauge />
          {trash || workspace.armoured ? null : <DesktopAccess />}
        </Page>
        {dialog ? <FilesDialogs dialog={dialog} onClose={() => setDialog(null)} /> : null}
      </div>
    </FilesProvider>
  );
}
