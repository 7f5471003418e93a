// A folder's entries as a listbox, in rows (list) or tiles (grid). One
// entry is selected and holds the focus (roving tabindex): arrow keys,
// Home/End move; Enter opens; Delete moves to the trash; F2 renames;
// Backspace or Alt+↑ goes up to the parent folder.
import { useEffect, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import type { FileNode } from '../../../api';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { useFiles } from '../context';
import { formatBytes, previewKind } from '../logic/format';
import { moveIndex } from '../logic/keys';
import { FileIcon } from './FileIcon';
import { Thumbnail, hasThumbnail } from './Thumbnail';
import type { ViewMode } from './Toolbar';

/** Opens a node: a folder is entered, a file previewed (or downloaded). */
export function useOpenNode(): (n: FileNode) => void {
  const { openFolder, openDialog } = useFiles();
  return (n) => {
    if (n.kind === 'folder') openFolder(n.id);
    else if (previewKind(n)) openDialog({ kind: 'preview', node: n });
    else download(n);
  };
}

/** Starts the browser's download of a file (an attachment). */
export function download(n: FileNode, version?: number): void {
  const a = document.createElement('a');
  a.href = `/api/v1/files/${encodeURIComponent(n.id)}${version === undefined ? '' : `/versions/${version}`}/content`;
  a.download = n.name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export function NodeList({
  items,
  view,
  selected,
  onSelect,
  label,
  focusKey,
  onUp,
  onDropInto,
}: {
  items: readonly FileNode[];
  view: ViewMode;
  selected: string | null;
  onSelect(id: string | null): void;
  label: string;
  /** Changes when another folder is shown: the focus moves to its first entry. */
  focusKey: string;
  /** Goes to the parent folder (Backspace, Alt+↑); absent at the root. */
  onUp?: () => void;
  /** Files dropped on a folder's entry go into that folder; absent: no such drops. */
  onDropInto?: (folder: FileNode, e: DragEvent) => void;
}) {
  const { t, locale, dateTime } = useI18n();
  const { canWrite, openDialog, trash, nameOf } = useFiles();
  const open = useOpenNode();
  const list = useRef<HTMLUListElement>(null);
  // The folder entry files are dragged over (highlighted as the target).
  const [over, setOver] = useState<string | null>(null);
  const dropProps = (n: FileNode) => {
    if (!onDropInto || n.kind !== 'folder') return {};
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');
    return {
      onDragOver: (e: DragEvent) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        if (over !== n.id) setOver(n.id);
      },
      onDragLeave: (e: DragEvent) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(null);
      },
      onDrop: (e: DragEvent) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.stopPropagation();
        setOver(null);
        onDropInto(n, e);
      },
    };
  };
  const firstKey = useRef(focusKey);

  const options = () =>
    Array.from(list.current?.querySelectorAll<HTMLElement>('[role="option"]') ?? []);

  // Another folder: focus its first entry when the focus was in the browser (or lost).
  useEffect(() => {
    if (firstKey.current === focusKey) return;
    firstKey.current = focusKey;
    const active = document.activeElement;
    const inside = !active || active === document.body || !!active.closest('.files-browser');
    if (inside) options()[0]?.focus({ preventScroll: false });
  }, [focusKey]);

  const columns = () => {
    if (view === 'list') return 1;
    const all = options();
    const top = all[0]?.offsetTop;
    const n = all.filter((o) => o.offsetTop === top).length;
    return Math.max(1, n);
  };

  const index = selected ? items.findIndex((n) => n.id === selected) : -1;
  const focusable = index >= 0 ? index : 0;

  const onKey = (e: KeyboardEvent<HTMLUListElement>) => {
    if (onUp && (e.key === 'Backspace' || (e.altKey && e.key === 'ArrowUp'))) {
      e.preventDefault();
      onUp();
      return;
    }
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const node = index >= 0 ? items[index] : undefined;
    if (e.key === 'Enter' && node) {
      e.preventDefault();
      open(node);
      return;
    }
    if (e.key === 'Delete' && node && canWrite) {
      e.preventDefault();
      trash(node);
      return;
    }
    if (e.key === 'F2' && node && canWrite) {
      e.preventDefault();
      openDialog({ kind: 'rename', node });
      return;
    }
    if (e.key === 'Escape' && node) {
      onSelect(null);
      return;
    }
    const next = moveIndex(index, e.key, items.length, columns());
    if (next === null) return;
    e.preventDefault();
    const target = items[next];
    if (!target) return;
    onSelect(target.id);
    options()[next]?.focus();
  };

  return (
    <div className={`files-list files-list--${view}`}>
      {view === 'list' ? (
        <div className="files-list__head" aria-hidden="true">
          <span>{t('files.col_name')}</span>
          <span>{t('files.col_size')}</span>
          <span>{t('files.col_modified')}</span>
        </div>
      ) : null}
      <ul
        ref={list}
        role="listbox"
        aria-label={label}
        className="files-list__items"
        onKeyDown={onKey}
      >
        {items.map((n, i) => {
          const locked = !!n.lock;
          return (
            <li
              key={n.id}
              role="option"
              aria-selected={n.id === selected}
              tabIndex={i === focusable ? 0 : -1}
              className={over === n.id ? 'files-item files-item--drop' : 'files-item'}
              data-kind={n.kind}
              data-id={n.id}
              {...dropProps(n)}
              onClick={() => onSelect(n.id)}
              onFocus={() => {
                if (selected === null) onSelect(n.id);
              }}
              onDoubleClick={() => open(n)}
            >
              {view === 'grid' && hasThumbnail(n) ? (
                <Thumbnail node={n}>
                  <FileIcon node={n} size={36} />
                </Thumbnail>
              ) : (
                <FileIcon node={n} size={view === 'grid' ? 36 : 20} />
              )}
              <span className="files-item__name">
                {n.name}
                {locked ? (
                  <span className="files-item__lock">
                    <Icon name="lock" size={14} />
                    <span className="visually-hidden">
                      {t('files.locked_by', { name: nameOf(n.lock?.user_id ?? '') })}
                    </span>
                  </span>
                ) : null}
              </span>
              <span className="files-item__size">
                {n.kind === 'file' ? formatBytes(n.size, locale) : t('files.folder')}
              </span>
              <span className="files-item__date">{n.mtime ? dateTime(n.mtime) : ''}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
