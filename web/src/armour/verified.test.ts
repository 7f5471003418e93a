import sodium from 'libsodium-wrappers-sumo';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createIdentity,
  decryptMessage,
  encryptMessage,
  newGenerationKey,
  ready,
  rememberVerified,
} from './crypto';
import { IdentityStore } from './identity';
import { KeptTags, MAX_TAGS, type TagStorage } from './verified';

/** A storage as localStorage is, that can be told to be full. */
function memoryStorage() {
  const items = new Map<string, string>();
  let full = false;
  const storage: TagStorage & { fill(): void; items: Map<string, string> } = {
    items,
    fill: () => {
      full = true;
    },
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => {
      if (full) throw new DOMException('full', 'QuotaExceededError');
      items.set(k, v);
    },
    removeItem: (k) => void items.delete(k),
  };
  return storage;
}

describe('the signatures checked, kept between reloads', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the tags a moment after the last one added, for the same person and key only', () => {
    const storage = memoryStorage();
    const tags = new KeptTags('u1', 'key-a', storage);
    tags.add('t1');
    tags.add('t2');
    expect(storage.items.size).toBe(0); // not at each tag
    vi.advanceTimersByTime(1_000);
    expect(storage.items.size).toBe(1);
    // After a reload: the same tags under the same key.
    const again = new KeptTags('u1', 'key-a', storage);
    expect(again.has('t1') && again.has('t2')).toBe(true);
    expect(again.has('t3')).toBe(false);
    // Another key (the person's keys replaced), another person: nothing.
    expect(new KeptTags('u1', 'key-b', storage).has('t1')).toBe(false);
    expect(new KeptTags('u2', 'key-a', storage).has('t1')).toBe(false);
  });

  it('drops the oldest beyond MAX_TAGS', () => {
    const storage = memoryStorage();
    const tags = new KeptTags('u1', 'k', storage);
    for (let i = 0; i <= MAX_TAGS; i++) tags.add(`t${i}`);
    expect(tags.has('t0')).toBe(false);
    expect(tags.has('t1')).toBe(true);
    expect(tags.has(`t${MAX_TAGS}`)).toBe(true);
    tags.save();
    const kept = JSON.parse(storage.items.get('ruche.armour.verified.u1') ?? '{}') as {
      tags: string[];
    };
    expect(kept.tags.length).toBe(MAX_TAGS);
  });

  it('reads nothing from a broken record, and remembers in the tab when the storage is full', () => {
    const storage = memoryStorage();
    storage.setItem('ruche.armour.verified.u1', '{"key": "k", "tags": "pas une liste"}');
    expect(new KeptTags('u1', 'k', storage).has('pas une liste')).toBe(false);
    storage.setItem('ruche.armour.verified.u1', 'pas du JSON');
    const tags = new KeptTags('u1', 'k', storage);
    storage.fill();
    tags.add('t1');
    expect(() => tags.save()).not.toThrow();
    expect(tags.has('t1')).toBe(true);
  });
});

describe('the identity remembers what it checked while unlocked', () => {
  const ME = '01HZBASILE0000000000000000';
  const WS = '01HZWORKSPACE0000000000000';
  const CH = '01HZCHANNEL000000000000000';
  afterEach(() => {
    rememberVerified(null, null);
    vi.restoreAllMocks();
    localStorage.clear();
  });

  it('verifies a text once after unlocking, keeps the tags for the next reload, and forgets them at sign-out', async () => {
    await ready();
    const made = createIdentity(ME, 'la clé de Basile est longue');
    const record = {
      box_public: made.box_public,
      sign_public: made.sign_public,
      sealed_secret: made.sealed_secret,
    };
    const store = new IdentityStore({ me: async () => record, setMe: async () => record });
    await store.load(ME);
    await store.unlock(ME, 'la clé de Basile est longue');
    expect(localStorage.length).toBe(0); // nothing yet
    const key = newGenerationKey();
    const body = encryptMessage(key, 1, WS, CH, ME, 'bonjour', made.secrets.signSecretKey);
    const ctx = {
      workspaceId: WS,
      channelId: CH,
      authorId: ME,
      key: () => key,
      authorKeys: [made.sign_public],
    };
    const verify = vi.spyOn(sodium, 'crypto_sign_verify_detached');
    // The tags are set once the crypto chunk answers (a microtask after unlocking).
    await Promise.resolve();
    expect(decryptMessage(body, ctx)).toMatchObject({ ok: true, verified: true });
    expect(decryptMessage(body, ctx)).toMatchObject({ ok: true, verified: true });
    expect(verify).toHaveBeenCalledTimes(1);
    // Written a second after the last tag.
    await vi.waitFor(
      () => expect(localStorage.getItem(`ruche.armour.verified.${ME}`)).not.toBeNull(),
      { timeout: 3_000 },
    );
    store.forget();
    expect(localStorage.getItem(`ruche.armour.verified.${ME}`)).toBeNull();
    await vi.waitFor(() => {
      decryptMessage(body, ctx);
      expect(verify).toHaveBeenCalledTimes(2); // nothing remembered once signed out
    });
  }, 30_000);
});
