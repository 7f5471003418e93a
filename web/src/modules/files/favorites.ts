// The person's favorite files and folders in a workspace: loaded when asked,
// changed from here (optimistic) and followed live (file.favorite from any
// of their clients), their entries as they change (renamed, moved: file.*
// and folder.* events; armoured, with their new name records). One store
// per workspace, shared by the details pane (the star) and the favorites view.
import { useEffect, useSyncExternalStore } from 'react';
import { api, type EventFrame, type FileNode } from '../../api';
import { liveEvents } from '../../events';
import { Store } from '../../util/store';
import { mergedNode, nodeEvent } from './logic/events';

export interface FavoritesState {
  /** null until loaded. */
  list: FileNode[] | null;
  ids: ReadonlySet<string>;
  error: unknown;
}

const EMPTY: FavoritesState = { list: null, ids: new Set(), error: null };

export class FavoritesStore extends Store<FavoritesState> {
  private loading: Promise<void> | null = null;

  constructor(private readonly workspaceId: string) {
    super(EMPTY);
  }

  load(): Promise<void> {
    this.loading ??= api.files
      .favorites(this.workspaceId)
      .then(
        (list) => this.set({ list, ids: new Set(list.map((n) => n.id)), error: null }),
        (error: unknown) => this.set({ error }),
      )
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }

  /** Stars or unstars `node`; the list is asked again once the server agrees. */
  async toggle(node: FileNode, on: boolean): Promise<void> {
    const ids = new Set(this.state.ids);
    if (on) ids.add(node.id);
    else ids.delete(node.id);
    const list =
      this.state.list && !on ? this.state.list.filter((n) => n.id !== node.id) : this.state.list;
    this.set({ ids, list });
    try {
      await api.files.setFavorite(node.id, on);
    } finally {
      await this.load();
    }
  }

  /** An entry changed (renamed, moved, a new version): the list shows it as it is now. */
  heard(e: EventFrame): void {
    const ev = nodeEvent(e);
    const list = this.state.list;
    if (!ev || !list || ev.action === 'deleted' || ev.action === 'purged') return;
    if (!this.state.ids.has(ev.data.id)) return;
    const next = list.map((n) =>
      n.id === ev.data.id ? mergedNode(n, ev.data, e.workspace_id) : n,
    );
    this.set({ list: next });
  }
}

const stores = new Map<string, FavoritesStore>();

export function favoritesOf(workspaceId: string): FavoritesStore {
  let s = stores.get(workspaceId);
  if (!s) {
    const store = new FavoritesStore(workspaceId);
    // For the page's life, as the store.
    const follow = (e: EventFrame) => {
      if (e.workspace_id === workspaceId) store.heard(e);
    };
    liveEvents().subscribe('file.*', follow);
    liveEvents().subscribe('folder.*', follow);
    stores.set(workspaceId, store);
    s = store;
  }
  return s;
}

/** The favorites of `workspaceId`, loaded on first use and kept live. */
export function useFavorites(workspaceId: string): FavoritesState & { store: FavoritesStore } {
  const store = favoritesOf(workspaceId);
  const state = useSyncExternalStore(store.subscribe, store.getState);
  useEffect(() => {
    void store.load();
    return liveEvents().subscribe('file.favorite', (e) => {
      if (e.workspace_id === workspaceId) void store.load();
    });
  }, [store, workspaceId]);
  return { ...state, store };
}
