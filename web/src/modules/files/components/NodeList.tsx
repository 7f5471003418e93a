// A folder's entries as a listbox, in rows (list) or tiles (grid). One
// entry is selected and holds the focus (roving tabindex): arrow keys,
// Home/End move; Enter opens; Delete moves to the trash; F2 renames (or,
// armoured without the current key, says why it cannot); Backspace or
// Alt+↑ goes up to the parent folder.
import {
  memo,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type DragEvent,
  type KeyboardEvent,
} from 'react';
import { api } from '../../../api';
import type { ContentRecord } from '../../../armour/format';
import { useArmourText } from '../../../armour/i18n';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { useToast } from '../../../notifications/toasts';
import { startDownload } from '../../../util/download';
import { useFiles, useFilesErrorText } from '../context';
import { formatBytes } from '../logic/format';
import { moveIndex } from '../logic/keys';
import { previewOf, recordOf, type ShownNode } from '../sealed';
import { FileIcon } from './FileIcon';
import { NodeName } from './NodeName';
import { Thumbnail, hasThumbnail } from './Thumbnail';
import type { ViewMode } from './Toolbar';

/** Opens a node: a folder is entered, a file previewed (or downloaded). */
export function useOpenNode(): (n: ShownNode) => void {
  const { openFolder, openDialog } = useFiles();
  const download = useDownload();
  return (n) => {
    if (n.kind === 'folder') openFolder(n.id);
    else if (previewOf(n)) openDialog({ kind: 'preview', node: n });
    else download(n);
  };
}

/**
 * Downloads a file, or one of its versions (with that version's record in
 * an armoured workspace): the browser's own download of the bytes as they
 * are, or, armoured, the bytes fetched, opened and saved under the real
 * name. What fails says so.
 */
export function useDownload(): (
  n: ShownNode,
  version?: { number: number; record?: ContentRecord | null },
) => void {
  const { store } = useFiles();
  const { toast } = useToast();
  const errorText = useFilesErrorText();
  const ta = useArmourText();
  return (n, version) => {
    const armour = store.armour;
    if (!armour || !n.sealed) {
      startDownload(api.files.contentUrl(n.id, version?.number), n.name);
      return;
    }
    const record = version ? version.record : recordOf(n);
    if (!record) {
      toast({ kind: 'error', title: ta('files.unreadable_content') });
      return;
    }
    // A name that did not open: saved under the token, not under a guess.
    const name = n.sealed.name === 'open' ? n.name : n.sealed.token;
    armour
      .download(n.id, name, record, version?.number)
      .catch((e: unknown) => toast({ kind: 'error', title: errorText(e) }));
  };
}

/** What a row does, the same functions for every row and render (rows are memoized). */
interface RowActions {
  select(id: string): void;
  focusFirst(id: string): void;
  open(n: ShownNode): void;
  /** Files dragged over a folder's row: `over` is the row highlighted. */
  dragOver(id: string | null): void;
  dropInto?: (folder: ShownNode, e: DragEvent) => void;
}

