import { describe, expect, it } from 'vitest';
import { formatBytes, pastedName, previewBox } from './attachments';

describe('attachments', () => {
  it('formats sizes in the locale', () => {
    expect(formatBytes(0, 'en')).toBe('0 B');
    expect(formatBytes(999, 'en')).toBe('999 B');
    expect(formatBytes(1536, 'en')).toBe('1.5 KB');
    expect(formatBytes(1536, 'fr')).toBe('1,5 Ko');
    expect(formatBytes(25 * 1024 * 1024, 'fr')).toBe('25 Mo');
    expect(formatBytes(3 * 1024 ** 4, 'en')).toBe('3,072 GB');
  });

  it('scales previews down, never up', () => {
    expect(previewBox(320, 240)).toEqual({ width: 320, height: 240 });
    expect(previewBox(3000, 1000)).toEqual({ width: 360, height: 120 });
    expect(previewBox(1000, 3000)).toEqual({ width: 80, height: 240 });
    expect(previewBox(10, 10)).toEqual({ width: 10, height: 10 });
    expect(previewBox(0, 0)).toEqual({ width: 360, height: 240 });
  });

  it('names pasted images', () => {
    const at = new Date(2026, 10, 29, 14, 25, 1);
    expect(pastedName('image/png', at)).toBe('image-2026-11-29-142501.png');
    expect(pastedName('image/jpeg', at)).toBe('image-2026-11-29-142501.jpg');
    expect(pastedName('', at)).toBe('file-2026-11-29-142501.bin');
  });
});
