// Attachments of armoured messages: which files show, image previews opened
// once per attachment (not fetched again when a row is drawn again), a file
// that does not open, and downloads under the sealed name.
import { act } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, type Attachment } from '../../../api';
import type { SealedFile } from '../../../armour/format';
import { loadCrypto } from '../../../armour/load';
import { mountPoint } from '../../../test/mount';
import { sealBytes } from '../../../test/sealedBytes';
import { shownFiles } from '../sealedFiles';
import { SealedAttachments } from './SealedAttachments';

const saveBlob = vi.hoisted(() => vi.fn());
vi.mock('../../../util/download', () => ({ saveBlob }));

const ui = mountPoint();
const blobs = new Map<string, Blob>();
let made = 0;

beforeAll(async () => {
  await loadCrypto();
});

beforeEach(() => {
  // jsdom has no blob: URLs.
  URL.createObjectURL = vi.fn((b: Blob) => {
    const url = `blob:test/${++made}`;
    blobs.set(url, b);
    return url;
  });
  URL.revokeObjectURL = vi.fn((url: string) => {
    blobs.delete(url);
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  saveBlob.mockReset();
});

const listed = (...ids: string[]): Attachment[] =>
  ids.map((id) => ({
    id,
    name: 'attachment',
    size: 100,
    content_type: 'application/octet-stream',
    width: null,
    height: null,
  }));

/** A file sealed as the composer would, and the bytes the server would hold. */
async function sealed(id: string, bytes: Uint8Array, o: Partial<SealedFile> = {}) {
  const { key, sealed } = await sealBytes(bytes);
  const file: SealedFile = {
    id,
    name: `${id}.png`,
    type: 'image/png',
    size: bytes.length,
    key,
    ...o,
  };
  return { file, sealed };
}

const settle = () => act(async () => new Promise((r) => setTimeout(r, 0)));

describe('shownFiles', () => {
  const f = (id: string): SealedFile => ({
    id,
    name: id,
    type: 'text/plain',
    size: 1,
    key: new Uint8Array(32),
  });

  it('keeps the files both the sealed body and the server name, in the server’s order', () => {
    const shown = {
      kind: 'text' as const,
      text: '',
      verified: true,
      files: [f('a'), f('b'), f('c')],
    };
    expect(shownFiles(shown, listed('c', 'x', 'a')).map((x) => x.id)).toEqual(['c', 'a']);
    expect(shownFiles(shown, [])).toEqual([]);
    expect(shownFiles(shown, undefined)).toEqual([]);
  });

  it('matches an imported attachment by the id its sealed message names, and fetches it by its id here', () => {
    const shown = { kind: 'text' as const, text: '', verified: true, files: [f('there')] };
    const imported = listed('here');
    expect(shownFiles(shown, imported)).toEqual([]);
    const files = shownFiles(
      shown,
      imported.map((a) => ({ ...a, origin_id: 'there' })),
    );
    expect(files.map((x) => [x.id, x.name])).toEqual([['here', 'there']]);
  });

  it('shows none for a version 1 body, or one that cannot be read', () => {
    expect(shownFiles({ kind: 'text', text: '', verified: true }, listed('a'))).toEqual([]);
    expect(shownFiles({ kind: 'unreadable' }, listed('a'))).toEqual([]);
    expect(shownFiles({ kind: 'bad_signature' }, listed('a'))).toEqual([]);
    expect(shownFiles({ kind: 'pending' }, listed('a'))).toEqual([]);
  });
});

describe('SealedAttachments', () => {
  it('opens an image once, draws it from a blob: URL, and keeps it for the next time', async () => {
    const png = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
    const { file, sealed: bytes } = await sealed('01HZIMAGE00000000000000001', png);
    const fetch = vi
      .spyOn(api.chat, 'attachmentBlob')
      .mockResolvedValue(new Blob([bytes as Uint8Array<ArrayBuffer>]));
    await ui.render(<SealedAttachments files={[file]} tab={0} />);
    await settle();
    const img = ui.host.querySelector('img');
    expect(img?.getAttribute('alt')).toBe(file.name);
    const url = img?.getAttribute('src') ?? '';
    expect(url).toMatch(/^blob:/);
    const blob = blobs.get(url);
    expect(blob?.type).toBe('image/png');
    expect(new Uint8Array((await blob?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(png);
    expect(fetch).toHaveBeenCalledTimes(1);

    // Drawn again (a row scrolled back into view): the same URL, no new fetch.
    await ui.render(<p>ailleurs</p>);
    await ui.render(<SealedAttachments files={[{ ...file }]} tab={0} />);
    expect(ui.host.querySelector('img')?.getAttribute('src')).toBe(url);
    await settle();
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(URL.revokeObjectURL).not.toHaveBeenCalled();
  });

  it('says when a file does not open (changed on the server)', async () => {
    const { file, sealed: bytes } = await sealed('01HZIMAGE00000000000000002', new Uint8Array(50));
    const changed = bytes.slice();
    changed[30] = (changed[30] ?? 0) ^ 1;
    vi.spyOn(api.chat, 'attachmentBlob').mockResolvedValue(
      new Blob([changed as Uint8Array<ArrayBuffer>]),
    );
    await ui.render(<SealedAttachments files={[file]} tab={0} />);
    await settle();
    expect(ui.host.querySelector('img')).toBeNull();
    expect(ui.host.textContent).toContain('Unreadable attachment');
  });

  it('downloads a file opened, under its sealed name, never typed as what it claims', async () => {
    // Copied: jsdom's TextEncoder answers in another realm's Uint8Array.
    const text = Uint8Array.from(new TextEncoder().encode('Compte rendu\n'));
    const { file, sealed: bytes } = await sealed('01HZFILE000000000000000001', text, {
      name: 'compte-rendu.html',
      type: 'text/html',
    });
    vi.spyOn(api.chat, 'attachmentBlob').mockResolvedValue(
      new Blob([bytes as Uint8Array<ArrayBuffer>]),
    );
    await ui.render(<SealedAttachments files={[file]} tab={0} />);
    const button = ui.host.querySelector('button');
    expect(button?.getAttribute('aria-label')).toMatch(/^Download compte-rendu\.html/);
    await act(async () => button?.click());
    await settle();
    expect(saveBlob).toHaveBeenCalledTimes(1);
    const [blob, name] = saveBlob.mock.calls[0] as [Blob, string];
    expect(name).toBe('compte-rendu.html');
    expect(blob?.type).toBe('application/octet-stream');
    expect(new Uint8Array((await blob?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(text);
  });

  it('a failed download says so, in the reader’s language', async () => {
    const { file } = await sealed('01HZFILE000000000000000002', new Uint8Array(10), {
      type: 'text/plain',
    });
    vi.spyOn(api.chat, 'attachmentBlob').mockResolvedValue(new Blob([new Uint8Array(3)]));
    await ui.render(<SealedAttachments files={[file]} tab={0} />);
    await act(async () => ui.host.querySelector('button')?.click());
    await settle();
    expect(saveBlob).not.toHaveBeenCalled();
    expect(ui.host.querySelector('[role="alert"]')?.textContent).toContain('Unreadable attachment');
  });
});
