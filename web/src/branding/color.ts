// Colour arithmetic for branding: an instance picks any primary and accent
// colour; the UI derives hover, soft and text variants that keep WCAG AA
// contrast (4.5:1 for text).
export type Rgb = readonly [number, number, number];

export function parseHex(hex: string): Rgb | null {
  const m = /^#([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m || !m[1]) return null;
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function toHex([r, g, b]: Rgb): string {
  const h = (v: number) =>
    Math.round(Math.min(255, Math.max(0, v)))
      .toString(16)
      .padStart(2, '0');
  return `#${h(r)}${h(g)}${h(b)}`;
}

export function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrast(a: Rgb, b: Rgb): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** a mixed with b: t = 0 gives a, 1 gives b. */
export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];
const INK: Rgb = [17, 24, 39];

/** `color` darkened (or lightened) until it reaches `min` contrast against `bg`. */
export function ensureContrast(color: Rgb, bg: Rgb, min = 4.5): Rgb {
  const towards = luminance(bg) > 0.5 ? BLACK : WHITE;
  let c = color;
  for (let i = 0; i < 20 && contrast(c, bg) < min; i++) c = mix(c, towards, 0.1);
  return c;
}

export interface BrandPalette {
  base: string;
  /** Background of filled controls (buttons); AA with `contrast`. */
  strong: string;
  hover: string;
  /** Text drawn on `strong`. */
  contrast: string;
  /** The colour as text or border on the page background. */
  text: string;
  /** A light tint for selected rows and chips. */
  soft: string;
}

export function palette(hex: string, fallback: string): BrandPalette {
  const base = parseHex(hex) ?? parseHex(fallback) ?? [31, 95, 191];
  const onWhite = contrast(base, WHITE);
  const onInk = contrast(base, INK);
  let strong: Rgb = base;
  let text: Rgb = WHITE;
  if (onWhite >= 4.5) text = WHITE;
  else if (onInk >= 4.5) text = INK;
  else strong = ensureContrast(base, WHITE);
  const hover = text === INK ? mix(strong, WHITE, 0.15) : mix(strong, BLACK, 0.15);
  return {
    base: toHex(base),
    strong: toHex(strong),
    hover: toHex(hover),
    contrast: toHex(text),
    text: toHex(ensureContrast(base, WHITE)),
    soft: toHex(mix(base, WHITE, 0.9)),
  };
}
