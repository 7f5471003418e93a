import { describe, expect, it } from 'vitest';
import { ALL_EMOJI, QUICK_REACTIONS, searchEmoji } from './emoji';
import {
  TypingThrottle,
  nextExpiry,
  pruneTyping,
  typingIn,
  typingStarted,
  typingStopped,
} from './typing';

describe('typing indicators', () => {
  it('shows a person for 5 s after their last signal', () => {
    let s = typingStarted({}, 'c1', 'alice', 1000);
    s = typingStarted(s, 'c1', 'bob', 2000);
    expect(typingIn(s, 'c1', 5999)).toEqual(['alice', 'bob']);
    expect(typingIn(s, 'c1', 6000)).toEqual(['bob']);
    expect(typingIn(s, 'c2', 0)).toEqual([]);
    expect(nextExpiry(s)).toBe(6000);
    const pruned = pruneTyping(s, 6500);
    expect(Object.keys(pruned.c1 ?? {})).toEqual(['bob']);
    expect(pruneTyping(pruned, 6500)).toBe(pruned);
    expect(pruneTyping(pruned, 8000)).toEqual({});
  });

  it('stops showing a person whose message arrived', () => {
    const s = typingStarted({}, 'c1', 'alice', 0);
    expect(typingIn(typingStopped(s, 'c1', 'alice'), 'c1', 1)).toEqual([]);
    expect(typingStopped(s, 'c1', 'bob')).toBe(s);
  });

  it('signals at most every 3 s per channel', () => {
    const th = new TypingThrottle(3000);
    expect(th.take('c1', 0)).toBe(true);
    expect(th.take('c1', 1000)).toBe(false);
    expect(th.take('c2', 1000)).toBe(true);
    expect(th.take('c1', 2999)).toBe(false);
    expect(th.take('c1', 3000)).toBe(true);
    th.reset('c1');
    expect(th.take('c1', 3001)).toBe(true);
  });
});

describe('emoji', () => {
  it('finds emoji by English or French words, accents aside', () => {
    expect(searchEmoji('pouce').map((e) => e.char)).toContain('👍');
    expect(searchEmoji('thumbs up').map((e) => e.char)).toEqual(['👍']);
    expect(searchEmoji('fete').map((e) => e.char)).toContain('🎉');
    expect(searchEmoji('fête').map((e) => e.char)).toContain('🎉');
    expect(searchEmoji('zzzzqq')).toEqual([]);
    expect(searchEmoji('', 10)).toHaveLength(10);
    // The one-click reactions are in the list, and no emoji is there twice.
    for (const q of QUICK_REACTIONS) expect(ALL_EMOJI.some((e) => e.char === q)).toBe(true);
    expect(new Set(ALL_EMOJI.map((e) => e.char)).size).toBe(ALL_EMOJI.length);
  });
});
