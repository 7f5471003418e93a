// The files' toolbar in an armoured workspace whose current key this
// browser does not hold yet: nothing to upload or create, and why.
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { KeysState } from '../../../armour/keyring';
import type { WorkspaceKeys } from '../../../armour/keys';
import { useAwaitingKey } from '../../../armour/KeysStatus';
import { mountPoint } from '../../../test/mount';
import { FilesProvider, type FilesContextValue } from '../context';
import { Toolbar } from './Toolbar';

const ui = mountPoint();

/** Just what useAwaitingKey reads of a key manager: generation 2, held or not. */
function fakeKeys(held: number[]) {
  let s = { synced: true, rotationRequired: false, generation: 2, held } as unknown as KeysState;
  const listeners = new Set<() => void>();
  return {
    getState: () => s,
    subscribe: (l: () => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    hold(g: number) {
      s = { ...s, held: [...s.held, g] };
      act(() => listeners.forEach((l) => l()));
    },
  };
}

/** The toolbar with the reason the files screen gives it. */
function FilesToolbar({ keys }: { keys: WorkspaceKeys }) {
  const blocked = useAwaitingKey(keys) ? 'no key yet' : null;
  const ctx = {
    canWrite: true,
    sealBlocked: blocked,
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
    const keys = fakeKeys([1]);
    await ui.render(<FilesToolbar keys={keys as unknown as WorkspaceKeys} />);
    const actions = ['Upload files', 'Upload a folder', 'New folder'].map((l) =>
      [...ui.host.querySelectorAll('button')].find((b) => b.textContent === l),
    );
    for (const b of actions) {
      expect(b?.disabled).toBe(true);
      expect(b?.title).toBe('no key yet');
      const note = document.getElementById(b?.getAttribute('aria-describedby') ?? '');
      expect(note?.textContent).toBe('no key yet');
    }
    keys.hold(2);
    for (const b of actions) expect(b?.disabled).toBe(false);
    expect(ui.host.querySelector('.files-toolbar__blocked')).toBeNull();
  });
});
