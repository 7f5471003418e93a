import { describe, expect, it } from 'vitest';
import { clipUtf8, utf8Length } from './text';

describe('texts in UTF-8 bytes', () => {
  it('measures bytes, not characters', () => {
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('été')).toBe(5);
    expect(utf8Length('😀')).toBe(4);
  });

  it('cuts at the limit, never inside a character', () => {
    expect(clipUtf8('abc', 3)).toBe('abc');
    expect(clipUtf8('éé', 3)).toBe('é'); // 4 bytes: the second does not fit
    expect(clipUtf8('a😀b', 4)).toBe('a'); // the emoji's 4 bytes do not fit after "a"
    expect(clipUtf8('a😀b', 5)).toBe('a😀');
    const long = 'é'.repeat(300); // 600 bytes
    expect(utf8Length(clipUtf8(long, 500))).toBe(500);
  });
});
