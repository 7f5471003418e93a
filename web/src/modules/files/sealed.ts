// Files in an armoured workspace (docs/armoured.md, "Files"). The server
// knows each entry by a name token and keeps its real name in a sealed name
// record, and each version's key, size and type in a sealed content record;
// the bytes it stores are sealed in the browser like chat attachments. Here
// nodes are opened for the screens (their real names, sizes and types, or
// why not), new names and versions sealed and sent, and contents fetched
// and opened for downloads, previews and thumbnails.
import { api, ApiError, type FileListing, type FileNode, type FileVersion } from '../../api';
import {
  isPreviewType,
  isValidFileName,
  mediaTypeOf,
  sealedFileSize,
  type ContentRecord,
  type UploadResume,
} from '../../armour/format';
import type { Opened, WorkspaceKeys } from '../../armour/keys';
import { loadCrypto } from '../../armour/load';
import { retrySealed } from '../../armour/sealedWrite';
import { saveBlob } from '../../util/download';
import { previewKind, type PreviewKind } from './logic/format';
import type { RollbackMemory } from './logic/rollback';
import {
  TUS_THRESHOLD_BYTES,
  childUrl,
  putBytes,
  terminate,
  tusUpload,
  type Transfer,
} from './transport';

/** Entries read per request: the server's most (a folder is read whole, see listAll). */
export const LIST_PAGE = 1000;

/** What the browser opened of an armoured entry. */
export interface SealedView {
  /** The entry's name token: its name on the server. */
  token: string;
  /** Its name record: opened (the node's `name` is the real one), or why not. */
  name: Opened<string>['kind'];
  /**
   * Files: the current version's content record (the node's size, type and
   * date are its own when it opened); null for folders.
   */
  content: Opened<ContentRecord> | null;
  /** Both records checked with their authors' keys (else: keys not known here). */
  verified: boolean;
  /** The server shows an older version as the current one than this browser saw. */
  rolledBack: boolean;
  /** The node as the server gave it. */
  raw: FileNode;
}

/** A node as the screens show it; `sealed` in an armoured workspace. */
export type ShownNode = FileNode & { sealed?: SealedView };

/** The node as the server gave it. */
export function rawOf(n: ShownNode): FileNode {
  return n.sealed?.raw ?? n;
}

/** The content record that opens a shown file, or null. */
export function recordOf(n: ShownNode): ContentRecord | null {
  const c = n.sealed?.content;
  return c?.kind === 'open' ? c.value : null;
}

/**
 * What the browser shows of a file: as previewKind, but in an armoured
 * workspace (bytes opened in the page, on the app's origin) only pictures
 * it decodes as such and texts (shown as text), once the record opened;
 * never a PDF, an SVG or an HTML document: those are downloaded.
 */
export function previewOf(n: ShownNode): PreviewKind | null {
  if (!n.sealed) return previewKind(n);
  const record = recordOf(n);
  if (!record || n.kind !== 'file') return null;
  if (isPreviewType(record.type)) return 'image';
  return previewKind(n) === 'text' ? 'text' : null;
}

/** A name as sealed: NFC, or ApiError invalid_name when the Files rules refuse it. */
export function sealableName(name: string): string {
  const nfc = name.normalize('NFC');
  if (!isValidFileName(nfc)) throw new ApiError(400, 'invalid_name', 'invalid name');
  return nfc;
}

const cancelled = () => new ApiError(0, 'aborted', 'cancelled');
const seg = encodeURIComponent;

/**
 * A sealed file on its way through tus, to resume (or cancel). Its sealed
 * bytes are held in memory (Blob storage) for as long as this is kept: the
 * file sealed again would be under another key, which the bytes already
 * sent do not match. To outlive a reload it is kept in the browser
 * (logic/unfinished.ts): its bytes as they are, the rest sealed
 * (sealResume), opened again with the workspace's keys (openResume).
 */
export interface SealedResume {
  /** The upload's URL on the server ("" once it expired: it starts over, the same bytes). */
  url: string;
  /** The folder it lands in ("" the root). */
  parentId: string;
  /** The entry's token: a new one, or the token of the file it replaces. */
  token: string;
  /** The id of the file it makes a new version of; null for a new file. */
  replaces: string | null;
  /** The file sealed once: the bytes sent. */
  sealed: Blob;
  /** What opens them (its key), sealed for each try's version number. */
  record: ContentRecord;
}

/** What the queue shows of an interrupted upload, kept with it (sealed). */
export interface ResumeShown {
  name: string;
  /** Relative path shown ("photos/a.jpg"). */
  path: string;
  replace: boolean;
  versionOf?: string;
}

/** An interrupted upload's record opened: what goes on, and what the queue shows. */
export interface OpenedResume extends ResumeShown {
  resume: SealedResume;
}

