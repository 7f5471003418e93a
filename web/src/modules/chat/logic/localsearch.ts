// Search in the browser, for armoured workspaces (the server cannot read
// their messages): over the decrypted messages already loaded, every word
// of the query must appear, case and accents aside. Matches are marked
// with the server's snippet markers, so highlightSnippet shows them.
import { fold } from '../../../mentions/mentions';
import { MARK_CLOSE, MARK_OPEN } from './snippet';

/** The query's words, folded ("Réunion  14h" -> ["reunion", "14h"]). */
export function queryWords(q: string): string[] {
  return [...new Set(fold(q).split(/\s+/).filter(Boolean))];
}

/**
 * The folded text and, for each of its characters, the original character
 * it comes from (start and end offsets: folding may drop accents).
 */
function folded(text: string): { s: string; from: number[]; to: number[] } {
  let s = '';
  const from: number[] = [];
  const to: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = fold(ch);
    for (let k = 0; k < f.length; k++) {
      from.push(i);
      to.push(i + ch.length);
    }
    s += f;
    i += ch.length;
  }
  return { s, from, to };
}

/** Where the words appear in `text` (original offsets, sorted, merged); null unless all do. */
export function matchRanges(text: string, words: readonly string[]): [number, number][] | null {
  if (words.length === 0) return null;
  const f = folded(text);
  const ranges: [number, number][] = [];
  for (const w of words) {
    let k = f.s.indexOf(w);
    if (k < 0) return null;
    while (k >= 0) {
      let end = f.to[k + w.length - 1] ?? text.length;
      // Accents that follow (decomposed text) go with their letter.
      while (end < text.length && /\p{M}/u.test(text[end] ?? '')) end++;
      ranges.push([f.from[k] ?? 0, end]);
      k = f.s.indexOf(w, k + w.length);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const prev = merged[merged.length - 1];
    if (prev && r[0] <= prev[1]) prev[1] = Math.max(prev[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

const CONTEXT = 60;
const MAX_SNIPPET = 240;

/**
 * A snippet around the first match, matches between MARK_OPEN and
 * MARK_CLOSE (like the server's); null when the text does not match.
 */
export function localSnippet(text: string, words: readonly string[]): string | null {
  const ranges = matchRanges(text, words);
  if (!ranges || ranges.length === 0) return null;
  const first = ranges[0];
  if (!first) return null;
  const start = Math.max(0, first[0] - CONTEXT);
  const end = Math.min(text.length, start + MAX_SNIPPET);
  let out = start > 0 ? '…' : '';
  let pos = start;
  for (const [a, b] of ranges) {
    if (a >= end) break;
    if (b <= start) continue;
    out +=
      text.slice(pos, Math.max(a, start)) +
      MARK_OPEN +
      text.slice(Math.max(a, start), Math.min(b, end)) +
      MARK_CLOSE;
    pos = Math.min(b, end);
  }
  out += text.slice(pos, end);
  if (end < text.length) out += '…';
  return out.replace(/\s+/g, ' ');
}

export interface LocalCandidate {
  id: string;
  channel_id: string;
  author_id: string;
  created_at: string;
  /** The readable text (mentions already as names). */
  text: string;
}

export interface LocalFilters {
  q: string;
  channel?: string;
  author?: string;
  /** ISO instants: from inclusive, to exclusive. */
  from?: string;
  to?: string;
  limit?: number;
}

export interface LocalHit<C extends LocalCandidate> {
  item: C;
  snippet: string;
}

/** Matching messages, newest first. */
export function searchLocal<C extends LocalCandidate>(
  items: Iterable<C>,
  f: LocalFilters,
): LocalHit<C>[] {
  const words = queryWords(f.q);
  if (words.length === 0) return [];
  const from = f.from ? Date.parse(f.from) : -Infinity;
  const to = f.to ? Date.parse(f.to) : Infinity;
  const hits: LocalHit<C>[] = [];
  for (const item of items) {
    if (f.channel && item.channel_id !== f.channel) continue;
    if (f.author && item.author_id !== f.author) continue;
    const at = Date.parse(item.created_at);
    if (at < from || at >= to) continue;
    const snippet = localSnippet(item.text, words);
    if (snippet !== null) hits.push({ item, snippet });
  }
  hits.sort((a, b) => b.item.created_at.localeCompare(a.item.created_at));
  return hits.slice(0, f.limit ?? 50);
}
