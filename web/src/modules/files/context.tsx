// What every files component needs: the store, the workspace, the caller's
// right, people's names, and the screen's navigation.
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { FileNode, Me, Workspace } from '../../api';
import { isApiError } from '../../api';
import { useI18n, type MessageKey } from '../../i18n';
import { useErrorText } from '../../util/errors';
import type { FilesState, FilesStore } from './store';

/** A dialog opened on a node (or on the folder shown, for "new folder"). */
export type FilesDialog =
  | { kind: 'new-folder' }
  | { kind: 'rename'; node: FileNode }
  | { kind: 'move'; node: FileNode }
  | { kind: 'copy'; node: FileNode }
  | { kind: 'preview'; node: FileNode }
  | { kind: 'versions'; node: FileNode }
  | { kind: 'share'; node: FileNode };

export interface FilesContextValue {
  store: FilesStore;
  workspace: Workspace;
  me: Me;
  /** The caller may change files (write right, workspace not archived). */
  canWrite: boolean;
  /** A person's name, or "someone". */
  nameOf(id: string): string;
  /** Goes to a folder ("" the root). */
  openFolder(id: string): void;
  openTrash(): void;
  openDialog(d: FilesDialog): void;
  /** Moves a node to the trash, saying so. */
  trash(n: FileNode): void;
}

const Ctx = createContext<FilesContextValue | null>(null);

export const FilesProvider = Ctx.Provider;

export function useFiles(): FilesContextValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('useFiles outside the files screen');
  return v;
}

/** A slice of the files state; `select` must return a part of the state, not a new object. */
export function useFilesState<T>(select: (s: FilesState) => T): T {
  const { store } = useFiles();
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}

const FILES_ERRORS: Record<string, MessageKey> = {
  quota_exceeded: 'files.error.quota',
  insufficient_storage: 'files.error.quota',
  exists: 'files.error.exists',
  is_a_folder: 'files.error.is_a_folder',
  not_a_folder: 'files.error.not_a_folder',
  locked: 'files.error.locked',
  read_only: 'files.error.read_only',
  invalid_name: 'files.error.invalid_name',
  no_parent: 'files.error.no_parent',
  conflict: 'files.error.conflict',
  forbidden: 'files.error.forbidden',
  offset_mismatch: 'files.error.network',
  network: 'files.error.network',
};

/** Server error codes in files words (quota, name taken, lock...). */
export function useFilesErrorText(): (e: unknown) => string {
  const text = useErrorText();
  const { t } = useI18n();
  return (e) => {
    const key = isApiError(e) ? FILES_ERRORS[e.code] : undefined;
    return key ? t(key) : text(e);
  };
}

/** The text of an error code kept in the upload queue. */
export function useUploadErrorText(): (code: string) => string {
  const { t } = useI18n();
  return (code) => t(FILES_ERRORS[code] ?? 'files.error.upload');
}
