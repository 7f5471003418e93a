// What every files component needs: the store, the workspace, the caller's
// right, people's names, and the screen's navigation.
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Me, Workspace } from '../../api';
import { isApiError } from '../../api';
import { isArmourError } from '../../armour/format';
import { armourCodeKey, armourErrorKey, useArmourText } from '../../armour/i18n';
import type { Keyring } from '../../armour/keyring';
import { useAwaitingKey } from '../../armour/KeysStatus';
import { useI18n, type MessageKey } from '../../i18n';
import { useErrorText } from '../../util/errors';
import { shownPath } from './logic/path';
import type { ShownNode } from './sealed';
import type { FilesState, FilesStore } from './store';

/** A dialog opened on a node (or on the folder shown, for "new folder"). */
export type FilesDialog =
  | { kind: 'new-folder' }
  | { kind: 'rename'; node: ShownNode }
  | { kind: 'move'; node: ShownNode }
  | { kind: 'copy'; node: ShownNode }
  | { kind: 'preview'; node: ShownNode }
  | { kind: 'versions'; node: ShownNode }
  | { kind: 'share'; node: ShownNode };

export interface FilesContextValue {
  store: FilesStore;
  workspace: Workspace;
  me: Me;
  /** The caller may change files (write right, workspace not archived). */
  canWrite: boolean;
  /**
   * Armoured: why nothing new can be sealed now (the workspace's current
   * key not received yet: no upload, no new folder, no rename, no version
   * restored or uploaded), else null. From useSealBlocked.
   */
  sealBlocked: string | null;
  /** A person's name, or "someone". */
  nameOf(id: string): string;
  /** Goes to a folder ("" the root). */
  openFolder(id: string): void;
  openTrash(): void;
  openDialog(d: FilesDialog): void;
  /** Moves a node to the trash, saying so. */
  trash(n: ShownNode): void;
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

const never = () => () => undefined;

/**
 * Armoured: why nothing can be sealed with `keys` now (their current key
 * not held yet), else null (and in a plain workspace, `keys` null): the
 * files screen's `sealBlocked`.
 */
export function useSealBlocked(keys: Keyring | null): string | null {
  const ta = useArmourText();
  return useAwaitingKey(keys) ? ta('files.no_key') : null;
}

/**
 * What a button that seals gets while `sealBlocked` (useFiles): disabled,
 * the reason on hover, and described by the note `noteId` that says it
 * (shown beside, for screen readers and touch screens); nothing otherwise.
 */
export function sealBlockedProps(
  sealBlocked: string | null,
  noteId: string,
): { disabled?: boolean; title?: string; 'aria-describedby'?: string } {
  return sealBlocked ? { disabled: true, title: sealBlocked, 'aria-describedby': noteId } : {};
}

/**
 * The version of the armour's keys (0 in a plain workspace): nodes opened
 * outside the store (favorites, versions) open again when it changes.
 */
export function useKeysVersion(): number {
  const keys = useFiles().store.armour?.keys;
  return useSyncExternalStore(keys ? keys.subscribe : never, () =>
    keys ? keys.getState().version : 0,
  );
}

/** A path as people read it (armoured: in the names this browser opened). */
export function useShownPath(): (path: string) => string {
  const { store } = useFiles();
  const names = useFilesState((s) => s.names);
  return (path) => shownPath(path, store.armour ? names : undefined);
}

/**
 * Why a name token shows as "…" (armoured): its name does not open here,
 * its folder was not found, or it is still being fetched; undefined when
 * it shows as its name (or in a plain workspace).
 */
export function useUnnamedWhy(): (token: string) => string | undefined {
  const { store } = useFiles();
  const ta = useArmourText();
  const names = useFilesState((s) => s.names);
  const unnamed = useFilesState((s) => s.unnamed);
  return (token) => {
    if (!store.armour || names.has(token)) return undefined;
    const why = unnamed.get(token);
    if (why === 'unreadable') return ta('files.unreadable_name');
    return why === 'missing' ? ta('files.unknown_folder') : ta('file.opening');
  };
}

/** Why a path shows a "…" (its first folder that does not show as a name), or undefined. */
export function usePathWhy(): (path: string) => string | undefined {
  const why = useUnnamedWhy();
  return (path) => {
    for (const token of path.split('/')) {
      const w = token ? why(token) : undefined;
      if (w) return w;
    }
    return undefined;
  };
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
  upload_expired: 'files.error.upload_expired',
  too_many_shares: 'files.error.too_many_shares',
};

/**
 * Server error codes in files words (quota, name taken, lock...); armoured
 * workspaces: the armour's words for keys and sealed files.
 */
export function useFilesErrorText(): (e: unknown) => string {
  const text = useErrorText();
  const ta = useArmourText();
  const { t } = useI18n();
  return (e) => {
    const key = isApiError(e) ? FILES_ERRORS[e.code] : undefined;
    if (key) return t(key);
    if (isArmourError(e, 'bad_file')) return ta('files.bad');
    const armour = armourErrorKey(e);
    return armour ? ta(armour) : text(e);
  };
}

/** The text of an error code kept in the upload queue (a server's, or the armour's). */
export function useUploadErrorText(): (code: string) => string {
  const { t } = useI18n();
  const ta = useArmourText();
  return (code) => {
    const key = FILES_ERRORS[code];
    if (key) return t(key);
    const armour = armourCodeKey(code);
    return armour ? ta(armour) : t('files.error.upload');
  };
}
