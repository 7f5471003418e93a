// The workspace's trash: where each entry was, when it was deleted and by
// whom; restore it (back where it was), or delete it for good. Armoured:
// names and places as this browser opened them. The newest first, a page
// at a time: "Older deletions" reads the next.
import { useState } from 'react';
import { Button } from '../../../components/Button';
import { ReadMore } from '../../../components/ShowMore';
import { ConfirmDialog } from '../../../components/Dialog';
import { Alert, EmptyState, Spinner } from '../../../components/Feedback';
import { Table } from '../../../components/Table';
import { Link } from '../../../router/router';
import { useI18n } from '../../../i18n';
import { useToast } from '../../../notifications/toasts';
import { useFiles, useFilesErrorText, useFilesState, usePathWhy, useShownPath } from '../context';
import { formatBytes } from '../logic/format';
import type { ShownNode } from '../sealed';
import { FileIcon } from './FileIcon';
import { NodeName, useNodeName } from './NodeName';

export function TrashView() {
  const { t, locale, dateTime } = useI18n();
  const { store, canWrite, nameOf, workspace } = useFiles();
  const { toast } = useToast();
  const errorText = useFilesErrorText();
  const trash = useFilesState((s) => s.trash);
  const nodeName = useNodeName();
  const shownPath = useShownPath();
  const pathWhy = usePathWhy();
  const [purging, setPurging] = useState<ShownNode | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reading, setReading] = useState(false);

  const older = async () => {
    setReading(true);
    setError(null);
    try {
      await store.loadOlderTrash();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setReading(false);
    }
  };

  const restore = async (n: ShownNode) => {
    setBusy(n.id);
    setError(null);
    try {
      const r = await store.restore(n);
      toast({
        kind: 'success',
        title: t('files.restored', { name: nodeName(r), path: shownPath(r.path) }),
      });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  };
  const purge = async () => {
    const n = purging;
    if (!n) return;
    setBusy(n.id);
    try {
      await store.purge(n);
      toast({ kind: 'success', title: t('files.purged', { name: nodeName(n) }) });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
      setPurging(null);
    }
  };

  return (
    <div className="files-trash">
      <p className="files-trash__lead">
        <Link to={`/w/${workspace.id}/files`}>{t('files.back_to_files')}</Link>
        {' · '}
        {t('files.trash_lead')}
      </p>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {!trash.loaded ? (
        <Spinner label={t('common.loading')} />
      ) : trash.error ? (
        <Alert kind="error">{errorText(trash.error)}</Alert>
      ) : trash.items.length === 0 ? (
        <EmptyState icon="trash" title={t('files.trash_empty')}>
          {t('files.trash_empty_body')}
        </EmptyState>
      ) : (
        <Table
          className="files-trash__table"
          columns={[
            t('files.col_name'),
            t('files.trash_from'),
            t('files.trash_deleted'),
            t('files.col_size'),
          ]}
          actions={canWrite ? 'shown' : undefined}
        >
          {trash.items.map((n) => (
            <tr key={n.id}>
              <th scope="row">
                <span className="files-trash__name">
                  <FileIcon node={n} size={18} />
                  <NodeName node={n} />
                </span>
              </th>
              <td title={pathWhy(n.path)}>{shownPath(n.path)}</td>
              <td>
                {n.trashed_at ? dateTime(n.trashed_at) : ''}
                {n.trashed_by ? ` · ${nameOf(n.trashed_by)}` : ''}
              </td>
              <td>{n.kind === 'file' ? formatBytes(n.size, locale) : t('files.folder')}</td>
              {canWrite ? (
                <td className="table__actions">
                  <Button
                    size="sm"
                    icon="restore"
                    busy={busy === n.id}
                    onClick={() => void restore(n)}
                    aria-label={t('files.restore_named', { name: nodeName(n) })}
                  >
                    {t('files.restore')}
                  </Button>
                  <Button
                    size="sm"
                    variant="danger"
                    onClick={() => setPurging(n)}
                    aria-label={t('files.purge_named', { name: nodeName(n) })}
                  >
                    {t('files.purge')}
                  </Button>
                </td>
              ) : null}
            </tr>
          ))}
        </Table>
      )}
      {trash.loaded && !trash.error && trash.more ? (
        <ReadMore label={t('files.trash_older')} busy={reading} onMore={() => void older()} />
      ) : null}
      <ConfirmDialog
        open={purging !== null}
        title={t('files.purge_title', { name: purging ? nodeName(purging) : '' })}
        confirmLabel={t('files.purge')}
        cancelLabel={t('common.cancel')}
        danger
        busy={busy !== null && busy === purging?.id}
        onConfirm={() => void purge()}
        onCancel={() => setPurging(null)}
      >
        <p>{t('files.purge_body')}</p>
      </ConfirmDialog>
    </div>
  );
}