/** A file to upload sealed: into a folder as a new file, or as a new version of `existing`. */
export interface SealedUpload {
  /** "" for the root. */
  parentId: string;
  name: string;
  /**
   * The file; null when it is not at hand (a page reloaded): `resume` then
   * goes on with the bytes it kept, and only where it was going.
   */
  file: Blob | null;
  /** The file it replaces (a new version of it). */
  existing?: ShownNode;
  /** The file is sealed: its bytes start to leave. */
  onSealed?: () => void;
  /** In bytes of `file` (the sealed bytes are a little larger). */
  onProgress(loaded: number): void;
  /** A large file's resumable upload was created (keep it to resume or cancel it). */
  onResumable?(r: SealedResume): void;
  /**
   * Continue this upload (its sealed bytes as sent) instead of sealing the
   * file again; ignored, and terminated, when it lands elsewhere now (the
   * file sealed anew). Without the file, that is ApiError
   * 'destination_changed' instead, and nothing is sent or terminated.
   */
  resume?: SealedResume;
}

export class FilesArmour {
  /** Opened nodes by the server's node (the same node opens once per key change). */
  private readonly opened = new WeakMap<
    FileNode,
    { shown: ShownNode; version: number; final: boolean }
  >();

  constructor(
    readonly workspaceId: string,
    readonly keys: WorkspaceKeys,
    readonly memory: RollbackMemory,
  ) {}

  // ---- reading ------------------------------------------------------------

  /** A node as the screens show it: its real name, size, type and date once they open. */
  open(raw: FileNode): ShownNode {
    const version = this.keys.getState().version;
    const hit = this.opened.get(raw);
    if (hit && (hit.final || hit.version === version)) return hit.shown;
    const shown = this.make(raw);
    // Verified records stay as they are; the others may open once keys arrive or are trusted.
    const final = !shown.sealed || shown.sealed.verified;
    this.opened.set(raw, { shown, version, final });
    return shown;
  }

  /**
   * Checks off the page's thread, part after part, the signatures of the
   * nodes' records never checked in this browser (a folder opened for the
   * first time: WorkspaceKeys.checkAhead), each part opened as it is checked.
   */
  checkAhead(raws: readonly FileNode[]): Promise<void> {
    const todo = raws.filter((raw) => raw.id && !this.opened.get(raw)?.final);
    return this.keys.checkAhead(todo, (raw) => this.records(raw));
  }

  /** A node's name record and a file's content record, each opened (a folder has no content). */
  private records(raw: FileNode): {
    name: Opened<string>;
    content: Opened<ContentRecord> | null;
  } {
    const token = raw.name;
    const name: Opened<string> =
      raw.sealed_name && raw.sealed_name_by
        ? this.keys.openName(token, raw.sealed_name, raw.sealed_name_by)
        : { kind: 'unreadable' };
    if (raw.kind !== 'file') return { name, content: null };
    const content: Opened<ContentRecord> =
      raw.sealed_content && raw.sealed_content_by && raw.version
        ? this.keys.openContent(token, raw.version, raw.sealed_content, raw.sealed_content_by)
        : { kind: 'unreadable' };
    return { name, content };
  }

  private make(raw: FileNode): ShownNode {
    // The root has no name of its own.
    if (!raw.id) return raw;
    const token = raw.name;
    const records = this.records(raw);
    const name = records.name;
    let content = records.content;
    let rolledBack = false;
    if (content) {
      // The bytes the server holds must be those the record describes.
      if (content.kind === 'open' && sealedFileSize(content.value.size) !== raw.size)
        content = { kind: 'unreadable' };
      if (raw.version) rolledBack = this.memory.seen(raw.id, raw.version, content.kind === 'open');
    }
    const record = content?.kind === 'open' ? content.value : null;
    const verified =
      name.kind === 'open' &&
      name.verified &&
      (!content || (content.kind === 'open' && content.verified));
    return {
      ...raw,
      name: name.kind === 'open' ? name.value : token,
      ...(raw.kind === 'file'
        ? {
            size: record ? record.size : raw.size,
            content_type: record ? record.type : 'application/octet-stream',
          }
        : {}),
      ...(record?.mtime !== undefined ? { mtime: new Date(record.mtime).toISOString() } : {}),
      sealed: { token, name: name.kind, content, verified, rolledBack, raw },
    };
  }

