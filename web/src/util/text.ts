// Texts measured as the server measures them: limits are in UTF-8 bytes
// (docs/api.md), not in the characters a browser's maxLength counts.

/** UTF-8 length of a text. */
export function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** `s` cut to at most `max` UTF-8 bytes, never inside a character. */
export function clipUtf8(s: string, max: number): string {
  if (s.length * 3 <= max || utf8Length(s) <= max) return s;
  let bytes = 0;
  let end = 0;
  for (const ch of s) {
    const n = utf8Length(ch);
    if (bytes + n > max) break;
    bytes += n;
    end += ch.length;
  }
  return s.slice(0, end);
}
