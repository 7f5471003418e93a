// Search snippets: the server marks matches between U+E000 and U+E001 in
// the raw message text. The text is escaped first, and only then are the
// markers turned into <mark> elements, so nothing in a message can become
// markup.

export const MARK_OPEN = '\uE000';
export const MARK_CLOSE = '\uE001';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The snippet as HTML: escaped text, matches in <mark>, mentions as
 * "@Name" (unknown people: "@…"). Markers are balanced whatever the input.
 */
export function highlightSnippet(
  snippet: string,
  nameOf: (id: string) => string | undefined = () => undefined,
): string {
  // Mentions are resolved before escaping (the names get escaped with the rest).
  const text = snippet
    .replace(/<@([0-9A-Za-z]{26})>/g, (_, id: string) => `@${nameOf(id) ?? '…'}`)
    .replace(/<!channel>/g, '@channel');
  let out = '';
  let open = false;
  for (const part of escapeHtml(text).split(/([\uE000\uE001])/)) {
    if (part === MARK_OPEN) {
      if (!open) out += '<mark>';
      open = true;
    } else if (part === MARK_CLOSE) {
      if (open) out += '</mark>';
      open = false;
    } else {
      out += part;
    }
  }
  if (open) out += '</mark>';
  return out;
}
