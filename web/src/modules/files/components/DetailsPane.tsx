// The selected entry: what it is, who changed it, its lock, and what can be
// done with it (only reading for a read-only member). In an armoured
// workspace: no share links nor copies, and what the reader should know
// about its sealed records (a name or a version that does not open, a file
// taken back to an earlier version, an author whose keys are not known);
// no rename while the workspace's current key is not held (the reason beside).
import { useId } from 'react';
import { useArmourText } from '../../../armour/i18n';
import { Button } from '../../../components/Button';
import { Alert } from '../../../components/Feedback';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { useToast } from '../../../notifications/toasts';
import { sealBlockedProps, useFiles, useFilesErrorText } from '../context';
import { useFavorites } from '../favorites';
import { formatBytes } from '../logic/format';
import { previewOf, recordOf, type ShownNode } from '../sealed';
import { FileIcon } from './FileIcon';
import { useNodeName } from './NodeName';
import { useDownload, useOpenNode } from './NodeList';

export function DetailsPane({ node, onClose }: { node: ShownNode; onClose(): void }) {
  const { t, locale, dateTime } = useI18n();
  const ta = useArmourText();
  const { canWrite, sealBlocked, openDialog, trash, nameOf, me, workspace } = useFiles();
  const blockedId = useId();
  const favorites = useFavorites(workspace.id);
  const { toast } = useToast();
  const errorText = useFilesErrorText();
  const starred = favorites.ids.has(node.id);
  const open = useOpenNode();
  const download = useDownload();
  const name = useNodeName()(node);
  const file = node.kind === 'file';
  const sealed = node.sealed;
  const unreadable = sealed && sealed.name !== 'open' && sealed.name !== 'pending';
  const contentUnreadable = file && sealed && !recordOf(node) && sealed.content?.kind !== 'pending';
  const lockedBy = node.lock
    ? node.lock.user_id === me.id
      ? t('files.you')
      : nameOf(node.lock.user_id)
    : '';
  return (
    <aside className="files-details" aria-label={t('files.details_of', { name })}>
      <div className="files-details__head">
        <FileIcon node={node} size={28} />
        <h2 className="files-details__title">{name}</h2>
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
            {previewOf(node) ? (
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
            {/* Armoured: the server would have to read what it shares or copies. */}
            {sealed ? null : (
              <Button icon="link" onClick={() => openDialog({ kind: 'share', node })}>
                {t('files.share')}
              </Button>
            )}
            <Button
              icon="edit"
              {...sealBlockedProps(sealBlocked, blockedId)}
              onClick={() => openDialog({ kind: 'rename', node })}
            >
              {t('files.rename')}
            </Button>
            <Button icon="move" onClick={() => openDialog({ kind: 'move', node })}>
              {t('files.move')}
            </Button>
            {sealed ? null : (
              <Button icon="copy" onClick={() => openDialog({ kind: 'copy', node })}>
                {t('files.copy')}
              </Button>
            )}
            <Button icon="trash" variant="danger" onClick={() => trash(node)}>
              {t('files.delete')}
            </Button>
          </>
        ) : null}
      </div>
      {canWrite && sealBlocked ? (
        <p id={blockedId} className="files-details__blocked" role="note">
          {sealBlocked}
        </p>
      ) : null}
      {unreadable ? <Alert kind="warning">{ta('files.unreadable_name_hint')}</Alert> : null}
      {contentUnreadable ? <Alert kind="warning">{ta('files.unreadable_content')}</Alert> : null}
      {sealed?.rolledBack ? (
        <Alert kind="warning" title={ta('files.rolled_back')}>
          {ta('files.rolled_back_hint')}
        </Alert>
      ) : null}
      {sealed &&
      sealed.name === 'open' &&
      sealed.content?.kind !== 'pending' &&
      !contentUnreadable &&
      !sealed.verified ? (
        <p className="muted">{ta('files.unverified')}</p>
      ) : null}
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
