// A fake key manager for tests of what shows the keys' state: just what
// components read of a WorkspaceKeys (its state, and who listens to it),
// with a state the test sets.
import { act } from 'react';
import type { KeysState } from '../armour/keyring';
import type { WorkspaceKeys } from '../armour/keys';

/**
 * A key manager whose state starts at `initial`; `change(update)` sets part
 * of it and tells the subscribers (inside act, as a synchronisation would).
 * `extra` adds the members a test needs besides (spies, shortcuts).
 */
export function fakeKeys<Extra extends object = object>(initial: KeysState, extra?: Extra) {
  let s = initial;
  const listeners = new Set<() => void>();
  const keys = {
    getState: () => s,
    subscribe: (l: () => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    change(update: Partial<KeysState>) {
      s = { ...s, ...update };
      act(() => listeners.forEach((l) => l()));
    },
    ...(extra as Extra),
  };
  return keys as unknown as typeof keys & WorkspaceKeys;
}
