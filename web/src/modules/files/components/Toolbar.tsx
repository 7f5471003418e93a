// The folder's toolbar: upload files or a folder, new folder, search by
// name, the trash, list or grid, and the order.
import { useEffect, useId, useRef } from 'react';
import { Button } from '../../../components/Button';
import { Icon } from '../../../components/Icon';
import { useI18n, type MessageKey } from '../../../i18n';
import { sealBlockedProps, useFiles } from '../context';
import { SORT_KEYS, type SortKey, type SortOrder } from '../logic/sort';

export type ViewMode = 'list' | 'grid';

const SORT_LABELS: Record<SortKey, MessageKey> = {
  name: 'files.sort_name',
  size: 'files.sort_size',
  mtime: 'files.sort_mtime',
};

export function Toolbar({
  view,
  onView,
  order,
  onOrder,
  onPick,
  onSearch,
  onFavorites,
}: {
  view: ViewMode;
  onView(v: ViewMode): void;
  order: SortOrder;
  onOrder(o: SortOrder): void;
  onPick(files: File[]): void;
  /** A name to look for in the whole workspace ("" to stop). */
  onSearch(query: string): void;
  /** Shows the person's favorites. */
  onFavorites(): void;
}) {
  const { t } = useI18n();
  const { canWrite, sealBlocked, openDialog, openTrash } = useFiles();
  const blockedId = useId();
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const sortId = useId();

  useEffect(() => {
    // Not in React's input attributes: a folder picker.
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, [canWrite]);

  const picked = (input: HTMLInputElement | null) => {
    if (!input?.files) return;
    const list = Array.from(input.files);
    input.value = '';
    if (list.length) onPick(list);
  };

  return (
    <div className="files-toolbar">
      {canWrite ? (
        <div className="files-toolbar__group">
          <Button
            variant="primary"
            icon="upload"
            {...sealBlockedProps(sealBlocked, blockedId)}
            onClick={() => filesInput.current?.click()}
          >
            {t('files.upload')}
          </Button>
          <input
            ref={filesInput}
            type="file"
            multiple
            hidden
            aria-label={t('files.upload_files')}
            data-testid="files-input"
            onChange={(e) => picked(e.currentTarget)}
          />
          <Button
            icon="upload"
            {...sealBlockedProps(sealBlocked, blockedId)}
            onClick={() => folderInput.current?.click()}
          >
            {t('files.upload_folder')}
          </Button>
          <input
            ref={folderInput}
            type="file"
            hidden
            aria-label={t('files.upload_folder')}
            data-testid="folder-input"
            onChange={(e) => picked(e.currentTarget)}
          />
          <Button
            icon="folderPlus"
            {...sealBlockedProps(sealBlocked, blockedId)}
            onClick={() => openDialog({ kind: 'new-folder' })}
          >
            {t('files.new_folder')}
          </Button>
          {sealBlocked ? (
            <p id={blockedId} className="files-toolbar__blocked" role="note">
              {sealBlocked}
            </p>
          ) : null}
        </div>
      ) : null}
      <div className="files-toolbar__group files-toolbar__group--end">
        <form
          role="search"
          className="files-toolbar__search"
          onSubmit={(e) => {
            e.preventDefault();
            const q = new FormData(e.currentTarget).get('q');
            onSearch(typeof q === 'string' ? q.trim() : '');
          }}
        >
          <input
            type="search"
            name="q"
            className="input"
            maxLength={200}
            placeholder={t('files.search_placeholder')}
            aria-label={t('files.search_label')}
            onChange={(e) => {
              if (!e.currentTarget.value) onSearch('');
            }}
          />
        </form>
        <label htmlFor={sortId} className="files-toolbar__label">
          {t('files.sort_by')}
        </label>
        <select
          id={sortId}
          className="input select files-toolbar__select"
          value={order.key}
          onChange={(e) => onOrder({ ...order, key: e.currentTarget.value as SortKey })}
        >
          {SORT_KEYS.map((k) => (
            <option key={k} value={k}>
              {t(SORT_LABELS[k])}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="icon-btn"
          onClick={() => onOrder({ ...order, dir: order.dir === 'asc' ? 'desc' : 'asc' })}
          aria-label={order.dir === 'asc' ? t('files.sort_asc') : t('files.sort_desc')}
          title={order.dir === 'asc' ? t('files.sort_asc') : t('files.sort_desc')}
        >
          <Icon name={order.dir === 'asc' ? 'arrowUp' : 'arrowDown'} size={18} />
        </button>
        <div className="files-toolbar__views" role="group" aria-label={t('files.view')}>
          <button
            type="button"
            className="icon-btn"
            aria-pressed={view === 'list'}
            aria-label={t('files.view_list')}
            title={t('files.view_list')}
            onClick={() => onView('list')}
          >
            <Icon name="list" size={18} />
          </button>
          <button
            type="button"
            className="icon-btn"
            aria-pressed={view === 'grid'}
            aria-label={t('files.view_grid')}
            title={t('files.view_grid')}
            onClick={() => onView('grid')}
          >
            <Icon name="grid" size={18} />
          </button>
        </div>
        <Button icon="star" variant="ghost" onClick={onFavorites}>
          {t('files.favorites')}
        </Button>
        <Button icon="trash" variant="ghost" onClick={openTrash}>
          {t('files.trash')}
        </Button>
      </div>
    </div>
  );
}
