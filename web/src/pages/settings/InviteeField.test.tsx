// The invitation's address field: colleagues from the directory as a name
// is typed (once typing pauses, members left out), picked with the keys or
// a click; nothing asked for an external account.
import { act, useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, type DirectoryEntry, type Member } from '../../api';
import { mountPoint, typeInto } from '../../test/mount';
import { DIRECTORY_PAUSE_MS } from '../../workspaces/directory';
import { InviteeField } from './InviteeField';

const ui = mountPoint();

const PEOPLE: DirectoryEntry[] = [
  { id: 'u1', email: 'claire.martin@interieur.gouv.fr', name: 'Claire Martin' },
  { id: 'u2', email: 'martine.dupont@interieur.gouv.fr', name: 'Martine Dupont' },
  { id: 'u3', email: 'paul.martinez@culture.gouv.fr', name: 'Paul Martinez' },
];
const MEMBERS = [{ user_id: 'u2', name: 'Martine Dupont' } as Member];

/** The directory over PEOPLE: every word in the name or the address. */
function serve() {
  return vi.spyOn(api.users, 'search').mockImplementation(async (q: string) => {
    const words = q.toLowerCase().split(' ').filter(Boolean);
    return PEOPLE.filter((p) =>
      words.every((w) => `${p.name} ${p.email}`.toLowerCase().includes(w)),
    );
  });
}

function Field({ directory = true }: { directory?: boolean }) {
  const [v, setV] = useState('');
  return <InviteeField value={v} onChange={setV} members={MEMBERS} directory={directory} />;
}

const input = () => ui.host.querySelector('input') as HTMLInputElement;
const options = () =>
  [...ui.host.querySelectorAll('[role="option"]')].map(
    (o) => o.querySelector('.person-picker__detail')?.textContent,
  );
const key = (k: string) =>
  act(() => {
    input().dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
  });

async function pause() {
  await act(async () => {
    vi.advanceTimersByTime(DIRECTORY_PAUSE_MS);
    await Promise.resolve();
  });
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('the invitation address field', () => {
  it('offers colleagues once typing pauses, members aside, and picks one with the keys', async () => {
    vi.useFakeTimers();
    const search = serve();
    await ui.render(<Field />);
    typeInto(input(), 'm');
    typeInto(input(), 'ma');
    typeInto(input(), 'mar');
    expect(search).not.toHaveBeenCalled();
    await pause();
    expect(search.mock.calls).toEqual([['mar']]);
    expect(options()).toEqual(['claire.martin@interieur.gouv.fr', 'paul.martinez@culture.gouv.fr']);
    expect(input().getAttribute('aria-expanded')).toBe('true');
    // Until the next answer, the last one narrows to what is typed.
    typeInto(input(), 'mar paul');
    expect(options()).toEqual(['paul.martinez@culture.gouv.fr']);
    typeInto(input(), 'mar');
    key('ArrowDown');
    key('Enter');
    expect(input().value).toBe('paul.martinez@culture.gouv.fr');
    expect(options()).toEqual([]);
    expect(input().getAttribute('aria-expanded')).toBe('false');
  });

  it('picks with a click; Escape closes the list and keeps the text', async () => {
    vi.useFakeTimers();
    serve();
    await ui.render(<Field />);
    typeInto(input(), 'claire');
    await pause();
    expect(options()).toEqual(['claire.martin@interieur.gouv.fr']);
    key('Escape');
    expect(options()).toEqual([]);
    expect(input().value).toBe('claire');
    typeInto(input(), 'clair');
    await pause();
    const option = ui.host.querySelector('[role="option"]') as HTMLElement;
    act(() => {
      option.dispatchEvent(new MouseEvent('mousedown', { bubbles: true, cancelable: true }));
    });
    expect(input().value).toBe('claire.martin@interieur.gouv.fr');
  });

  it('asks nothing for an external account, nor for one character', async () => {
    vi.useFakeTimers();
    const search = serve();
    await ui.render(<Field directory={false} />);
    typeInto(input(), 'martin');
    await pause();
    expect(search).not.toHaveBeenCalled();
    expect(options()).toEqual([]);
    await ui.render(<Field />);
    typeInto(input(), 'm');
    await pause();
    expect(search).not.toHaveBeenCalled();
  });
});
