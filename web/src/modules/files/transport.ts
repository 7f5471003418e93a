// Sending a file's bytes with progress: one XMLHttpRequest PUT for small
// files, tus 1.0 (POST, then PATCH chunks) for large ones, so a dropped
// connection resumes from the last byte the server kept instead of
// starting over. An armoured workspace's large files take the same path
// (sealed.ts): their records ride on the PATCH that completes the upload
// (finalHeaders). Writes carry the session's CSRF token like api.* does.
import { ApiError, csrfStore, type FileNode } from '../../api';

/** Files from this size go through tus. */
export const TUS_THRESHOLD_BYTES = 8 * 1024 * 1024;
/** Bytes per PATCH. */
export const TUS_CHUNK_BYTES = 8 * 1024 * 1024;
/** Attempts without progress before a resumable upload gives up. */
const TUS_RETRIES = 5;
/** On every tus request. */
const tusHeaders = { 'Tus-Resumable': '1.0.0' };

export interface Transfer {
  /** Resolves with the new file's id; rejects with ApiError ('aborted' when cancelled). */
  done: Promise<string>;
  abort(): void;
}

export interface SendOptions {
  workspaceId: string;
  /** "" for the root. */
  parentId: string;
  name: string;
  file: Blob;
  /** Overwrite an existing file (a new version); otherwise an existing name fails ('exists'). */
  replace: boolean;
  onProgress(loaded: number): void;
  /** A resumable upload was created (its URL, to resume or cancel). */
  onResumable?(url: string): void;
  /** Continue this resumable upload instead of creating one. */
  resumeUrl?: string;
  /**
   * tus: headers for the PATCH that completes the upload (its bytes reach
   * the length, or an empty one at the length when resuming a complete
   * upload), asked for just before each such PATCH is sent. Armoured: the
   * sealed records, sealed for what is known then.
   */
  finalHeaders?(): Promise<Record<string, string>>;
}

const seg = encodeURIComponent;

function withCsrf(xhr: XMLHttpRequest) {
  const csrf = csrfStore.get();
  if (csrf) xhr.setRequestHeader(csrf.header, csrf.token);
}

function errorOf(xhr: XMLHttpRequest): ApiError {
  let code = `http_${xhr.status}`;
  let message = xhr.statusText || `HTTP ${xhr.status}`;
  try {
    const parsed = JSON.parse(xhr.responseText) as {
      error?: { code?: unknown; message?: unknown };
    };
    if (typeof parsed.error?.code === 'string') code = parsed.error.code;
    if (typeof parsed.error?.message === 'string') message = parsed.error.message;
  } catch {
    // Not JSON: the status says it.
  }
  // An existing file with If-None-Match: *.
  if (xhr.status === 412 && code === 'http_412') code = 'exists';
  return new ApiError(xhr.status, code, message);
}

interface XhrOptions {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: Blob | null;
  onProgress?(loaded: number): void;
}

/** One request; `abort` rejects it with 'aborted'. */
function xhrRequest(o: XhrOptions): { done: Promise<XMLHttpRequest>; abort(): void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<XMLHttpRequest>((resolve, reject) => {
    xhr.open(o.method, o.url);
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [k, v] of Object.entries(o.headers ?? {})) xhr.setRequestHeader(k, v);
    withCsrf(xhr);
    if (o.onProgress) {
      const report = o.onProgress;
      xhr.upload.onprogress = (e) => report(e.loaded);
    }
    xhr.onload = () => resolve(xhr);
    xhr.onerror = () => reject(new ApiError(0, 'network', 'network error'));
    xhr.ontimeout = () => reject(new ApiError(0, 'network', 'timeout'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'cancelled'));
    xhr.send(o.body ?? null);
  });
  return { done, abort: () => xhr.abort() };
}

/** Same-origin path of a tus Location (the server may name its public URL). */
export function sameOriginPath(location: string): string {
  try {
    const u = new URL(location, window.location.origin);
    return u.pathname + u.search;
  } catch {
    return location;
  }
}

