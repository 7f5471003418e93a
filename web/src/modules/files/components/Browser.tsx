// A folder: breadcrumbs, the toolbar (upload, new folder, view, order), the
// entries (list or grid) with a details pane for the selected one, and the
// drop zone for files and folders. Armoured: the names opened in the browser
// (the search walks the tree there: the server cannot read them); nothing
// to upload or create while the workspace's current key is not held.
import { useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { useArmourText } from '../../../armour/i18n';
import { Alert, EmptyState, Spinner } from '../../../components/Feedback';
import { Button } from '../../../components/Button';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { useToast } from '../../../notifications/toasts';
import { useFiles, useFilesErrorText, useFilesState } from '../context';
import { formatOrder, parseOrder, sortNodes, type SortOrder } from '../logic/sort';
import { entriesOf, fromFileList, pickedFromDrop, type Picked } from '../logic/tree';
import { usePreference } from '../hooks';
import type { ShownNode } from '../sealed';
import type { ConflictChoice, DropTarget } from '../store';
import { Breadcrumbs } from './Breadcrumbs';
import { ConflictDialog } from './ConflictDialog';
import { DetailsPane } from './DetailsPane';
import { NodeList } from './NodeList';
import { FavoritesView } from './FavoritesView';
import { SearchResults } from './SearchResults';
import { Toolbar, type ViewMode } from './Toolbar';

export function Browser({ folderId }: { folderId: string }) {
  const { t, locale } = useI18n();
  const ta = useArmourText();
  const { store, canWrite, sealBlocked, openDialog, openFolder } = useFiles();
  // Armoured, without the current key: nothing new can be sealed (the toolbar says why).
  const canDrop = canWrite && !sealBlocked;
  const armoured = !!store.armour;
  const errorText = useFilesErrorText();
  const { toast } = useToast();
  const listing = useFilesState((s) => s.listing);
  const [view, setView] = usePreference<ViewMode>('ruche.files.view', 'list', ['list', 'grid']);
  const [orderText, setOrderText] = usePreference<string>('ruche.files.order', 'name:asc');
  const order = useMemo(() => parseOrder(orderText), [orderText]);
  const setOrder = (o: SortOrder) => setOrderText(formatOrder(o));
  const [selected, setSelected] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [favorites, setFavorites] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [pending, setPending] = useState<{
    picked: Picked;
    clashes: string[];
    into?: DropTarget;
  } | null>(null);
  const depth = useRef(0);
  // The next page loads by itself when its button comes near the screen
  // (scrolling down a long folder); the button stays for a click or a key.
  const moreRef = useRef<HTMLDivElement>(null);
  const hasMore = listing.loaded && listing.items.length < listing.total;
  useEffect(() => {
    const el = moreRef.current;
    if (!el || !hasMore || listing.loadingMore || typeof IntersectionObserver === 'undefined')
      return;
    const seen = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void store.loadMore();
      },
      { rootMargin: '800px 0px' },
    );
    seen.observe(el);
    return () => seen.disconnect();
  }, [store, hasMore, listing.loadingMore, listing.items.length]);

  const current = listing.folderId === folderId && listing.loaded;
  const items = useMemo(
    () => (current ? sortNodes(listing.items, order, locale) : []),
    [current, listing.items, order, locale],
  );
  const selectedNode = items.find((n) => n.id === selected) ?? null;

  // A new folder starts with nothing selected.
  const [shownFolder, setShownFolder] = useState(folderId);
  if (shownFolder !== folderId) {
    setShownFolder(folderId);
    setSelected(null);
    setSearch('');
    setFavorites(false);
  }

  /** Uploads into the folder shown (or `into` another), asking first when names are taken. */
  const upload = (picked: Picked, into?: DropTarget) => {
    if (!picked.files.length && !picked.folders.length) return;
    const taken = new Set(into ? into.names : listing.items.map((n) => n.name));
    // Names are compared as they are stored: NFC.
    const tops = new Set([
      ...picked.files.map((f) => (f.path.split('/')[0] ?? '').normalize('NFC')),
      ...picked.folders.map((f) => (f.split('/')[0] ?? '').normalize('NFC')),
    ]);
    const clashes = [...tops].filter((n) => taken.has(n));
    if (clashes.length) setPending({ picked, clashes, into });
    else store.upload(picked, undefined, into);
  };
  const decide = (choice: ConflictChoice | null) => {
    if (pending && choice) store.upload(pending.picked, choice, pending.into);
    setPending(null);
  };

  const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');
  const onDragEnter = (e: DragEvent) => {
    if (!canDrop || !hasFiles(e)) return;
    e.preventDefault();
    depth.current++;
    setDragging(true);
  };
  const onDragOver = (e: DragEvent) => {
    if (!canDrop || !hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  };
  const onDragLeave = () => {
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) setDragging(false);
  };
  /** Drops on the folder shown, or on one of its folders (`into`). */
  const onDrop = (e: DragEvent, into?: ShownNode) => {
    depth.current = 0;
    setDragging(false);
    if (!canDrop) return;
    e.preventDefault();
    // The items are only readable during the event.
    const dropped = entriesOf(e.dataTransfer.items);
    if (!dropped.entries.length && !dropped.files.length)
      dropped.files.push(...Array.from(e.dataTransfer.files));
    if (!into) {
      void pickedFromDrop(dropped).then((picked) => upload(picked));
      return;
    }
    void Promise.all([pickedFromDrop(dropped), store.dropTarget(into)]).then(
      ([picked, target]) => upload(picked, target),
      (error: unknown) => toast({ kind: 'error', title: errorText(error) }),
    );
  };

  const folderName =
    (listing.folder?.sealed && listing.folder.sealed.name !== 'open' ? '' : listing.folder?.name) ||
    t('module.files.name');
  let body;
  if (favorites) body = <FavoritesView onClose={() => setFavorites(false)} />;
  else if (search) body = <SearchResults query={search} onClose={() => setSearch('')} />;
  else if (!current) body = <Spinner label={t('common.loading')} />;
  else if (listing.error) body = <Alert kind="error">{errorText(listing.error)}</Alert>;
  else if (items.length === 0)
    body = (
      <EmptyState
        icon="files"
        title={folderId ? t('files.empty_folder') : t('files.empty_root')}
        action={
          canWrite ? (
            <Button
              variant="primary"
              icon="folderPlus"
              disabled={!!sealBlocked}
              title={sealBlocked ?? undefined}
              onClick={() => openDialog({ kind: 'new-folder' })}
            >
              {t('files.new_folder')}
            </Button>
          ) : null
        }
      >
        {canWrite ? t('files.empty_hint') : t('files.empty_read_only')}
      </EmptyState>
    );
  else
    body = (
      <NodeList
        items={items}
        view={view}
        selected={selected}
        onSelect={setSelected}
        label={t('files.contents_of', { folder: folderName })}
        focusKey={folderId}
        onUp={folderId ? () => openFolder(listing.folder?.parent_id ?? '') : undefined}
        onDropInto={canDrop ? (folder, e) => onDrop(e, folder) : undefined}
      />
    );

  return (
    <div
      className={dragging ? 'files-browser files-browser--dragging' : 'files-browser'}
      onDragEnter={onDragEnter}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={(e) => onDrop(e)}
      data-testid="files-drop"
    >
      <Toolbar
        view={view}
        onView={setView}
        order={order}
        onOrder={setOrder}
        onPick={(list) => upload(fromFileList(list))}
        onSearch={(q) => {
          setFavorites(false);
          setSearch(q);
        }}
        onFavorites={() => {
          setSearch('');
          setFavorites(true);
        }}
      />
      {armoured ? (
        <p className="files-armoured" title={ta('files.badge_hint')}>
          <span className="tag tag--success">
            <Icon name="lock" size={12} />
            {ta('files.badge')}
          </span>
        </p>
      ) : null}
      <Breadcrumbs />
      {!canWrite && current ? (
        <p className="files-readonly" role="note">
          {t('files.read_only')}
        </p>
      ) : null}
      <div className={selectedNode ? 'files-body files-body--details' : 'files-body'}>
        <div className="files-main">
          {body}
          {!search && current && listing.items.length < listing.total ? (
            <div className="files-more" ref={moreRef}>
              <Button busy={listing.loadingMore} onClick={() => void store.loadMore()}>
                {t('files.load_more', { count: listing.total - listing.items.length })}
              </Button>
            </div>
          ) : null}
        </div>
        {selectedNode ? (
          <DetailsPane node={selectedNode} onClose={() => setSelected(null)} />
        ) : null}
      </div>
      {dragging ? (
        <div className="files-dropzone" aria-hidden="true">
          <p>{t('files.drop_here', { folder: folderName })}</p>
        </div>
      ) : null}
      {pending ? <ConflictDialog names={pending.clashes} onDecide={decide} /> : null}
    </div>
  );
}
