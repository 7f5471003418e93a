// How files are shown: sizes, kinds, what the browser can preview.
import type { FileNode } from '../../../api';

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** "1,5 Mo" / "1.5 MB" (powers of 1024, like file managers). */
export function formatBytes(n: number, locale: string): string {
  let v = Math.max(0, n);
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: UNITS[i],
    unitDisplay: 'short',
    maximumFractionDigits: i === 0 || v >= 100 ? 0 : 1,
  }).format(v);
}

/** The whole-percent share of `part` in `whole` (0..100); 0 for an empty whole. */
export function percent(part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Math.min(100, Math.max(0, Math.floor((part / whole) * 100)));
}

export type PreviewKind = 'image' | 'text' | 'pdf';

const IMAGE_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/bmp',
]);
const TEXT_EXTENSIONS = new Set(
  'txt text md markdown csv tsv log json yaml yml toml ini conf cfg c h cc cpp hpp py rb go rs java kt ts tsx js jsx mjs sh sql css scss diff patch tex rst srt vtt html htm xml svg'.split(
    ' ',
  ),
);
const IMAGE_EXTENSIONS = new Set('png jpg jpeg gif webp avif bmp'.split(' '));

function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/**
 * What the browser can show of a file: images (never SVG as an image: it
 * can carry script), PDF, and text (escaped, so HTML or SVG source is only
 * text). By its type, else by its name.
 */
export function previewKind(
  n: Pick<FileNode, 'kind' | 'name' | 'content_type'>,
): PreviewKind | null {
  if (n.kind !== 'file') return null;
  const type = (n.content_type ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const ext = extension(n.name);
  if (IMAGE_TYPES.has(type) || IMAGE_EXTENSIONS.has(ext)) return 'image';
  if (type === 'application/pdf' || ext === 'pdf') return 'pdf';
  if (type.startsWith('text/') || type === 'application/json' || TEXT_EXTENSIONS.has(ext))
    return 'text';
  return null;
}

export type FileIcon = 'folder' | 'image' | 'text' | 'pdf' | 'file';

export function iconOf(n: Pick<FileNode, 'kind' | 'name' | 'content_type'>): FileIcon {
  if (n.kind === 'folder') return 'folder';
  return previewKind(n) ?? 'file';
}

/**
 * The text of the first bytes of a file: UTF-8, without a character cut in
 * half at the end when the bytes were truncated.
 */
export function decodeText(bytes: Uint8Array, truncated: boolean): string {
  let end = bytes.length;
  if (truncated) {
    // Step back over an incomplete UTF-8 sequence (at most 3 bytes).
    let i = end - 1;
    let back = 0;
    while (i >= 0 && back < 3 && ((bytes[i] ?? 0) & 0xc0) === 0x80) {
      i--;
      back++;
    }
    if (i >= 0) {
      const lead = bytes[i] ?? 0;
      const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
      if (need > back + 1) end = i;
    }
  }
  return new TextDecoder('utf-8').decode(bytes.subarray(0, end));
}
