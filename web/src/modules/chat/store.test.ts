// What the chat store sends in an armoured workspace: the ciphertext with
// its mentions beside it (sealed with its files when it has attachments),
// and one more try with fresh keys when the server refused its key (409
// stale_key / key_rotation_required, and for a private channel's or direct
// conversation's own key no_channel_key / channel_key_required).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, type Message } from '../../api';
import type { SealedFile } from '../../armour/format';
import type { Shown, WorkspaceKeys } from '../../armour/keys';
import { channel, msg } from './logic/fixtures.test-util';
import { ChatStore } from './store';

const BOB = '01HZBOB000000000000000000B';

function fakeKeys() {
  let generation = 1;
  const keys = {
    encrypt: vi.fn(
      async (cid: string, text: string, files?: readonly SealedFile[]) =>
        `e2e${files ? 2 : 1}:${generation}:${cid}:${text.length}:x`,
    ),
    refresh: vi.fn<(cid: string, e: unknown) => Promise<void>>(async () => {
      generation += 1;
    }),
    followChannels: vi.fn<(kindOf: (cid: string) => string | undefined) => () => void>(
      () => () => undefined,
    ),
    remember: vi.fn(),
    show: vi.fn((): Shown => ({ kind: 'text', text: 'avant', verified: true })),
  };
  return { keys, store: new ChatStore('w1', 'me', undefined, keys as unknown as WorkspaceKeys) };
}

const answer = (body: string): Message => msg('me', '2026-11-29T10:00:00Z', { body });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('chat store in an armoured workspace', () => {
  it('sends the ciphertext, with who the text mentions', async () => {
    const { keys, store } = fakeKeys();
    const post = vi.spyOn(api.chat, 'post').mockImplementation(async (_cid, b) => answer(b.body));
    const text = `<@${BOB}> bonjour <!channel>`;
    await store.post('c1', text);
    expect(post).toHaveBeenCalledWith('c1', {
      body: `e2e1:1:c1:${text.length}:x`,
      mentions: [BOB],
      mention_channel: true,
    });
    expect(keys.remember).toHaveBeenCalledWith(
      expect.objectContaining({ id: expect.any(String) }),
      text,
      undefined,
    );
    expect(keys.encrypt).toHaveBeenCalledWith('c1', text, undefined);
  });

  for (const code of [
    'stale_key',
    'key_rotation_required',
    'no_channel_key',
    'channel_key_required',
  ]) {
    it(`fetches the channel's keys and encrypts again once after ${code}`, async () => {
      const { keys, store } = fakeKeys();
      const refused = new ApiError(409, code, '');
      const post = vi
        .spyOn(api.chat, 'post')
        .mockRejectedValueOnce(refused)
        .mockImplementation(async (_cid, b) => answer(b.body));
      await store.post('c1', 'après');
      // The keys the channel seals with, told why (channel_key_required: the channel's own).
      expect(keys.refresh).toHaveBeenCalledExactlyOnceWith('c1', refused);
      expect(post).toHaveBeenCalledTimes(2);
      expect(post.mock.calls[1]?.[1].body).toMatch(/^e2e1:2:/);
    });
  }

  it('an edit refused for its key is sealed again for the message’s channel', async () => {
    const { keys, store } = fakeKeys();
    const edit = vi
      .spyOn(api.chat, 'edit')
      .mockRejectedValueOnce(new ApiError(409, 'channel_key_required', ''))
      .mockImplementation(async (_mid, b) => answer(b.body));
    await store.edit(msg('me', '2026-11-29T10:00:00Z', { channel_id: 'c9' }), 'corrigé');
    expect(keys.refresh).toHaveBeenCalledWith(
      'c9',
      expect.objectContaining({ code: 'channel_key_required' }),
    );
    expect(edit.mock.calls[1]?.[1].body).toMatch(/^e2e1:2:c9:/);
  });

  it('does not retry other errors, nor twice', async () => {
    const { keys, store } = fakeKeys();
    vi.spyOn(api.chat, 'post').mockRejectedValue(new ApiError(409, 'stale_key', ''));
    await expect(store.post('c1', 'x')).rejects.toMatchObject({ code: 'stale_key' });
    expect(keys.refresh).toHaveBeenCalledTimes(1);
    vi.spyOn(api.chat, 'post').mockRejectedValue(new ApiError(403, 'forbidden', ''));
    await expect(store.post('c1', 'x')).rejects.toMatchObject({ code: 'forbidden' });
    expect(keys.refresh).toHaveBeenCalledTimes(1);
  });

  it('tells the key manager which channels seal with keys of their own', async () => {
    const { keys, store } = fakeKeys();
    vi.spyOn(api.chat, 'channels').mockResolvedValue([
      channel('c1'),
      channel('p1', { kind: 'private' }),
      channel('d1', { kind: 'direct' }),
    ]);
    vi.spyOn(api.workspaces, 'members').mockResolvedValue({ members: [], seq: null });
    store.start();
    await store.loadChannels();
    const kindOf = keys.followChannels.mock.calls[0]?.[0];
    expect(['c1', 'p1', 'd1', 'x'].map((id) => kindOf?.(id))).toEqual([
      'public',
      'private',
      'direct',
      undefined,
    ]);
    store.stop();
  });

  it('encrypts edits for the message’s channel', async () => {
    const { store } = fakeKeys();
    const edit = vi.spyOn(api.chat, 'edit').mockImplementation(async (_mid, b) => answer(b.body));
    const m = msg('me', '2026-11-29T10:00:00Z', { channel_id: 'c9' });
    await store.edit(m, 'corrigé');
    expect(edit).toHaveBeenCalledWith(m.id, {
      body: 'e2e1:1:c9:7:x',
      mentions: [],
      mention_channel: false,
    });
  });
});

