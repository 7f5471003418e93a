// Choosing a folder to move or copy an entry into: browse from the root,
// then "Move here" / "Copy here". A folder cannot go into itself.
// Armoured: folders are read whole and shown with the names opened here.
import { useEffect, useState } from 'react';
import { api } from '../../../api';
import { Button } from '../../../components/Button';
import { Modal } from '../../../components/Dialog';
import { Alert, Spinner } from '../../../components/Feedback';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { useToast } from '../../../notifications/toasts';
import { useFiles, useFilesErrorText } from '../context';
import { isWithin } from '../logic/path';
import { nameComparer } from '../logic/sort';
import type { ShownNode } from '../sealed';
import { NodeName, useNodeName } from './NodeName';

interface Place {
  id: string;
  name: string;
  path: string;
}

export function FolderPickerDialog({
  node,
  mode,
  onClose,
}: {
  node: ShownNode;
  mode: 'move' | 'copy';
  onClose(): void;
}) {
  const { t, locale } = useI18n();
  const { store, workspace } = useFiles();
  const nodeName = useNodeName();
  const name = nodeName(node);
  const { toast } = useToast();
  const errorText = useFilesErrorText();
  const root: Place = { id: '', name: t('module.files.name'), path: '/' };
  const [trail, setTrail] = useState<Place[]>([root]);
  const [loaded, setLoaded] = useState<{ id: string; folders: ShownNode[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const here = trail[trail.length - 1] ?? root;

  useEffect(() => {
    let live = true;
    const armour = store.armour;
    const entries: Promise<ShownNode[]> = armour
      ? armour.children(here.id)
      : api.files.list(workspace.id, here.id, { limit: 1000 }).then((page) => page.items);
    entries.then(
      (items) => {
        if (!live) return;
        const cmp = nameComparer(locale);
        setLoaded({
          id: here.id,
          folders: items.filter((n) => n.kind === 'folder').sort((a, b) => cmp(a.name, b.name)),
        });
      },
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
    // errorText is a new function each render; the folder is what matters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, workspace.id, here.id, locale]);

  const folders = loaded?.id === here.id ? loaded.folders : null;
  const inside = node.kind === 'folder' && isWithin(here.path, node.path);
  const same = (node.parent_id ?? '') === here.id;
  const disabled = inside || (mode === 'move' && same);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      if (mode === 'move') {
        await store.move(node, here.id);
        toast({ kind: 'success', title: t('files.moved', { name, folder: here.name }) });
      } else {
        await store.copy(node, here.id);
        toast({
          kind: 'success',
          title: t('files.copied', { name, folder: here.name }),
        });
      }
      onClose();
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };

  const title = mode === 'move' ? t('files.move_title', { name }) : t('files.copy_title', { name });
  return (
    <Modal title={title} onClose={onClose} className="files-picker">
      <div className="dialog__body">
        {error ? <Alert kind="error">{error}</Alert> : null}
        <nav aria-label={t('files.picker_location')} className="files-crumbs files-crumbs--picker">
          <ol>
            {trail.map((p, i) => (
              <li key={p.id || 'root'}>
                {i > 0 ? (
                  <Icon name="chevronRight" size={14} className="files-crumbs__sep" />
                ) : null}
                {i === trail.length - 1 ? (
                  <span aria-current="location" className="files-crumbs__current">
                    {p.name}
                  </span>
                ) : (
                  <button
                    type="button"
                    className="link-btn"
                    onClick={() => setTrail(trail.slice(0, i + 1))}
                  >
                    {p.name}
                  </button>
                )}
              </li>
            ))}
          </ol>
        </nav>
        {folders === null ? (
          <Spinner label={t('common.loading')} />
        ) : folders.length === 0 ? (
          <p className="files-picker__empty">{t('files.picker_no_folders')}</p>
        ) : (
          <ul
            className="files-picker__list"
            aria-label={t('files.picker_folders', { folder: here.name })}
          >
            {folders.map((f) => {
              const self = node.kind === 'folder' && f.id === node.id;
              return (
                <li key={f.id}>
                  <button
                    type="button"
                    className="files-picker__folder"
                    disabled={self}
                    onClick={() =>
                      setTrail([...trail, { id: f.id, name: nodeName(f), path: f.path }])
                    }
                  >
                    <Icon name="files" size={18} />
                    <span>
                      <NodeName node={f} />
                    </span>
                    <Icon name="chevronRight" size={16} />
                  </button>
                </li>
              );
            })}
          </ul>
        )}
        {inside ? <p className="field__hint">{t('files.picker_inside')}</p> : null}
      </div>
      <div className="dialog__actions">
        <Button onClick={onClose}>{t('common.cancel')}</Button>
        <Button variant="primary" busy={busy} disabled={disabled} onClick={() => void submit()}>
          {mode === 'move'
            ? t('files.move_here', { folder: here.name })
            : t('files.copy_here', { folder: here.name })}
        </Button>
      </div>
    </Modal>
  );
}