/** Base64 of the UTF-8 bytes of `s` (tus metadata). */
export function base64Utf8(s: string): string {
  let bin = '';
  for (const b of new TextEncoder().encode(s)) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Where a PUT creates the file `name` (armoured: its token) in a folder ("" the root). */
export function childUrl(workspaceId: string, parentId: string, name: string): string {
  return parentId
    ? `/api/v1/files/${seg(parentId)}/children/${seg(name)}`
    : `/api/v1/workspaces/${seg(workspaceId)}/files/children/${seg(name)}`;
}

/**
 * One PUT of a file's bytes in a single request (any size: the server
 * streams it), with progress; resolves with the node answered, rejects
 * with ApiError ('aborted' when cancelled).
 */
export function putBytes(o: {
  url: string;
  headers: Record<string, string>;
  body: Blob;
  onProgress(loaded: number): void;
}): { done: Promise<FileNode>; abort(): void } {
  const req = xhrRequest({
    method: 'PUT',
    url: o.url,
    headers: { 'Content-Type': 'application/octet-stream', ...o.headers },
    body: o.body,
    onProgress: o.onProgress,
  });
  const done = req.done.then((xhr) => {
    if (xhr.status !== 200 && xhr.status !== 201) throw errorOf(xhr);
    o.onProgress(o.body.size);
    return JSON.parse(xhr.responseText) as FileNode;
  });
  return { done, abort: req.abort };
}

function putFile(o: SendOptions): Transfer {
  const req = putBytes({
    url: childUrl(o.workspaceId, o.parentId, o.name),
    headers: o.replace ? {} : { 'If-None-Match': '*' },
    body: o.file,
    onProgress: o.onProgress,
  });
  return { done: req.done.then((node) => node.id), abort: req.abort };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A resumable upload (tus), whatever the file's size: created under
 * `o.name` in `o.parentId` (an existing name there gets a new version), or
 * continued from `o.resumeUrl` at the offset the server kept (at the
 * file's length: one empty PATCH completes it). A refusal of the
 * completion (a 409 other than an offset mismatch, or any other error)
 * rejects `done` and leaves the upload on the server, to resume; `abort`
 * terminates it. An upload the server no longer has (expired, cancelled
 * elsewhere: 404 or 410 for its URL) rejects with ApiError
 * 'upload_expired': it can only start over, as a new one.
 */
export function tusUpload(o: SendOptions): Transfer {
  let current: { abort(): void } | null = null;
  let aborted = false;
  let url = o.resumeUrl ?? '';

  const step = async <T>(r: { done: Promise<T>; abort(): void }): Promise<T> => {
    current = r;
    try {
      return await r.done;
    } finally {
      current = null;
    }
  };

  const offsetNow = async (): Promise<number> => {
    const xhr = await step(xhrRequest({ method: 'HEAD', url, headers: tusHeaders }));
    if (xhr.status === 404 || xhr.status === 410)
      throw new ApiError(xhr.status, 'upload_expired', 'the server no longer has this upload');
    if (xhr.status !== 200) throw errorOf(xhr);
    return Number(xhr.getResponseHeader('Upload-Offset') ?? '0');
  };

  const run = async (): Promise<string> => {
    if (!url) {
      const meta = [`filename ${base64Utf8(o.name)}`];
      if (o.parentId) meta.push(`parent_id ${base64Utf8(o.parentId)}`);
      const xhr = await step(
        xhrRequest({
          method: 'POST',
          url: `/api/v1/workspaces/${seg(o.workspaceId)}/files/uploads`,
          headers: {
            ...tusHeaders,
            'Upload-Length': String(o.file.size),
            'Upload-Metadata': meta.join(','),
          },
        }),
      );
      if (xhr.status !== 201) throw errorOf(xhr);
      url = sameOriginPath(xhr.getResponseHeader('Location') ?? '');
      o.onResumable?.(url);
    }
    let offset = o.resumeUrl ? await offsetNow() : 0;
    let failures = 0;
    for (;;) {
      if (aborted) throw new ApiError(0, 'aborted', 'cancelled');
      const end = Math.min(o.file.size, offset + TUS_CHUNK_BYTES);
      const base = offset;
      try {
        const final = end >= o.file.size && o.finalHeaders ? await o.finalHeaders() : {};
        if (aborted) throw new ApiError(0, 'aborted', 'cancelled');
        const xhr = await step(
          xhrRequest({
            method: 'PATCH',
            url,
            headers: {
              ...final,
              ...tusHeaders,
              'Content-Type': 'application/offset+octet-stream',
              'Upload-Offset': String(offset),
            },
            body: o.file.slice(offset, end),
            onProgress: (n) => o.onProgress(base + n),
          }),
        );
        if (xhr.status === 409) {
          // Another conflict than the offset (version_conflict, is_a_folder...)
          // refuses the completion: asking the offset again would send the
          // same completion again, for ever.
          const e = errorOf(xhr);
          if (e.code !== 'offset_mismatch' && e.code !== 'http_409') throw e;
          offset = await offsetNow();
          continue;
        }
        if (xhr.status === 404 || xhr.status === 410) {
          // The upload gone (HEAD says so: upload_expired), or what it lands in.
          await offsetNow();
          throw errorOf(xhr);
        }
        if (xhr.status !== 204) throw errorOf(xhr);
        offset = Number(xhr.getResponseHeader('Upload-Offset') ?? String(end));
        o.onProgress(offset);
        failures = 0;
        const id = xhr.getResponseHeader('Ruche-File-Id');
        if (id) return id;
        if (offset >= o.file.size) throw new ApiError(500, 'incomplete', 'no file at the end');
      } catch (e) {
        // A dropped connection: ask where the server is, then go on from there.
        if (!(e instanceof ApiError) || e.code !== 'network' || aborted) throw e;
        failures++;
        if (failures > TUS_RETRIES) throw e;
        await sleep(Math.min(8000, 500 * 2 ** (failures - 1)));
        try {
          offset = await offsetNow();
          o.onProgress(offset);
        } catch (again) {
          if (!(again instanceof ApiError) || again.code !== 'network') throw again;
        }
      }
    }
  };

  const done = run();
  return {
    done,
    abort: () => {
      aborted = true;
      current?.abort();
      if (url) terminate(url);
    },
  };
}

/** Terminates a resumable upload: the server drops what it kept (failures are ignored). */
export function terminate(url: string): void {
  void terminated(url);
}

/** terminate(), resolved once the server answered (or failed to). */
export async function terminated(url: string): Promise<void> {
  await xhrRequest({ method: 'DELETE', url, headers: tusHeaders }).done.catch(() => undefined);
}

/** Sends a file: tus from TUS_THRESHOLD_BYTES (or when resuming), a single PUT below. */
export function send(o: SendOptions): Transfer {
  return o.resumeUrl || o.file.size >= TUS_THRESHOLD_BYTES ? tusUpload(o) : putFile(o);
}