describe('chat store: attachments in an armoured workspace', () => {
  const file: SealedFile = {
    id: 'a1',
    name: 'plan.png',
    type: 'image/png',
    size: 12,
    key: new Uint8Array(32).fill(1),
  };

  it('seals a message with attachments as version 2, with its files', async () => {
    const { keys, store } = fakeKeys();
    const post = vi.spyOn(api.chat, 'post').mockImplementation(async (_cid, b) => answer(b.body));
    await store.post('c1', 'le plan', { attachmentIds: ['a1'], files: [file] });
    expect(keys.encrypt).toHaveBeenCalledWith('c1', 'le plan', [file]);
    expect(post).toHaveBeenCalledWith('c1', {
      body: 'e2e2:1:c1:7:x',
      mentions: [],
      mention_channel: false,
      attachment_ids: ['a1'],
    });
    expect(keys.remember).toHaveBeenCalledWith(expect.anything(), 'le plan', [file]);
  });

  it('edits of a version 2 message seal the same files again', async () => {
    const { keys, store } = fakeKeys();
    keys.show.mockReturnValue({ kind: 'text', text: 'avant', verified: true, files: [file] });
    const edit = vi.spyOn(api.chat, 'edit').mockImplementation(async (_mid, b) => answer(b.body));
    const m = msg('me', '2026-11-29T10:00:00Z', { channel_id: 'c9' });
    await store.edit(m, 'après');
    expect(keys.encrypt).toHaveBeenCalledWith('c9', 'après', [file]);
    expect(edit.mock.calls[0]?.[1].body).toMatch(/^e2e2:/);
    expect(keys.remember).toHaveBeenCalledWith(expect.anything(), 'après', [file]);
    // A version 1 message stays version 1.
    keys.show.mockReturnValue({ kind: 'text', text: 'avant', verified: true });
    await store.edit(m, 'encore');
    expect(keys.encrypt).toHaveBeenLastCalledWith('c9', 'encore', undefined);
    expect(edit.mock.calls[1]?.[1].body).toMatch(/^e2e1:/);
  });
});

describe('chat store elsewhere', () => {
  it('sends the text as it is, without mention fields', async () => {
    const store = new ChatStore('w1', 'me');
    const post = vi.spyOn(api.chat, 'post').mockImplementation(async (_cid, b) => answer(b.body));
    await store.post('c1', `<@${BOB}> salut`);
    expect(post).toHaveBeenCalledWith('c1', { body: `<@${BOB}> salut` });
    const edit = vi.spyOn(api.chat, 'edit').mockImplementation(async (_mid, b) => answer(b.body));
    await store.edit(msg('me', '2026-11-29T10:00:00Z'), 'corrigé');
    expect(edit).toHaveBeenCalledWith(expect.any(String), { body: 'corrigé' });
  });
});
