// "Browse channels" among thousands of public channels (English): a hundred
// by name, then more; every word of the filter in the name, accents and
// case aside; a new filter starts from the first hundred again.
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, type Workspace } from '../../../api';
import { mountPoint, typeInto } from '../../../test/mount';
import { ChatProvider, type ChatContextValue } from '../context';
import { channel } from '../logic/fixtures.test-util';
import { ChatStore } from '../store';
import { BrowseDialog } from './ChannelDialogs';

const ui = mountPoint();

// 2,500 public channels, "équipe-0000" to "équipe-2499", and one private.
const CHANNELS = [
  ...Array.from({ length: 2500 }, (_, i) =>
    channel(`ch${i}`, {
      name: `${i % 10 === 3 ? 'projet-' : ''}équipe-${String(i).padStart(4, '0')}`,
      joined: false,
    }),
  ),
  channel('secret', { kind: 'private' }),
];

afterEach(() => vi.restoreAllMocks());

async function show() {
  vi.spyOn(api.chat, 'channels').mockResolvedValue(CHANNELS);
  const store = new ChatStore('w1', 'me');
  await store.loadChannels();
  const ctx = {
    store,
    workspace: { id: 'w1', name: 'Chantier', modules: ['chat'] } as Workspace,
    canWrite: true,
    openChannel: vi.fn(),
  } as unknown as ChatContextValue;
  await ui.render(
    <ChatProvider value={ctx}>
      <BrowseDialog onClose={() => undefined} />
    </ChatProvider>,
  );
}

const names = () =>
  [...document.querySelectorAll('.browse-list__name')].map((n) => n.textContent ?? '');
const more = () =>
  [...document.querySelectorAll('button')].find((b) => b.textContent?.startsWith('Show more'));

describe('browsing channels', () => {
  it('shows a hundred by name, then a hundred more', async () => {
    await show();
    expect(names()).toHaveLength(100);
    expect(names()[0]).toBe('équipe-0000');
    expect(more()?.textContent).toBe('Show more (2,400 not shown)');
    await act(async () => more()?.click());
    expect(names()).toHaveLength(200);
    expect(names().some((n) => n.includes('secret'))).toBe(false);
  });

  it('finds every word of the filter, accents and case aside, from the first hundred again', async () => {
    await show();
    await act(async () => more()?.click());
    const filter = document.querySelector<HTMLInputElement>('dialog input[type="search"]');
    if (!filter) throw new Error('no filter');
    typeInto(filter, 'PROJET equipe-01');
    expect(names()).toEqual(Array.from({ length: 10 }, (_, k) => `projet-équipe-01${k}3`));
    expect(more()).toBeUndefined();
    typeInto(filter, 'equipe');
    expect(names()).toHaveLength(100);
  });
});
