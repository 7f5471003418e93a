// What a drop or a folder picker brings: files with their paths relative to
// the drop target, and the folders to create first (empty ones included).
// Dropped folders are walked through the File and Directory Entries API
// (DataTransferItem.webkitGetAsEntry); these interfaces are the part of it
// used here, so tests can hand in fakes.

export interface EntryLike {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly name: string;
}

export interface FileEntryLike extends EntryLike {
  file(success: (f: File) => void, failure?: (e: unknown) => void): void;
}

export interface DirectoryReaderLike {
  /** Gives the entries in batches; an empty batch means the end. */
  readEntries(success: (entries: EntryLike[]) => void, failure?: (e: unknown) => void): void;
}

export interface DirectoryEntryLike extends EntryLike {
  createReader(): DirectoryReaderLike;
}

export interface PickedFile {
  file: File;
  /** "photos/2026/a.jpg": relative to the drop target, "/"-separated. */
  path: string;
}

export interface Picked {
  files: PickedFile[];
  /** Relative folder paths, parents before children, each once. */
  folders: string[];
  /** Entries that could not be read (permissions, vanished files). */
  unreadable: string[];
}

export const MAX_DROPPED_ENTRIES = 10_000;

const isDir = (e: EntryLike): e is DirectoryEntryLike => e.isDirectory;
const isFileEntry = (e: EntryLike): e is FileEntryLike => e.isFile;

function readBatch(reader: DirectoryReaderLike): Promise<EntryLike[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

function fileOf(entry: FileEntryLike): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/**
 * Walks dropped entries depth-first (bounded by `maxEntries`): every file
 * with its relative path, every folder (so empty ones are created too).
 */
export async function walkEntries(
  roots: readonly EntryLike[],
  maxEntries = MAX_DROPPED_ENTRIES,
): Promise<Picked & { truncated: boolean }> {
  const files: PickedFile[] = [];
  const folders: string[] = [];
  const unreadable: string[] = [];
  let seen = 0;
  let truncated = false;

  const visit = async (entry: EntryLike, prefix: string): Promise<void> => {
    if (seen >= maxEntries) {
      truncated = true;
      return;
    }
    seen++;
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (isDir(entry)) {
      folders.push(path);
      const reader = entry.createReader();
      for (;;) {
        let batch: EntryLike[];
        try {
          batch = await readBatch(reader);
        } catch {
          unreadable.push(path);
          return;
        }
        if (batch.length === 0) break;
        for (const child of batch) await visit(child, path);
      }
    } else if (isFileEntry(entry)) {
      try {
        files.push({ file: await fileOf(entry), path });
      } catch {
        unreadable.push(path);
      }
    }
  };

  for (const root of roots) await visit(root, '');
  return { files, folders: foldersToCreate(files, folders), unreadable, truncated };
}

/**
 * The folders to create for these files (and these explicit folders):
 * every ancestor, each once, parents before children.
 */
export function foldersToCreate(
  files: readonly { path: string }[],
  folders: readonly string[] = [],
): string[] {
  const all = new Set<string>();
  const add = (dir: string) => {
    const parts = dir.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) all.add(parts.slice(0, i).join('/'));
  };
  for (const f of files) {
    const i = f.path.lastIndexOf('/');
    if (i > 0) add(f.path.slice(0, i));
  }
  folders.forEach(add);
  const depth = (p: string) => p.split('/').length;
  return [...all].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Files chosen with an <input type="file"> (webkitRelativePath for a folder picker). */
export function fromFileList(list: Iterable<File>): Picked {
  const files: PickedFile[] = [];
  for (const file of list) {
    const rel = (file as File & { webkitRelativePath?: string }).webkitRelativePath;
    files.push({ file, path: rel ? rel : file.name });
  }
  return { files, folders: foldersToCreate(files), unreadable: [] };
}

/** The minimal DataTransferItem used by `entriesOf`. */
export interface TransferItemLike {
  readonly kind: string;
  webkitGetAsEntry?(): EntryLike | null;
  getAsFile(): File | null;
}

/**
 * What a drop carries, taken synchronously in the drop handler (the items
 * are unusable afterwards): entries where the browser gives them (folders),
 * plain files otherwise.
 */
export function entriesOf(items: ArrayLike<TransferItemLike>): {
  entries: EntryLike[];
  files: File[];
} {
  const entries: EntryLike[] = [];
  const files: File[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!item || item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.() ?? null;
    if (entry) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) files.push(f);
    }
  }
  return { entries, files };
}

/** Everything a drop brings: the entries walked, the plain files at the top. */
export async function pickedFromDrop(
  dropped: { entries: EntryLike[]; files: File[] },
  maxEntries = MAX_DROPPED_ENTRIES,
): Promise<Picked & { truncated: boolean }> {
  const walked = await walkEntries(dropped.entries, maxEntries);
  const files = [...walked.files, ...dropped.files.map((file) => ({ file, path: file.name }))];
  return { ...walked, files, folders: foldersToCreate(files, walked.folders) };
}
