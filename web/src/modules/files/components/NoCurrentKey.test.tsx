// A file of an armoured workspace whose current key this browser does not
// hold yet: what would seal with it (rename, from the details pane or F2;
// restore an old version; upload a new one) is disabled, saying why, as the
// toolbar's uploads are; all of it comes back once the key arrives.
import { act, type ReactNode } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, type FileVersion, type Me, type Workspace } from '../../../api';
import { createIdentity, type CreatedIdentity } from '../../../armour/crypto';
import { sealedFileSize } from '../../../armour/format';
import type { WorkspaceKeys } from '../../../armour/keys';
import { loadCrypto } from '../../../armour/load';
import { ToastProvider } from '../../../notifications/toasts';
import { mountPoint } from '../../../test/mount';
import { ALICE, WS, armouredFiles, awaitedKeys, record, sealedFile } from '../armour.test-util';
import {
  FilesProvider,
  useSealBlocked,
  type FilesContextValue,
  type FilesDialog,
} from '../context';
import type { ShownNode } from '../sealed';
import { FilesStore } from '../store';
import { DetailsPane } from './DetailsPane';
import { NodeList } from './NodeList';
import { VersionsDialog } from './VersionsDialog';

const ui = mountPoint();
const T1 = 'AAAAAAAAAAAAAAAAAAAAAA';
const REASON = /do not have the current key/;

let alice: CreatedIdentity;
let store: FilesStore;
/** plan.png at version 2, opened with Alice's keys (she wrote both versions). */
let file: ShownNode;
let versions: FileVersion[];
let openDialog: ReturnType<typeof vi.fn<(d: FilesDialog) => void>>;

beforeAll(async () => {
  await loadCrypto();
  alice = createIdentity(ALICE, 'alice passphrase');
});

beforeEach(async () => {
  const { keys, files } = await armouredFiles(alice);
  store = new FilesStore(WS, ALICE, files);
  file = files.open(await sealedFile(keys, 'plan.png', T1, 2));
  const version = async (number: number): Promise<FileVersion> => ({
    number,
    size: sealedFileSize(record().size),
    sha256: '',
    etag: `"v${number}"`,
    created_at: '2026-01-02T03:04:05Z',
    created_by: ALICE,
    mtime: '2026-01-02T03:04:05Z',
    current: number === 2,
    sealed: await keys.sealContent(T1, number, record()),
  });
  versions = [await version(2), await version(1)];
  vi.spyOn(api.files, 'versions').mockImplementation(async () => versions);
  vi.spyOn(api.files, 'favorites').mockResolvedValue([]);
  openDialog = vi.fn<(d: FilesDialog) => void>();
  // jsdom's <dialog> may lack the modal methods.
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The screen's context, its `sealBlocked` from the key manager as the files screen makes it. */
function Files({ keys, children }: { keys: WorkspaceKeys; children: ReactNode }) {
  const ctx: FilesContextValue = {
    store,
    workspace: { id: WS, name: 'Équipe', armoured: true } as Workspace,
    me: { id: ALICE } as Me,
    canWrite: true,
    sealBlocked: useSealBlocked(keys),
    nameOf: () => 'Alice',
    openFolder: vi.fn(),
    openTrash: vi.fn(),
    openDialog,
    trash: vi.fn(),
  };
  return (
    <ToastProvider>
      <FilesProvider value={ctx}>{children}</FilesProvider>
    </ToastProvider>
  );
}

const button = (label: string) =>
  [...ui.host.querySelectorAll('button')].find(
    (b) => b.textContent === label || b.getAttribute('aria-label') === label,
  );

/** Disabled, the reason on hover, and described by a note on screen that says it. */
function expectBlocked(b: HTMLButtonElement | undefined) {
  expect(b?.disabled).toBe(true);
  expect(b?.title).toMatch(REASON);
  const note = document.getElementById(b?.getAttribute('aria-describedby') ?? '');
  expect(note?.getAttribute('role')).toBe('note');
  expect(note?.textContent).toBe(b?.title);
  expect(ui.host.contains(note)).toBe(true);
}

function expectFree(b: HTMLButtonElement | undefined) {
  expect(b).toBeDefined();
  expect(b?.disabled).toBe(false);
  expect(b?.title).toBe('');
  expect(b?.hasAttribute('aria-describedby')).toBe(false);
}

describe('without the current key of an armoured workspace', () => {
  it('the details pane does not rename, saying why, until the key arrives', async () => {
    const keys = awaitedKeys([1]);
    await ui.render(
      <Files keys={keys}>
        <DetailsPane node={file} onClose={() => undefined} />
      </Files>,
    );
    expectBlocked(button('Rename'));
    // What does not seal stays.
    expectFree(button('Move'));
    expectFree(button('Move to trash'));
    expectFree(button('Versions'));

    keys.hold(2);
    expectFree(button('Rename'));
    expect(ui.host.querySelector('[role="note"]')).toBeNull();
    act(() => button('Rename')?.click());
    expect(openDialog).toHaveBeenCalledWith({ kind: 'rename', node: file });
  });

  it('F2 does not open the rename dialog but says why, until the key arrives', async () => {
    const keys = awaitedKeys([1]);
    await ui.render(
      <Files keys={keys}>
        <NodeList
          items={[file]}
          view="list"
          selected={file.id}
          onSelect={() => undefined}
          label="Files"
          focusKey=""
        />
      </Files>,
    );
    const row = ui.host.querySelector<HTMLElement>('[role="option"]');
    const f2 = () =>
      act(() => {
        row?.dispatchEvent(new KeyboardEvent('keydown', { key: 'F2', bubbles: true }));
      });
    f2();
    expect(openDialog).not.toHaveBeenCalled();
    // Announced in the toasts' live region.
    expect(ui.host.querySelector('[aria-live="polite"]')?.textContent).toMatch(REASON);

    keys.hold(2);
    f2();
    expect(openDialog).toHaveBeenCalledWith({ kind: 'rename', node: file });
  });

  it('the versions neither restore nor upload, saying why, until the key arrives', async () => {
    const keys = awaitedKeys([1]);
    await ui.render(
      <Files keys={keys}>
        <VersionsDialog node={file} onClose={() => undefined} />
      </Files>,
    );
    await vi.waitFor(() => expect(button('Restore version 1')).toBeDefined());
    expectBlocked(button('Restore version 1'));
    expectBlocked(button('Upload a new version'));
    // Downloads open the versions with keys held: they stay.
    expectFree(button('Download version 1'));

    keys.hold(2);
    expectFree(button('Restore version 1'));
    expectFree(button('Upload a new version'));
    expect(ui.host.querySelector('[role="note"]')).toBeNull();
  });
});
