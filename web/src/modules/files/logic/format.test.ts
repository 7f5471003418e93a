import { describe, expect, it } from 'vitest';
import { node } from './fixtures.test-util';
import { decodeText, formatBytes, percent, previewKind } from './format';
import { moveIndex } from './keys';

describe('formatting', () => {
  it('formats sizes in the locale, by powers of 1024', () => {
    expect(formatBytes(0, 'en')).toBe('0 byte');
    expect(formatBytes(1536, 'en')).toBe('1.5 kB');
    expect(formatBytes(5 * 1024 * 1024, 'fr')).toBe('5\u202fMo');
    expect(formatBytes(300 * 1024 * 1024 * 1024, 'fr')).toBe('300\u202fGo');
  });

  it('computes whole percents', () => {
    expect(percent(1, 3)).toBe(33);
    expect(percent(5, 0)).toBe(0);
    expect(percent(7, 5)).toBe(100);
  });

  it('previews images (never SVG), PDF and text', () => {
    expect(previewKind(node('a.png', { content_type: 'image/png' }))).toBe('image');
    expect(previewKind(node('a.svg', { content_type: 'image/svg+xml' }))).toBe('text');
    expect(previewKind(node('a.pdf', { content_type: 'application/pdf' }))).toBe('pdf');
    expect(previewKind(node('notes.md', { content_type: 'application/octet-stream' }))).toBe(
      'text',
    );
    expect(previewKind(node('a.zip', { content_type: 'application/zip' }))).toBeNull();
    expect(previewKind({ kind: 'folder', name: 'x.png' })).toBeNull();
  });

  it('decodes the first bytes of a text without a broken character', () => {
    const bytes = new TextEncoder().encode('été');
    expect(decodeText(bytes, false)).toBe('été');
    expect(decodeText(bytes.subarray(0, 4), true)).toBe('ét');
    expect(decodeText(bytes.subarray(0, 3), true)).toBe('ét');
    expect(decodeText(new TextEncoder().encode('abc'), true)).toBe('abc');
  });
});

describe('arrow keys', () => {
  it('moves by one in a list, by rows and columns in a grid', () => {
    expect(moveIndex(0, 'ArrowDown', 5)).toBe(1);
    expect(moveIndex(4, 'ArrowDown', 5)).toBe(4);
    expect(moveIndex(0, 'ArrowRight', 5)).toBeNull();
    expect(moveIndex(1, 'ArrowDown', 10, 4)).toBe(5);
    expect(moveIndex(8, 'ArrowDown', 10, 4)).toBe(9);
    expect(moveIndex(5, 'ArrowUp', 10, 4)).toBe(1);
    expect(moveIndex(5, 'ArrowLeft', 10, 4)).toBe(4);
    expect(moveIndex(-1, 'ArrowDown', 3)).toBe(0);
    expect(moveIndex(2, 'Home', 3)).toBe(0);
    expect(moveIndex(0, 'End', 3)).toBe(2);
    expect(moveIndex(0, 'x', 3)).toBeNull();
    expect(moveIndex(0, 'ArrowDown', 0)).toBeNull();
  });
});
