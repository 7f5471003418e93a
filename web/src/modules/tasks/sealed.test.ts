// Tasks in an armoured workspace: cards, checklist items and comments
// sealed in Alice's browser and opened again (round trips), what does not
// open (another task's token, another author, another kind, a changed
// byte), the limits checked when a text is opened as when it is sealed,
// and the writes sealed again once when the key moved on.
import sodium from 'libsodium-wrappers-sumo';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, isApiError, type Task, type TaskComment } from '../../api';
import { createIdentity, sealTaskText, type CreatedIdentity } from '../../armour/crypto';
import { isArmourError, parseBody, taskTextAd, type TaskTextKind } from '../../armour/format';
import type { WorkspaceKeys } from '../../armour/keys';
import { loadCrypto } from '../../armour/load';
import { ALICE, WS, soloKeys } from '../../test/soloKeyServer';
import { task } from './logic/fixtures.test-util';
import { TasksArmour, cardOpen, openedOf, rawOf, sealableCard, type ShownItem } from './sealed';

const TOKEN = 'q5e0VJk3n1Zr7aQmYyH9xA';
const OTHER = 'Zm9vYmFyYmF6cXV4MTIzNA';
const BOB = '01HZBOB00000000000000000B0';

let alice: CreatedIdentity;
let bob: CreatedIdentity;
let keys: WorkspaceKeys;
let tasks: TasksArmour;

beforeAll(async () => {
  await loadCrypto();
  alice = createIdentity(ALICE, 'alice passphrase');
  bob = createIdentity(BOB, 'bob passphrase');
});

beforeEach(async () => {
  ({ keys } = await soloKeys(alice));
  tasks = new TasksArmour(WS, keys);
});

const b64 = (bytes: Uint8Array) =>
  sodium.to_base64(bytes, sodium.base64_variants.URLSAFE_NO_PADDING);

/**
 * A text sealed by hand, as any browser could (no limits checked): the
 * spec's bytes, under generation 1, signed with `signer`'s key.
 */
function sealRaw(
  kind: TaskTextKind,
  plaintext: string,
  o: { token?: string; author?: string; signer?: CreatedIdentity; generation?: number } = {},
): string {
  const g = o.generation ?? 1;
  const key = keys.key(g) ?? sodium.randombytes_buf(32);
  const ad = taskTextAd(kind, WS, o.token ?? TOKEN, o.author ?? ALICE, g);
  const nonce = sodium.randombytes_buf(24);
  const ct = b64(
    sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key),
  );
  const signed = `${ad}\n${b64(nonce)}\n${ct}`;
  const sig = b64(sodium.crypto_sign_detached(signed, (o.signer ?? alice).secrets.signSecretKey));
  return `e2e1:${g}:${b64(nonce)}:${ct}:${sig}`;
}

const card = (title: string, description = '', labels: string[] = []) =>
  JSON.stringify({ title, description, labels });

/** A task as the server lists it in an armoured workspace: no text in clear. */
function rawTask(o: Partial<Task> = {}): Task {
  return task('t1', {
    title: '',
    description: '',
    labels: [],
    token: TOKEN,
    sealed: sealRaw('card', card('Budget')),
    sealed_by: ALICE,
    ...o,
  });
}

/** A checklist item as the server lists it, its text sealed (by `by`). */
const rawItem = (text: string, by: string | null = ALICE) => ({
  id: 'i',
  text,
  ...(by ? { text_by: by } : {}),
  done: false,
  position: 1,
  done_by: null,
  done_at: null,
});

const comment = (body: string, author = ALICE): TaskComment => ({
  id: 'c1',
  task_id: 't1',
  author_id: author,
  body,
  created_at: '2026-12-01T10:00:00Z',
  edited_at: null,
});

