import { describe, expect, it } from 'vitest';
import { contrast, palette, parseHex, toHex } from './color';

const WHITE = [255, 255, 255] as const;

function rgb(hex: string) {
  const c = parseHex(hex);
  if (!c) throw new Error(`not a colour: ${hex}`);
  return c;
}

describe('branding colours', () => {
  it('parses and prints #rrggbb', () => {
    expect(parseHex('#1f5fbf')).toEqual([31, 95, 191]);
    expect(parseHex('1f5fbf')).toBeNull();
    expect(parseHex('#fff')).toBeNull();
    expect(toHex([31, 95, 191])).toBe('#1f5fbf');
  });

  it.each([
    '#1f5fbf',
    '#f2b705',
    '#ffffff',
    '#000000',
    '#6a1b9a',
    '#8fbc8f',
    '#ff0000',
    '#777777',
    '#00ffff',
  ])('keeps AA contrast for %s', (hex) => {
    const p = palette(hex, '#1f5fbf');
    expect(contrast(rgb(p.strong), rgb(p.contrast))).toBeGreaterThanOrEqual(4.5);
    expect(contrast(rgb(p.text), WHITE)).toBeGreaterThanOrEqual(4.5);
    expect(p.base).toBe(hex);
  });

  it('falls back for invalid input', () => {
    expect(palette('nope', '#1f5fbf').base).toBe('#1f5fbf');
  });
});
