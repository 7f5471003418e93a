import { beforeEach, describe, expect, it } from 'vitest';
import { TrustStore } from './trust';

const ME = '01HZME00000000000000000000';
const BOB = '01HZBOB000000000000000000B';
const bob1 = { user_id: BOB, box_public: 'box1', sign_public: 'sign1' };
const bob2 = { user_id: BOB, box_public: 'box2', sign_public: 'sign2' };

describe('trust on first use', () => {
  beforeEach(() => localStorage.clear());

  it('trusts keys seen first, reports changed ones until accepted', () => {
    const t = new TrustStore(ME);
    expect(t.observe([bob1])).toEqual([]);
    expect(t.observe([bob1])).toEqual([]);
    expect(t.observe([bob2])).toEqual([BOB]);
    // Another tab (or a reload) remembers both the keys and the change.
    expect(new TrustStore(ME).observe([bob2])).toEqual([BOB]);
    t.accept(bob2);
    expect(t.observe([bob2])).toEqual([]);
    expect(new TrustStore(ME).observe([bob2])).toEqual([]);
  });

  it('keeps earlier signing keys, so older messages still verify', () => {
    const t = new TrustStore(ME);
    t.observe([bob1]);
    t.accept(bob2);
    expect(t.signKeys(BOB, 'sign2')).toEqual(['sign2', 'sign1']);
    expect(t.signKeys(BOB)).toEqual(['sign2', 'sign1']);
    expect(t.signKeys('01HZNOBODY0000000000000000')).toEqual([]);
  });

  it('trusts the reader’s own unlocked keys as they are', () => {
    const t = new TrustStore(ME);
    const mine1 = { user_id: ME, box_public: 'a', sign_public: 'b' };
    const mine2 = { user_id: ME, box_public: 'c', sign_public: 'd' };
    expect(t.observe([mine1], { box: 'a', sign: 'b' })).toEqual([]);
    expect(t.observe([mine2], { box: 'c', sign: 'd' })).toEqual([]);
    expect(t.signKeys(ME)).toEqual(['d', 'b']);
  });

  it('is kept per signed-in person, and survives garbage in storage', () => {
    new TrustStore(ME).observe([bob1]);
    expect(new TrustStore('01HZOTHER00000000000000000').observe([bob2])).toEqual([]);
    localStorage.setItem(`ruche.armour.trust.${ME}`, '{not json');
    expect(new TrustStore(ME).observe([bob2])).toEqual([]);
  });

  it('marks keys verified, for those exact keys, and remembers it after a reload', () => {
    const t = new TrustStore(ME);
    t.observe([bob1]);
    expect(t.verification(bob1)).toBe('unverified');
    t.verify(bob1);
    expect(t.verification(bob1)).toBe('verified');
    // A reload (or another tab) reads the mark from localStorage.
    const reloaded = new TrustStore(ME);
    expect(reloaded.verification(bob1)).toBe('verified');
    expect(reloaded.observe([bob1])).toEqual([]);
    // Other keys for the same person are not verified: changed.
    expect(reloaded.verification(bob2)).toBe('changed');
    reloaded.unverify(BOB);
    expect(reloaded.verification(bob1)).toBe('unverified');
    expect(new TrustStore(ME).verification(bob1)).toBe('unverified');
    // Still trusted: removing the mark is not distrust.
    expect(new TrustStore(ME).observe([bob1])).toEqual([]);
  });

  it('drops the mark when the keys change; accepting the new keys does not verify them', () => {
    const t = new TrustStore(ME);
    t.observe([bob1]);
    t.verify(bob1);
    expect(t.observe([bob2])).toEqual([BOB]);
    expect(t.verification(bob2)).toBe('changed');
    t.accept(bob2);
    expect(t.verification(bob2)).toBe('unverified');
    expect(new TrustStore(ME).verification(bob2)).toBe('unverified');
    // Back to the first keys (accepted again): the old mark does not come back.
    t.accept(bob1);
    expect(t.verification(bob1)).toBe('unverified');
    // The keys the server lists were compared in person: verified and trusted at once.
    expect(t.observe([bob2])).toEqual([BOB]);
    t.verify(bob2);
    expect(t.observe([bob2])).toEqual([]);
    expect(new TrustStore(ME).verification(bob2)).toBe('verified');
    expect(t.signKeys(BOB, 'sign2')).toEqual(['sign2', 'sign1']);
  });

  it('keeps a mark when the same keys are accepted again, not a malformed one', () => {
    const t = new TrustStore(ME);
    t.observe([bob1]);
    t.verify(bob1);
    t.accept(bob1);
    expect(t.verification(bob1)).toBe('verified');
    const key = `ruche.armour.trust.${ME}`;
    const stored = JSON.parse(localStorage.getItem(key) ?? '{}') as {
      users: Record<string, { verified?: unknown }>;
    };
    expect(stored.users[BOB]?.verified).toEqual({ box: 'box1', sign: 'sign1' });
    stored.users[BOB] = { ...stored.users[BOB], verified: 'yes' };
    localStorage.setItem(key, JSON.stringify(stored));
    const reloaded = new TrustStore(ME);
    expect(reloaded.verification(bob1)).toBe('unverified');
    expect(reloaded.observe([bob1])).toEqual([]); // the keys stay trusted
  });
});