// One entry. Memoized: a folder of thousands re-renders only the rows whose
// node, selection, focus or drop highlight changed (a click or an arrow key
// used to redraw every row). Off-screen rows are not laid out either
// (`content-visibility: auto` in files.css), yet stay in the DOM: the
// browser's find, the keyboard and screen readers reach every entry.
const NodeRow = memo(function NodeRow({
  node: n,
  view,
  selected,
  focusable,
  over,
  actions,
}: {
  node: ShownNode;
  view: ViewMode;
  selected: boolean;
  focusable: boolean;
  over: boolean;
  actions: RowActions;
}) {
  const { t, locale, dateTime } = useI18n();
  const { nameOf } = useFiles();
  const locked = !!n.lock;
  const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');
  const dropInto = actions.dropInto;
  const dropProps =
    dropInto && n.kind === 'folder'
      ? {
          onDragOver: (e: DragEvent) => {
            if (!hasFiles(e)) return;
            e.preventDefault();
            e.dataTransfer.dropEffect = 'copy';
            if (!over) actions.dragOver(n.id);
          },
          onDragLeave: (e: DragEvent) => {
            if (!e.currentTarget.contains(e.relatedTarget as Node | null)) actions.dragOver(null);
          },
          onDrop: (e: DragEvent) => {
            if (!hasFiles(e)) return;
            e.preventDefault();
            e.stopPropagation();
            actions.dragOver(null);
            dropInto(n, e);
          },
        }
      : {};
  return (
    <li
      role="option"
      aria-selected={selected}
      tabIndex={focusable ? 0 : -1}
      className={over ? 'files-item files-item--drop' : 'files-item'}
      data-kind={n.kind}
      data-id={n.id}
      {...dropProps}
      onClick={() => actions.select(n.id)}
      onFocus={() => actions.focusFirst(n.id)}
      onDoubleClick={() => actions.open(n)}
    >
      {view === 'grid' && hasThumbnail(n) ? (
        <Thumbnail node={n}>
          <FileIcon node={n} size={36} />
        </Thumbnail>
      ) : (
        <FileIcon node={n} size={view === 'grid' ? 36 : 20} />
      )}
      <span className="files-item__name">
        <NodeName node={n} />
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
});

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
  items: readonly ShownNode[];
  view: ViewMode;
  selected: string | null;
  onSelect(id: string | null): void;
  label: string;
  /** Changes when another folder is shown: the focus moves to its first entry. */
  focusKey: string;
  /** Goes to the parent folder (Backspace, Alt+↑); absent at the root. */
  onUp?: () => void;
  /** Files dropped on a folder's entry go into that folder; absent: no such drops. */
  onDropInto?: (folder: ShownNode, e: DragEvent) => void;
}) {
  const { t } = useI18n();
  const { canWrite, sealBlocked, openDialog, trash } = useFiles();
  const { toast } = useToast();
  const open = useOpenNode();
  const list = useRef<HTMLUListElement>(null);
  // The folder entry files are dragged over (highlighted as the target).
  const [over, setOver] = useState<string | null>(null);
  const firstKey = useRef(focusKey);

  // The rows' actions read the latest props through a ref: one object for
  // the list's lifetime, so that memoized rows are not redrawn for new closures.
  const latest = useRef({ onSelect, open, selected, onDropInto });
  useLayoutEffect(() => {
    latest.current = { onSelect, open, selected, onDropInto };
  });
  const hasDrop = !!onDropInto;
  const actions = useMemo<RowActions>(
    () => ({
      select: (id) => latest.current.onSelect(id),
      focusFirst: (id) => {
        if (latest.current.selected === null) latest.current.onSelect(id);
      },
      open: (n) => latest.current.open(n),
      dragOver: (id) => setOver(id),
      dropInto: hasDrop ? (folder, e) => latest.current.onDropInto?.(folder, e) : undefined,
    }),
    [hasDrop],
  );

  // The rows are the list's children, in order: no search through thousands.
  const option = (i: number) => list.current?.children[i] as HTMLElement | undefined;

  // Another folder: focus its first entry when the focus was in the browser (or lost).
  useEffect(() => {
    if (firstKey.current === focusKey) return;
    firstKey.current = focusKey;
    const active = document.activeElement;
    const inside = !active || active === document.body || !!active.closest('.files-browser');
    if (inside) option(0)?.focus({ preventScroll: false });
  }, [focusKey]);

  // Tiles in the grid's first row (they all start at its top).
  const columns = () => {
    if (view === 'list') return 1;
    const top = option(0)?.offsetTop;
    let n = 1;
    while (n < items.length && option(n)?.offsetTop === top) n++;
    return n;
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
      // As the rename button: disabled, with the reason (announced here).
      if (sealBlocked) toast({ kind: 'info', title: sealBlocked });
      else openDialog({ kind: 'rename', node });
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
    option(next)?.focus();
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
        {items.map((n, i) => (
          <NodeRow
            key={n.id}
            node={n}
            view={view}
            selected={n.id === selected}
            focusable={i === focusable}
            over={over === n.id}
            actions={actions}
          />
        ))}
      </ul>
    </div>
  );
}
