// Attachments in an armoured workspace (docs/armoured.md, "Attachment
// contents"): each file is sealed in the browser under a key of its own
// before it is uploaded, under a neutral name; its real name, type, size and
// key travel in the sealed message. Shown, they are fetched and opened here:
// image previews from blob: URLs kept in memory per attachment (not fetched
// again when a row comes back into view), downloads under the sealed name.
import { api, type Attachment, type Upload } from '../../api';
import { SEALED_UPLOAD_NAME, isPreviewType, type SealedFile } from '../../armour/format';
import { forgetOnSignOut } from '../../armour/identity';
import type { Shown } from '../../armour/keys';
import { loadCrypto } from '../../armour/load';
import { saveBlob } from '../../util/download';

/** What the sealed message will say of an upload (the id comes with the server's answer). */
export type FileSeal = Omit<SealedFile, 'id'>;

/** An upload as the composer keeps it: the server's attachment and, sealed, its key and real name. */
export interface Uploaded {
  attachment: Attachment;
  seal?: FileSeal;
}

const cancelled = () => new DOMException('The upload was cancelled.', 'AbortError');

/**
 * Seals `file` and uploads the sealed bytes to the channel as
 * "attachment". `onSealed` when the upload starts; `onProgress` in bytes of
 * the original file. The caller checks the size first (sealedFileSize).
 */
export function uploadSealed(
  channelId: string,
  file: File,
  onProgress: (sent: number) => void,
  onSealed: () => void,
): Upload<Uploaded> {
  let upload: Upload<Attachment> | null = null;
  let aborted = false;
  const done = (async () => {
    const c = await loadCrypto();
    if (aborted) throw cancelled();
    const { key, sealed } = await c.encryptFile(file);
    if (aborted) throw cancelled();
    upload = api.chat.upload(channelId, sealed, SEALED_UPLOAD_NAME, (sent, total) =>
      onProgress(Math.round((file.size * sent) / Math.max(1, total))),
    );
    onSealed();
    const attachment = await upload.done;
    const type = file.type || 'application/octet-stream';
    return { attachment, seal: { name: file.name, type, size: file.size, key } };
  })();
  return {
    done,
    abort: () => {
      aborted = true;
      upload?.abort();
    },
  };
}

/**
 * The files of an armoured message as the screens show them: those its
 * sealed body describes and the server also lists on it, in the server's
 * order. A file only one side names is not shown: the server cannot add a
 * file to a message, nor show one the author did not send with it. An
 * attachment imported into an armoured workspace is named in its sealed
 * message by its id where it was sealed (`origin_id`), and fetched by its
 * id here.
 */
export function shownFiles(shown: Shown, listed: readonly Attachment[] | undefined): SealedFile[] {
  if (shown.kind !== 'text' || !shown.files || !listed?.length) return [];
  const sealed = new Map(shown.files.map((f) => [f.id, f]));
  return listed.flatMap((a) => {
    const f = sealed.get(a.origin_id ?? a.id);
    return f ? [{ ...f, id: a.id }] : [];
  });
}

/**
 * Fetches an attachment's sealed bytes and opens them into a Blob of `type`
 * (ArmourError 'bad_file', ApiError).
 */
export async function openSealed(
  file: SealedFile,
  type: string,
  signal?: AbortSignal,
): Promise<Blob> {
  const [c, sealed] = await Promise.all([
    loadCrypto(),
    api.chat.attachmentBlob(file.id, { signal }),
  ]);
  return c.decryptFile(sealed, file.key, file.size, type);
}

/** Opens an attachment and has the browser save it under its sealed name. */
export async function downloadSealed(file: SealedFile): Promise<void> {
  saveBlob(await openSealed(file, 'application/octet-stream'), file.name);
}

// ---- previews ---------------------------------------------------------------

/** Images larger than this are not fetched for a preview: a download chip instead. */
export const MAX_PREVIEW_BYTES = 20 * 1024 * 1024;
/** Previews no longer on screen kept for when they come back, oldest dropped first. */
const IDLE_BYTES = 48 * 1024 * 1024;

export function hasPreview(file: SealedFile): boolean {
  return isPreviewType(file.type) && file.size <= MAX_PREVIEW_BYTES;
}

interface Preview {
  url: string | null;
  promise: Promise<string>;
  /** Mounted users. */
  refs: number;
  size: number;
  /** The image's own size once drawn, so that a remounted preview takes its box at once. */
  natural?: { width: number; height: number };
}

/** By attachment and key: another message naming the same id with another key is another file. */
const previews = new Map<string, Preview>();

const previewKey = (f: SealedFile) =>
  `${f.id}:${Array.from(f.key, (b) => b.toString(16).padStart(2, '0')).join('')}`;

function evictIdle() {
  let idle = 0;
  // A Map iterates in insertion order: the entries used longest ago first.
  const entries = [...previews.entries()].reverse();
  for (const [k, p] of entries) {
    if (p.refs > 0 || !p.url) continue;
    idle += p.size;
    if (idle > IDLE_BYTES) {
      URL.revokeObjectURL(p.url);
      previews.delete(k);
    }
  }
}

function forgetPreviews() {
  for (const p of previews.values()) if (p.url) URL.revokeObjectURL(p.url);
  previews.clear();
}

/** The preview's blob: URL if it is ready, for a first render without a flash. */
export function readyPreview(
  file: SealedFile,
): { url: string; natural?: { width: number; height: number } } | null {
  const p = previews.get(previewKey(file));
  return p?.url ? { url: p.url, natural: p.natural } : null;
}

/** Records the size an image was drawn at (see Preview.natural). */
export function notePreviewSize(file: SealedFile, width: number, height: number): void {
  const p = previews.get(previewKey(file));
  if (p) p.natural = { width, height };
}

/**
 * A preview's blob: URL, fetched and opened once however often it is
 * shown; `release` when its element goes. A failure is not kept: the next
 * mount tries again.
 */
export function acquirePreview(file: SealedFile): { url: Promise<string>; release(): void } {
  forgetOnSignOut(forgetPreviews);
  const k = previewKey(file);
  let p = previews.get(k);
  if (p) {
    // Most recently used last.
    previews.delete(k);
    previews.set(k, p);
  } else {
    const entry: Preview = { url: null, refs: 0, size: file.size, promise: Promise.resolve('') };
    entry.promise = openSealed(file, file.type).then(
      (image) => {
        const url = URL.createObjectURL(image);
        if (previews.get(k) !== entry) {
          // Forgotten meanwhile (sign-out).
          URL.revokeObjectURL(url);
          throw new DOMException('The preview was dropped.', 'AbortError');
        }
        entry.url = url;
        if (entry.refs === 0) evictIdle();
        return url;
      },
      (e: unknown) => {
        if (previews.get(k) === entry) previews.delete(k);
        throw e;
      },
    );
    p = entry;
    previews.set(k, p);
  }
  const held = p;
  held.refs++;
  let released = false;
  return {
    url: held.promise,
    release: () => {
      if (released) return;
      released = true;
      held.refs--;
      if (held.refs === 0) evictIdle();
    },
  };
}
