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
});
