// The files' toolbar in an armoured workspace whose current key this
// browser does not hold yet: nothing to upload or create, and why.
import { describe, expect, it, vi } from 'vitest';
import type { WorkspaceKeys } from '../../../armour/keys';
import { mountPoint } from '../../../test/mount';
import { awaitedKeys } from '../armour.test-util';
import { FilesProvider, useSealBlocked, type FilesContextValue } from '../context';
import { Toolbar } from './Toolbar';

const ui = mountPoint();

/** The toolbar with the reason the files screen gives it. */
function FilesToolbar({ keys }: { keys: WorkspaceKeys }) {
  const ctx = {
    canWrite: true,
    sealBlocked: useSealBlocked(keys),
    openDialog: vi.fn(),
    openTrash: vi.fn(),
  } as unknown as FilesContextValue;
  return (
    <FilesProvider value={ctx}>
      <Toolbar
        view="list"
        onView={() => undefined}
        order={{ key: 'name', dir: 'asc' }}
        onOrder={() => undefined}
        onPick={() => undefined}
        onSearch={() => undefined}
        onFavorites={() => undefined}
      />
    </FilesProvider>
  );
}

describe('the files toolbar without the current key', () => {
  it('disables upload and new folder, saying why, until the key arrives', async () => {
    const keys = awaitedKeys([1]);
    await ui.render(<FilesToolbar keys={keys} />);
    const actions = ['Upload files', 'Upload a folder', 'New folder'].map((l) =>
      [...ui.host.querySelectorAll('button')].find((b) => b.textContent === l),
    );
    for (const b of actions) {
      expect(b?.disabled).toBe(true);
      expect(b?.title).toMatch(/do not have the current key/);
      const note = document.getElementById(b?.getAttribute('aria-describedby') ?? '');
      expect(note?.textContent).toBe(b?.title);
    }
    keys.hold(2);
    for (const b of actions) expect(b?.disabled).toBe(false);
    expect(ui.host.querySelector('.files-toolbar__blocked')).toBeNull();
  });
});
