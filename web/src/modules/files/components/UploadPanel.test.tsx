// The upload panel after a reload: an interrupted upload says so, asks for
// its file again through a labelled file input (another file is refused in
// words and nothing is sent) or is discarded; an armoured one says it waits
// for the keys; one the server no longer has starts over or is forgotten.
import { act } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../../api';
import { createIdentity } from '../../../armour/crypto';
import { WorkspaceKeys } from '../../../armour/keys';
import { loadCrypto } from '../../../armour/load';
import { TrustStore } from '../../../armour/trust';
import { FakeXhr, installFakeXhr } from '../../../test/fakeXhr';
import { mountPoint } from '../../../test/mount';
import { ALICE, WS, memoryStorage, soloServer } from '../armour.test-util';
import { FilesProvider, type FilesContextValue } from '../context';
import { RollbackMemory } from '../logic/rollback';
import { MemoryUnfinished, plain } from '../logic/unfinished.test-util';
import { FilesArmour } from '../sealed';
import { FilesStore } from '../store';
import { UploadPanel } from './UploadPanel';

installFakeXhr();
const ui = mountPoint();

const MODIFIED = 1_700_000_000_000;
const URL = '/api/v1/uploads/u1';
const kept = plain(URL, {
  size: 5,
  createdAt: 1,
  parentId: '',
  target: '/big.bin',
  lastModified: MODIFIED,
});

beforeAll(async () => {
  await loadCrypto();
});

beforeEach(() => {
  vi.spyOn(api.files, 'usage').mockResolvedValue({ used_bytes: 0, quota_bytes: null });
});

afterEach(() => vi.restoreAllMocks());

async function panelOf(store: FilesStore) {
  await store.restoreUploads();
  await ui.render(
    <FilesProvider value={{ store } as FilesContextValue}>
      <UploadPanel />
    </FilesProvider>,
  );
}

const button = (name: string) =>
  [...ui.host.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === name);

/** Picks `file` in the labelled input, as the person would. */
async function pick(label: string, file: File) {
  const input = ui.host.querySelector<HTMLInputElement>(`input[aria-label="${label}"]`);
  if (!input) throw new Error(`no input labelled ${label}`);
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  await act(async () => input.dispatchEvent(new Event('change', { bubbles: true })));
}

/** Waits, inside act (the transfer updates the store as it goes), for the row to show `status`. */
async function settled(status: string) {
  await act(() =>
    vi.waitFor(() =>
      expect(ui.host.querySelector('.files-upload')?.getAttribute('data-status')).toBe(status),
    ),
  );
}

describe('the upload panel after a reload', () => {
  it('asks for an interrupted upload’s file again, and refuses another one in words', async () => {
    const memory = new MemoryUnfinished('u1');
    memory.records.set(URL, kept);
    const store = new FilesStore('ws1', 'u1', null, memory);
    await panelOf(store);
    expect(ui.host.querySelector('#files-uploads-title')?.textContent).toBe('1 upload interrupted');
    const row = ui.host.querySelector('.files-upload');
    expect(row?.getAttribute('data-status')).toBe('interrupted');
    expect(row?.textContent).toContain('Interrupted: choose the file again to resume the upload.');
    expect(button('Choose the file big.bin again')?.textContent).toBe('Choose the file again');
    expect(button('Discard the upload of big.bin')?.textContent).toBe('Discard');
    // Nothing to close but what the person discards; no total of nothing.
    expect(button('Close the upload list')).toBeUndefined();
    expect(ui.host.querySelector('[data-testid="upload-total"]')).toBeNull();

    await pick('File to resume: big.bin', new File(['12345'], 'big.bin', { lastModified: 1 }));
    expect(ui.host.querySelector('[role="alert"]')?.textContent).toBe(
      '“big.bin” is not the interrupted file (its name, size or modification date differ): nothing was sent.',
    );
    expect(button('Choose the file big.bin again')?.getAttribute('aria-describedby')).toBeTruthy();
    expect(FakeXhr.log).toEqual([]);
    expect(store.getState().uploads.items[0]?.status).toBe('interrupted');

    // The right file: it goes on, at the stored URL.
    FakeXhr.reply = (x) =>
      x.method === 'HEAD'
        ? { status: 200, headers: { 'Upload-Offset': '5' } }
        : { status: 204, headers: { 'Ruche-File-Id': 'f1' } };
    await pick(
      'File to resume: big.bin',
      new File(['12345'], 'big.bin', { lastModified: MODIFIED }),
    );
    await settled('done');
    expect(FakeXhr.log.map((x) => [x.method, x.url])).toEqual([
      ['HEAD', URL],
      ['PATCH', URL],
    ]);
  });

  it('says that an expired upload can start over or be forgotten', async () => {
    const memory = new MemoryUnfinished('u1');
    memory.records.set(URL, kept);
    const store = new FilesStore('ws1', 'u1', null, memory);
    await panelOf(store);
    FakeXhr.reply = () => ({ status: 404 });
    await pick(
      'File to resume: big.bin',
      new File(['12345'], 'big.bin', { lastModified: MODIFIED }),
    );
    await settled('error');
    expect(ui.host.querySelector('[role="alert"]')?.textContent).toBe(
      'The server no longer has this upload (it expired): start it over from the beginning, or forget it.',
    );
    expect(button('Start the upload of big.bin over from the beginning')?.textContent).toBe(
      'Start over',
    );
    await act(async () => button('Forget the upload of big.bin')?.click());
    expect(ui.host.querySelector('.files-upload')).toBeNull();
  });

  it('armoured: a sealed name until the keys open it, and what it waits for', async () => {
    const alice = createIdentity(ALICE, 'alice passphrase');
    const memory = new MemoryUnfinished(ALICE);
    memory.records.set(URL, {
      kind: 'sealed',
      userId: ALICE,
      workspaceId: WS,
      url: URL,
      size: 5,
      createdAt: 1,
      sealed: new Blob([new Uint8Array(46)]),
      box: 'e2e1:1:AAAA:AAAA:AAAA',
    });
    // Keys not opened yet (a page just loaded).
    const keys = new WorkspaceKeys(
      WS,
      ALICE,
      soloServer(alice),
      { secrets: () => alice.secrets, subscribe: () => () => undefined },
      new TrustStore(ALICE, null),
    );
    const files = new FilesArmour(WS, keys, new RollbackMemory('k', memoryStorage()));
    await panelOf(new FilesStore(WS, ALICE, files, memory));
    const row = ui.host.querySelector('.files-upload');
    expect(row?.querySelector('.files-upload__name')?.textContent).toBe('Encrypted file');
    expect(row?.textContent).toContain(
      'Interrupted: the upload resumes as soon as the workspace’s keys are here.',
    );
    expect(button('Discard the upload of Encrypted file')).toBeDefined();
    expect(button('Choose the file Encrypted file again')).toBeUndefined();
  });
});
