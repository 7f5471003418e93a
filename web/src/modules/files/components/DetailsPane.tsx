// The selected entry: what it is, who changed it, its lock, and what can be
// done with it (only reading for a read-only member).
import type { FileNode } from '../../../api';
import { Button } from '../../../components/Button';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { useToast } from '../../../notifications/toasts';
import { useFiles, useFilesErrorText } from '../context';
import { useFavorites } from '../favorites';
import { formatBytes, previewKind } from '../logic/format';
import { FileIcon } from './FileIcon';
import { download, useOpenNode } from './NodeList';

export function DetailsPane({ node, onClose }: { node: FileNode; onClose(): void }) {
  const { t, locale, dateTime } = useI18n();
  const { canWrite, openDialog, trash, nameOf, me, workspace } = useFiles();
  const favorites = useFavorites(workspace.id);
  const { toast } = useToast();
  const errorText = useFilesErrorText();
  const starred = favorites.ids.has(node.id);
  const open = useOpenNode();
  const file = node.kind === 'file';
  const lockedBy = node.lock
    ? node.lock.user_id === me.id
      ? t('files.you')
      : nameOf(node.lock.user_id)
    : '';
  return (
    <aside className="files-details" aria-label={t('files.details_of', { name: node.name })}>
      <div className="files-details__head">
        <FileIcon node={node} size={28} />
        <h2 className="files-details__title">{node.name}</h2>
        <button
          type="button"
          className="icon-btn"
          onClick={onClose}
          aria-label={t('files.close_details')}
          title={t('files.close_details')}
        >
          <Icon name="close" size={18} />
        </button>
      </div>
      <div className="files-details__actions">
        {file ? (
          <>
            {previewKind(node) ? (
              <Button icon="eye" onClick={() => open(node)}>
                {t('files.preview')}
              </Button>
            ) : null}
            <Button icon="download" onClick={() => download(node)}>
              {t('files.download')}
            </Button>
            <Button icon="history" onClick={() => openDialog({ kind: 'versions', node })}>
              {t('files.versions')}
            </Button>
          </>
        ) : (
          <Button icon="files" onClick={() => open(node)}>
            {t('files.open_folder')}
          </Button>
        )}
        <Button
          icon="star"
          aria-pressed={starred}
          onClick={() =>
            favorites.store
              .toggle(node, !starred)
              .catch((e: unknown) => toast({ kind: 'error', title: errorText(e) }))
          }
        >
          {starred ? t('files.unfavorite') : t('files.favorite')}
        </Button>
        {canWrite ? (
          <>
            <Button icon="link" onClick={() => openDialog({ kind: 'share', node })}>
              {t('files.share')}
            </Button>
            <Button icon="edit" onClick={() => openDialog({ kind: 'rename', node })}>
              {t('files.rename')}
            </Button>
            <Button icon="move" onClick={() => openDialog({ kind: 'move', node })}>
              {t('files.move')}
            </Button>
            <Button icon="copy" onClick={() => openDialog({ kind: 'copy', node })}>
              {t('files.copy')}
            </Button>
            <Button icon="trash" variant="danger" onClick={() => trash(node)}>
              {t('files.delete')}
            </Button>
          </>
        ) : null}
      </div>
      {node.lock ? (
        <p className="files-details__lock">
          <Icon name="lock" size={16} />
          {t('files.locked_until', {
            name: lockedBy,
            date: dateTime(node.lock.expires_at),
          })}
        </p>
      ) : null}
      <dl className="files-details__facts">
        <dt>{t('files.kind')}</dt>
        <dd>{file ? node.content_type || t('files.kind_file') : t('files.folder')}</dd>
        {file ? (
          <>
            <dt>{t('files.col_size')}</dt>
            <dd>{formatBytes(node.size, locale)}</dd>
            <dt>{t('files.version')}</dt>
            <dd>{node.version ?? 1}</dd>
          </>
        ) : null}
        <dt>{t('files.col_modified')}</dt>
        <dd>
          {node.mtime ? dateTime(node.mtime) : '—'}
          {node.updated_by ? ` · ${nameOf(node.updated_by)}` : ''}
        </dd>
        {node.created_at ? (
          <>
            <dt>{t('files.created')}</dt>
            <dd>
              {dateTime(node.created_at)}
              {node.created_by ? ` · ${nameOf(node.created_by)}` : ''}
            </dd>
          </>
        ) : null}
      </dl>
    </aside>
  );
}