  /**
   * A folder's entries, every page of them: the server orders an armoured
   * folder by tokens, so the browser sorts what it opened.
   */
  async listAll(folderId: string): Promise<FileListing> {
    const items: FileNode[] = [];
    for (;;) {
      const page = await api.files.list(this.workspaceId, folderId, {
        limit: LIST_PAGE,
        offset: items.length,
      });
      const known = new Set(items.map((n) => n.id));
      items.push(...page.items.filter((n) => !known.has(n.id)));
      if (page.items.length === 0 || items.length >= page.total)
        return { folder: page.folder, items, total: items.length, offset: 0 };
    }
  }

  /** A folder's entries, opened. */
  async children(folderId: string): Promise<ShownNode[]> {
    return (await this.listAll(folderId)).items.map((n) => this.open(n));
  }

  /**
   * Version `v` of file `n`'s content record, opened (its author is the
   * version's); the bytes must be the size it says.
   */
  openVersion(n: ShownNode, v: FileVersion): Opened<ContentRecord> {
    if (!n.sealed || !v.sealed) return { kind: 'unreadable' };
    const r = this.keys.openContent(n.sealed.token, v.number, v.sealed, v.created_by);
    return r.kind === 'open' && sealedFileSize(r.value.size) !== v.size
      ? { kind: 'unreadable' }
      : r;
  }

  /** Whether a file's versions, as the server lists them, go back before one this browser saw. */
  versionsRolledBack(n: ShownNode, versions: readonly FileVersion[]): boolean {
    const current = versions.find((v) => v.current) ?? versions[0];
    if (!current) return false;
    return this.memory.seen(n.id, current.number, this.openVersion(n, current).kind === 'open');
  }

  // ---- writing ------------------------------------------------------------

  /** A new folder named `name` in `parentId` ("" the root). */
  async createFolder(parentId: string, name: string): Promise<FileNode> {
    const clean = sealableName(name);
    const token = await this.keys.newToken();
    return retrySealed({
      send: async () =>
        api.files.createFolder(
          this.workspaceId,
          token,
          parentId || null,
          await this.keys.sealName(token, clean),
        ),
      stale: () => this.keys.sync(),
    });
  }

  /** Renames an entry: a new name record for its token. */
  async rename(n: ShownNode, name: string): Promise<FileNode> {
    const clean = sealableName(name);
    const token = n.sealed?.token ?? n.name;
    return retrySealed({
      send: async () =>
        api.files.update(n.id, { sealed_name: await this.keys.sealName(token, clean) }),
      stale: () => this.keys.sync(),
    });
  }

  /**
   * Makes version `number` (opened as `record`) the newest again: its key
   * sealed for the file's next version number.
   */
  async restoreVersion(n: ShownNode, number: number, record: ContentRecord): Promise<FileNode> {
    const token = n.sealed?.token ?? n.name;
    let current = rawOf(n);
    return retrySealed({
      send: async () =>
        api.files.restoreVersion(
          n.id,
          number,
          await this.keys.sealContent(token, (current.version ?? 0) + 1, record),
        ),
      behind: async () => {
        current = await api.files.node(n.id);
      },
      stale: () => this.keys.sync(),
    });
  }

  /**
   * Seals a file under a key of its own and sends it with its content
   * record (and, new, its name record under a new token): in one PUT, or,
   * sealed from TUS_THRESHOLD_BYTES, through tus with the records on the
   * PATCH that completes it. Either way a version_conflict or a stale key
   * seals the records again and sends them with the same bytes (tus: an
   * empty PATCH at the end, the bytes stay on the server). Resolves with
   * the file's id; ApiError 'aborted' when cancelled (tus: the upload is
   * terminated), 'destination_changed' when a resume without its file
   * would land elsewhere than it was going.
   */
  upload(o: SealedUpload): Transfer {
    // The request in flight, or tus's last transfer (its abort also terminates the upload).
    let request: { abort(): void } | null = null;
    let aborted = false;
    const run = async (): Promise<string> => {
      const name = o.existing ? '' : sealableName(o.name);
      let node = o.existing ? rawOf(o.existing) : null;
      const parentId = node ? (node.parent_id ?? '') : o.parentId;
      const replaces = node?.id ?? null;
      const resume =
        o.resume && o.resume.parentId === parentId && o.resume.replaces === replaces
          ? o.resume
          : null;
      if (!resume && !o.file)
        throw new ApiError(409, 'destination_changed', 'the upload would land elsewhere');
      if (o.resume?.url && !resume) terminate(o.resume.url);
      const { sealed, record } = resume ?? (await this.seal(o.file as Blob));
      if (aborted) throw cancelled();
      const plainSize = o.file?.size ?? record.size;
      const token = resume?.token ?? o.existing?.sealed?.token ?? (await this.keys.newToken());
      o.onSealed?.();
      const records = async (): Promise<Record<string, string>> => {
        const headers: Record<string, string> = {
          'X-Sealed-Content': await this.keys.sealContent(
            token,
            node ? (node.version ?? 0) + 1 : 1,
            record,
          ),
        };
        if (!node) headers['X-Sealed-Name'] = await this.keys.sealName(token, name);
        return headers;
      };
      const onProgress = (n: number) =>
        o.onProgress(Math.round((plainSize * n) / Math.max(1, sealed.size)));
      let url = resume?.url ?? '';
      const tus = resume !== null || sealed.size >= TUS_THRESHOLD_BYTES;
      // The same sealed bytes whatever the version's number: only the records change.
      return retrySealed({
        send: async () => {
          if (tus) {
            if (aborted) throw cancelled();
            const t = tusUpload({
              workspaceId: this.workspaceId,
              parentId,
              name: token,
              file: sealed,
              replace: true,
              resumeUrl: url || undefined,
              onProgress,
              onResumable: (u) => {
                url = u;
                o.onResumable?.({ url, parentId, token, replaces, sealed, record });
              },
              finalHeaders: records,
            });
            request = t;
            return t.done;
          }
          const headers = await records();
          if (!node) headers['If-None-Match'] = '*';
          if (aborted) throw cancelled();
          const put = putBytes({
            url: node
              ? `/api/v1/files/${seg(node.id)}/content`
              : childUrl(this.workspaceId, o.parentId, token),
            headers,
            body: sealed,
            onProgress,
          });
          request = put;
          return (await put.done).id;
        },
        behind: node
          ? async () => {
              node = await api.files.node((node as FileNode).id);
            }
          : undefined,
        stale: () => this.keys.sync(),
        cancelled: () => aborted,
      });
    };
    return {
      done: run(),
      abort: () => {
        aborted = true;
        request?.abort();
      },
    };
  }