describe('the spec’s bytes (docs/armoured.md, "Tasks")', () => {
  it('a card is e2e1 under the workspace key, its AD and signature the spec’s, its plaintext the JSON', async () => {
    const b = await tasks.sealNew(
      { title: ' Budget ', description: 'les **chiffres**', labels: ['direction'] },
      TOKEN,
    );
    const p = parseBody(b.sealed);
    expect(p).toMatchObject({ version: 1, key: 1 });
    const ad = `ruche-tasks-card-v1\n${WS}\n${TOKEN}\n${ALICE}\n1`;
    expect(taskTextAd('card', WS, TOKEN, ALICE, 1)).toBe(ad);
    const from = (s: string) => sodium.from_base64(s, sodium.base64_variants.URLSAFE_NO_PADDING);
    const signed = `${ad}\n${p?.nonce}\n${p?.ciphertext}`;
    expect(
      sodium.crypto_sign_verify_detached(from(p?.signature ?? ''), signed, from(alice.sign_public)),
    ).toBe(true);
    const plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      from(p?.ciphertext ?? ''),
      ad,
      from(p?.nonce ?? ''),
      keys.key(1) as Uint8Array,
      'text',
    );
    expect(plain).toBe(
      '{"title":"Budget","description":"les **chiffres**","labels":["direction"]}',
    );
  });

  it('items and comments have domains of their own', () => {
    expect(taskTextAd('item', WS, TOKEN, ALICE, 3)).toBe(
      `ruche-tasks-item-v1\n${WS}\n${TOKEN}\n${ALICE}\n3`,
    );
    expect(taskTextAd('comment', WS, TOKEN, ALICE, 3)).toBe(
      `ruche-tasks-comment-v1\n${WS}\n${TOKEN}\n${ALICE}\n3`,
    );
  });
});

describe('round trips', () => {
  it('a new task: a fresh token, the card and the checklist sealed, the board’s shape in clear', async () => {
    const b = await tasks.sealNew({
      title: 'Budget confidentiel',
      description: 'les **chiffres**',
      labels: ['direction', ' finances ', 'direction'],
      status: 'doing',
      due: '2027-03-01',
      assignee_ids: [BOB],
      checklist: [{ text: ' chiffrer ' }, { text: 'relire', done: true }],
    });
    expect(b.token).toMatch(/^[A-Za-z0-9_-]{21}[AQgw]$/);
    expect(Object.keys(b).sort()).toEqual(
      ['assignee_ids', 'checklist', 'due', 'sealed', 'status', 'token'].sort(),
    );
    expect(JSON.stringify(b)).not.toMatch(/Budget|chiffres|direction|chiffrer|relire/);
    const shown = tasks.open(
      task('t1', {
        title: '',
        token: b.token,
        sealed: b.sealed,
        sealed_by: ALICE,
        checklist: (b.checklist ?? []).map((x, i) => ({
          id: `i${i}`,
          text: x.text,
          text_by: ALICE,
          done: !!x.done,
          position: i,
          done_by: null,
          done_at: null,
        })),
      }),
    );
    expect(shown).toMatchObject({
      title: 'Budget confidentiel',
      description: 'les **chiffres**',
      labels: ['direction', 'finances'],
      opened: { token: b.token, card: { kind: 'open', verified: true }, verified: true },
    });
    expect(shown.checklist.map((x) => x.text)).toEqual(['chiffrer', 'relire']);
    expect((shown.checklist[0] as ShownItem).opened).toEqual({ kind: 'open', verified: true });
    expect(cardOpen(shown)).toBe(true);
  });

  it('opens a task once per key change, and keeps the server’s task inside', () => {
    const raw = rawTask();
    const shown = tasks.open(raw);
    expect(tasks.open(raw)).toBe(shown);
    expect(rawOf(shown)).toBe(raw);
    expect(openedOf(raw)).toBeUndefined();
    expect(rawOf(raw)).toBe(raw);
  });

  it('a card with the title only (another browser’s): no description, no labels', () => {
    const shown = tasks.open(rawTask({ sealed: sealRaw('card', '{"title":"Budget 2027"}') }));
    expect(shown).toMatchObject({ title: 'Budget 2027', description: '', labels: [] });
  });

  it('an item and a comment sealed for the task, opened', async () => {
    const item = await tasks.sealItem(TOKEN, '  relire  ');
    const body = await tasks.sealComment(TOKEN, 'Je m’en **occupe**');
    expect(tasks.openItem(TOKEN, rawItem(item))).toMatchObject({
      text: 'relire',
      opened: { kind: 'open', verified: true },
    });
    const raw = comment(body);
    const shown = tasks.openComment(TOKEN, raw);
    expect(shown).toMatchObject({
      body: 'Je m’en **occupe**',
      opened: { kind: 'open', verified: true },
      raw,
    });
    expect(tasks.openComment(TOKEN, raw)).toBe(shown);
  });

  it('a text whose author’s keys are not known here opens, not verified', () => {
    const shown = tasks.open(
      rawTask({
        sealed: sealRaw('card', card('De Bob'), { author: BOB, signer: bob }),
        sealed_by: BOB,
      }),
    );
    expect(shown.title).toBe('De Bob');
    expect(shown.opened).toMatchObject({
      card: { kind: 'open', verified: false },
      verified: false,
    });
    // Not kept for good: Bob's keys may come.
    expect(tasks.open(rawOf(shown))).toBe(shown);
  });
});

