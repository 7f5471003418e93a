import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import type { Message } from '../i18n/core';
import { ArmourError } from './format';
import { armourEn, armourErrorKey, armourFr } from './i18n';

const placeholders = (m: Message) =>
  [...new Set((typeof m === 'string' ? m : Object.values(m).join(' ')).match(/\{\w+\}/g) ?? [])]
    .sort()
    .join(',');

describe('armour words', () => {
  it('English has exactly the French keys and placeholders, and nothing is empty', () => {
    expect(Object.keys(armourEn).sort()).toEqual(Object.keys(armourFr).sort());
    for (const key of Object.keys(armourFr) as (keyof typeof armourFr)[]) {
      expect([key, placeholders(armourEn[key])]).toEqual([key, placeholders(armourFr[key])]);
      for (const m of [armourFr[key], armourEn[key]]) {
        const texts = typeof m === 'string' ? [m] : Object.values(m);
        for (const t of texts) expect([key, t.trim().length > 0]).toEqual([key, true]);
      }
    }
  });

  it('names armour errors, and leaves the others to the app', () => {
    expect(armourErrorKey(new ArmourError('wrong_passphrase'))).toBe('unlock.wrong');
    expect(armourErrorKey(new ArmourError('no_key'))).toBe('error.no_key');
    expect(armourErrorKey(new ApiError(400, 'armoured_unsupported', ''))).toBe('error.unsupported');
    expect(armourErrorKey(new ApiError(409, 'stale_key', ''))).toBe('error.keys');
    expect(armourErrorKey(new ApiError(404, 'not_found', ''))).toBeNull();
    expect(armourErrorKey(new Error('x'))).toBeNull();
  });
});