  /**
   * What finishes the resumable upload `r` after a reload, with what the
   * queue shows of it, sealed under the workspace's current key to be
   * kept in this browser (bound to the upload's URL). ArmourError as
   * WorkspaceKeys.writer().
   */
  sealResume(r: SealedResume, shown: ResumeShown): Promise<string> {
    const kept: UploadResume = {
      name: shown.name,
      path: shown.path,
      parentId: r.parentId,
      token: r.token,
      replaces: r.replaces,
      replace: shown.replace,
      ...(shown.versionOf ? { versionOf: shown.versionOf } : {}),
      content: r.record,
    };
    return this.keys.sealUploadResume(r.url, kept);
  }

  /**
   * An interrupted upload kept in this browser, opened: its record (sealed
   * for `url` by sealResume) and its sealed bytes, which must be the size
   * the record says (else it is unreadable); pending while the keys load.
   */
  openResume(url: string, box: string, sealed: Blob): Opened<OpenedResume> {
    const r = this.keys.openUploadResume(url, box);
    if (r.kind !== 'open') return r;
    const k = r.value;
    if (sealedFileSize(k.content.size) !== sealed.size) return { kind: 'unreadable' };
    return {
      kind: 'open',
      verified: r.verified,
      value: {
        name: k.name,
        path: k.path,
        replace: k.replace,
        ...(k.versionOf ? { versionOf: k.versionOf } : {}),
        resume: {
          url,
          parentId: k.parentId,
          token: k.token,
          replaces: k.replaces,
          sealed,
          record: k.content,
        },
      },
    };
  }

  /** A file sealed under a key of its own, and the content record that opens it. */
  private async seal(file: Blob): Promise<{ sealed: Blob; record: ContentRecord }> {
    const c = await loadCrypto();
    const { key, sealed } = await c.encryptFile(file);
    const modified = file instanceof File ? file.lastModified : 0;
    const record: ContentRecord = {
      key,
      size: file.size,
      type: mediaTypeOf(file),
      ...(Number.isSafeInteger(modified) && modified > 0 ? { mtime: modified } : {}),
    };
    return { sealed, record };
  }

  // ---- contents -----------------------------------------------------------

  /**
   * A file's bytes (or version `version`'s), fetched and opened with the
   * key of its record, as a Blob of `type` (ArmourError 'bad_file', ApiError).
   */
  async openBlob(
    fileId: string,
    record: ContentRecord,
    o: { version?: number; signal?: AbortSignal; type?: string } = {},
  ): Promise<Blob> {
    const [c, { blob }] = await Promise.all([
      loadCrypto(),
      api.files.blob(fileId, { signal: o.signal, version: o.version }),
    ]);
    return c.decryptFile(blob, record.key, record.size, o.type);
  }

  /** Opens a file (or one of its versions) and has the browser save it under `name`. */
  async download(
    fileId: string,
    name: string,
    record: ContentRecord,
    version?: number,
  ): Promise<void> {
    saveBlob(await this.openBlob(fileId, record, { version }), name);
  }
}
