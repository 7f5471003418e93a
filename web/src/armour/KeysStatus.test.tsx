// The keys' notices shared by the chat and the files of an armoured
// workspace: which state shows what, and when this browser waits for the
// current key.
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { fakeKeys } from '../test/fakeKeys';
import { mountPoint } from '../test/mount';
import { NO_ERAS } from './eras';
import { awaitingKey, type KeysState } from './keyring';
import { KeysStatus } from './KeysStatus';

const ui = mountPoint();

const READY: KeysState = {
  status: 'ready',
  synced: true,
  generation: 2,
  rotationRequired: false,
  held: [1, 2],
  members: new Map(),
  signers: new Map(),
  missing: [],
  anchored: false,
  pending: [],
  newAnchors: [],
  changed: [],
  verified: [],
  rejected: 0,
  eras: NO_ERAS,
  error: null,
  version: 1,
};

/** A key manager whose state the test sets. */
const keysAt = (state: Partial<KeysState>) =>
  fakeKeys(
    { ...READY, ...state },
    {
      me: 'ada',
      acceptKeys: vi.fn(),
      acceptAnchors: vi.fn(async () => undefined),
      sync: vi.fn(async () => undefined),
    },
  );

const nameOf = (id: string) => ({ bob: 'Bob', chloe: 'Chloé' })[id] ?? 'someone';
const text = () => ui.host.textContent ?? '';
const button = (label: string) =>
  [...ui.host.querySelectorAll('button')].find((b) => b.textContent?.includes(label));

describe('awaitingKey', () => {
  it('is true only once synchronised, for a current key not held', () => {
    expect(awaitingKey(READY)).toBe(false);
    expect(awaitingKey({ ...READY, held: [1] })).toBe(true);
    // While the next synchronisation runs it stays (no flicker).
    expect(awaitingKey({ ...READY, held: [1], status: 'syncing' })).toBe(true);
    expect(awaitingKey({ ...READY, held: [], synced: false, status: 'syncing' })).toBe(false);
    // No key yet, or a member left: our browser makes the next one when it writes.
    expect(awaitingKey({ ...READY, held: [], generation: 0 })).toBe(false);
    expect(awaitingKey({ ...READY, held: [1], rotationRequired: true })).toBe(false);
  });
});

describe('KeysStatus', () => {
  it('shows nothing when all is well, and the wait for the current key when it is not held', async () => {
    const keys = keysAt({});
    await ui.render(<KeysStatus keys={keys} nameOf={nameOf} className="files-keys" />);
    expect(ui.host.innerHTML).toBe('');
    keys.change({ held: [1] });
    expect(text()).toContain('You do not have the current key of this workspace yet');
    expect(ui.host.querySelector('.armour-status.files-keys')).not.toBeNull();
    // Another member's browser sealed it for us.
    keys.change({ held: [1, 2] });
    expect(ui.host.innerHTML).toBe('');
  });

  it('warns of changed keys, trusts them on request, and offers to verify them', async () => {
    const keys = keysAt({ changed: ['bob', 'chloe'] });
    await ui.render(<KeysStatus keys={keys} nameOf={nameOf} />);
    expect(text()).toContain('The keys of Bob and Chloé changed');
    act(() => button('(Chloé)')?.click());
    expect(keys.acceptKeys).toHaveBeenCalledWith('chloe');
    expect(button('Verify keys')?.getAttribute('aria-haspopup')).toBe('dialog');
  });

  it('says when the keys could not be updated, and tries again', async () => {
    const keys = keysAt({ status: 'error', error: new Error('offline') });
    await ui.render(<KeysStatus keys={keys} nameOf={nameOf} />);
    expect(text()).toContain('The workspace keys could not be updated.');
    act(() => button('Try again')?.click());
    expect(keys.sync).toHaveBeenCalledTimes(1);
  });

  it('in a private channel: the wait for the channel’s own key, and its failed update', async () => {
    const keys = keysAt({});
    const channel = keysAt({ held: [] });
    await ui.render(<KeysStatus keys={keys} channel={channel} nameOf={nameOf} />);
    expect(text()).toContain('You do not have the current key of this conversation yet');
    expect(text()).not.toContain('of this workspace');
    channel.change({ held: [2] });
    expect(ui.host.innerHTML).toBe('');
    channel.change({ status: 'error', error: new Error('offline') });
    expect(text()).toContain('The keys of this conversation could not be updated.');
    act(() => button('Try again')?.click());
    expect(channel.sync).toHaveBeenCalledTimes(1);
    expect(keys.sync).not.toHaveBeenCalled();
  });

  it('approvals: members to approve, the reader’s own keys waiting, a new anchor', async () => {
    const keys = keysAt({ anchored: true, pending: ['bob', 'chloe'] });
    await ui.render(<KeysStatus keys={keys} nameOf={nameOf} />);
    expect(text()).toContain('Bob and Chloé are waiting for a member to approve their keys');
    expect(button('Verify and approve')?.getAttribute('aria-haspopup')).toBe('dialog');
    // The reader's own keys wait: they approve nobody, and are told why no key comes.
    keys.change({ pending: [keys.me, 'bob'], held: [1] });
    expect(text()).toContain('Your keys are waiting for a member of the workspace to approve them');
    expect(text()).not.toContain('Bob is waiting');
    expect(text()).not.toContain('You do not have the current key of this workspace yet');
    // Not anchored: pending means nothing.
    keys.change({ anchored: false, held: [1, 2] });
    expect(ui.host.innerHTML).toBe('');
    keys.change({ anchored: true, pending: [], newAnchors: ['chloe\nSIGNKEY'] });
    expect(text()).toContain('new anchor of this workspace’s keys, by Chloé');
    act(() => button('follow this new anchor')?.click());
    expect(keys.acceptAnchors).toHaveBeenCalledTimes(1);
  });
});