describe('what does not open', () => {
  it('a card of another task (its token) is refused: the signature covers the token', () => {
    const shown = tasks.open(
      rawTask({ sealed: sealRaw('card', card('Ailleurs'), { token: OTHER }) }),
    );
    expect(shown.title).toBe('');
    expect(shown.opened?.card.kind).toBe('bad_signature');
    expect(cardOpen(shown)).toBe(false);
  });

  it('a card said to be by someone else does not open', () => {
    // Alice's card, the server says Bob's (whose keys are not known: it does not decrypt).
    expect(tasks.open(rawTask({ sealed_by: BOB })).opened?.card.kind).toBe('unreadable');
    // Bob's card, the server says Alice's (her keys check: it is not her signature).
    const bobs = sealRaw('card', card('Faux'), { author: ALICE, signer: bob });
    expect(tasks.open(rawTask({ sealed: bobs })).opened?.card.kind).toBe('bad_signature');
  });

  it('a text of another kind does not pass for a card, an item or a comment', () => {
    const asItem = sealRaw('item', 'relire');
    const asComment = sealRaw('comment', 'relire');
    expect(tasks.open(rawTask({ sealed: asItem })).opened?.card.kind).toBe('bad_signature');
    expect(tasks.openComment(TOKEN, comment(asItem)).opened?.kind).toBe('bad_signature');
    const item = tasks.openItem(TOKEN, rawItem(asComment));
    expect(item).toMatchObject({ text: '', opened: { kind: 'bad_signature', verified: false } });
  });

  it('a changed byte is detected', () => {
    const sealed = sealRaw('card', card('Budget'));
    const parts = sealed.split(':');
    const ct = parts[3] as string;
    parts[3] = (ct[0] === 'A' ? 'B' : 'A') + ct.slice(1);
    expect(tasks.open(rawTask({ sealed: parts.join(':') })).opened?.card.kind).toBe(
      'bad_signature',
    );
    // With the signature made again over the changed bytes (a member's forgery): the tag fails.
    const key = keys.key(1) as Uint8Array;
    expect(key).toBeDefined();
    parts[4] = b64(
      sodium.crypto_sign_detached(
        `${taskTextAd('card', WS, TOKEN, ALICE, 1)}\n${parts[2]}\n${parts[3]}`,
        alice.secrets.signSecretKey,
      ),
    );
    expect(tasks.open(rawTask({ sealed: parts.join(':') })).opened?.card.kind).toBe('unreadable');
  });

  it('no token, no card, a card not sealed, an item without its author: unreadable', () => {
    expect(tasks.open(rawTask({ token: undefined })).opened?.card.kind).toBe('unreadable');
    expect(tasks.open(rawTask({ sealed: undefined })).opened?.card.kind).toBe('unreadable');
    expect(tasks.open(rawTask({ sealed: 'Budget en clair' })).opened?.card.kind).toBe('unreadable');
    expect(tasks.open(rawTask({ sealed: 'e2e1:c1:AAAA:AAAA:AAAA' })).opened?.card.kind).toBe(
      'unreadable',
    );
    expect(tasks.openItem(TOKEN, rawItem(sealRaw('item', 'x'), null)).opened?.kind).toBe(
      'unreadable',
    );
  });

  it('a generation this browser does not hold: unreadable', () => {
    const sealed = sealRaw('card', card('Budget'), { generation: 7 });
    expect(tasks.open(rawTask({ sealed })).opened?.card.kind).toBe('unreadable');
  });
});

describe('limits, checked when a text is opened', () => {
  const opens = (plaintext: string) =>
    tasks.open(rawTask({ sealed: sealRaw('card', plaintext) })).opened?.card.kind === 'open';
  const itemOpens = (text: string) =>
    tasks.openItem(TOKEN, rawItem(sealRaw('item', text))).opened?.kind === 'open';
  const commentOpens = (body: string) =>
    tasks.openComment(TOKEN, comment(sealRaw('comment', body))).opened?.kind === 'open';

  it('a title: one line, not blank, at most 300 bytes', () => {
    expect(opens(card('é'.repeat(150)))).toBe(true); // 300 bytes
    expect(opens(card(`${'é'.repeat(150)}x`))).toBe(false);
    expect(opens(card('deux\nlignes'))).toBe(false);
    expect(opens(card('tab\there'))).toBe(false);
    expect(opens(card('   '))).toBe(false);
    expect(opens('{"description":"sans titre"}')).toBe(false);
    expect(opens('{"title":3}')).toBe(false);
  });

  it('a description: at most 20,000 bytes, Markdown (lines allowed)', () => {
    expect(opens(card('t', `a\nb${'x'.repeat(19_997)}`))).toBe(true);
    expect(opens(card('t', 'x'.repeat(20_001)))).toBe(false);
    expect(opens(card('t', 'nul\u0000'))).toBe(false);
  });

  it('labels: at most 20, each one line of 1 to 40 bytes', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `${i}`.padStart(40, 'x'));
    expect(opens(card('t', '', twenty))).toBe(true);
    expect(opens(card('t', '', [...twenty, 'y']))).toBe(false);
    expect(opens(card('t', '', ['x'.repeat(41)]))).toBe(false);
    expect(opens(card('t', '', ['']))).toBe(false);
    expect(opens(card('t', '', ['a\nb']))).toBe(false);
    expect(opens('{"title":"t","labels":"a"}')).toBe(false);
    expect(opens('{"title":"t","labels":[1]}')).toBe(false);
  });

  it('a card that is not a JSON object does not open; unknown fields are ignored', () => {
    expect(opens('Budget')).toBe(false);
    expect(opens('["Budget"]')).toBe(false);
    expect(opens('{"title":"t","priority":1}')).toBe(true);
  });

  it('an item: one line of 1 to 500 bytes', () => {
    expect(itemOpens('x'.repeat(500))).toBe(true);
    expect(itemOpens('x'.repeat(501))).toBe(false);
    expect(itemOpens('a\nb')).toBe(false);
    expect(itemOpens(' ')).toBe(false);
  });

  it('a comment: 1 to 10,000 bytes, not blank', () => {
    expect(commentOpens(`a\n${'x'.repeat(9_998)}`)).toBe(true);
    expect(commentOpens('x'.repeat(10_001))).toBe(false);
    expect(commentOpens(' \n ')).toBe(false);
  });
});

describe('limits, checked when a text is sealed (the server’s codes)', () => {
  const code = async (p: Promise<unknown>) => {
    const e = await p.then(
      () => null,
      (x: unknown) => x,
    );
    return isApiError(e) ? e.code : e;
  };

  it('a card', async () => {
    expect(await code(tasks.sealNew({ title: ' ' }))).toBe('invalid_title');
    expect(await code(tasks.sealNew({ title: 'x'.repeat(301) }))).toBe('invalid_title');
    expect(await code(tasks.sealNew({ title: 'a\nb' }))).toBe('invalid_title');
    expect(await code(tasks.sealNew({ title: 't', description: 'x'.repeat(20_001) }))).toBe(
      'invalid_description',
    );
    expect(await code(tasks.sealNew({ title: 't', labels: ['x'.repeat(41)] }))).toBe(
      'invalid_labels',
    );
    expect(
      await code(
        tasks.sealNew({ title: 't', labels: Array.from({ length: 21 }, (_, i) => `l${i}`) }),
      ),
    ).toBe('invalid_labels');
    expect(await code(tasks.sealNew({ title: 't', checklist: [{ text: ' ' }] }))).toBe(
      'invalid_checklist',
    );
    expect(sealableCard({ title: ' a ', description: '', labels: [' b', 'b', ''] })).toEqual({
      title: 'a',
      description: '',
      labels: ['b'],
    });
  });

  it('an item and a comment', async () => {
    expect(await code(tasks.sealItem(TOKEN, 'x'.repeat(501)))).toBe('invalid_checklist');
    expect(await code(tasks.sealItem(TOKEN, 'a\nb'))).toBe('invalid_checklist');
    expect(await code(tasks.sealComment(TOKEN, '   '))).toBe('invalid_body');
    expect(await code(tasks.sealComment(TOKEN, 'x'.repeat(10_001)))).toBe('invalid_body');
  });

  it('the crypto refuses what the limits refuse, and a token that is not one', () => {
    const key = keys.key(1) as Uint8Array;
    const seal = (kind: 'item' | 'comment', token: string, text: string) => () =>
      sealTaskText(kind, key, 1, WS, token, ALICE, text, alice.secrets.signSecretKey);
    expect(seal('item', TOKEN, 'x'.repeat(501))).toThrow(/item/);
    expect(seal('comment', 'court', 'x')).toThrow(/token/);
  });
});

describe('a change of a task', () => {
  it('the board’s shape only: nothing sealed', async () => {
    const shown = tasks.open(rawTask());
    expect(await tasks.sealChange(shown, { status: 'done', position: 3, due: null })).toEqual({
      status: 'done',
      position: 3,
      due: null,
    });
  });

  it('its title: a new card, with the description and labels as they are', async () => {
    const shown = tasks.open(
      rawTask({ sealed: sealRaw('card', card('Budget', 'les chiffres', ['a'])) }),
    );
    const change = await tasks.sealChange(shown, { title: 'Budget 2027', assignee_ids: [BOB] });
    expect(Object.keys(change).sort()).toEqual(['assignee_ids', 'sealed']);
    const again = tasks.open(rawTask({ sealed: change.sealed }));
    expect(again).toMatchObject({
      title: 'Budget 2027',
      description: 'les chiffres',
      labels: ['a'],
    });
  });

  it('a card that does not open here is not replaced (it would lose what it holds)', async () => {
    const shown = tasks.open(rawTask({ sealed_by: BOB }));
    const e = await tasks.sealChange(shown, { labels: ['x'] }).catch((x: unknown) => x);
    expect(isArmourError(e, 'unreadable')).toBe(true);
    // Its shape still changes.
    expect(await tasks.sealChange(shown, { status: 'doing' })).toEqual({ status: 'doing' });
  });
});

describe('sending', () => {
  it('seals again once when the key moved on', async () => {
    const sync = vi.spyOn(keys, 'sync');
    const sent: string[] = [];
    let first = true;
    const r = await tasks.write(async () => {
      const text = await tasks.sealItem(TOKEN, 'relire');
      sent.push(text);
      if (first) {
        first = false;
        throw new ApiError(409, 'stale_key', 'stale');
      }
      return 'ok';
    });
    expect(r).toBe('ok');
    expect(sync).toHaveBeenCalledTimes(1);
    expect(sent).toHaveLength(2);
    expect(sent[0]).not.toBe(sent[1]);
  });

  it('gives up after the second refusal, and on anything else at once', async () => {
    const send = vi.fn(async () => {
      throw new ApiError(409, 'key_rotation_required', '');
    });
    await expect(tasks.write(send)).rejects.toMatchObject({ code: 'key_rotation_required' });
    expect(send).toHaveBeenCalledTimes(2);
    const other = vi.fn(async () => {
      throw new ApiError(400, 'sealed_required', '');
    });
    await expect(tasks.write(other)).rejects.toMatchObject({ code: 'sealed_required' });
    expect(other).toHaveBeenCalledTimes(1);
  });
});
