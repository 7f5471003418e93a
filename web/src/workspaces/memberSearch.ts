// What a search of a long list finds (the settings' members, a call's "Add
// people", a task's people and tasks to wait for): every word of the query
// in the item's text, accents and case aside ("eloise dur" finds "Éloïse
// Durand"). Each item's text is folded once per item object: a keystroke
// over 20,000 people folds none again.
import type { Member } from '../api';
import { fold } from '../mentions/mentions';

/** A search over items whose text is `textOf(item)`, with its own cache of folded texts. */
export function wordMatcher<T extends object>(
  textOf: (item: T) => string,
): <U extends T>(items: readonly U[], query: string) => readonly U[] {
  const folded = new WeakMap<T, string>();
  const text = (item: T) => {
    let t = folded.get(item);
    if (t === undefined) {
      t = fold(textOf(item));
      folded.set(item, t);
    }
    return t;
  };
  return (items, query) => {
    const words = fold(query).split(/\s+/).filter(Boolean);
    if (words.length === 0) return items;
    return items.filter((item) => {
      const t = text(item);
      return words.every((w) => t.includes(w));
    });
  };
}

/** The members found by name or address. */
export const matchingMembers = wordMatcher<Member>((m) => `${m.name} ${m.email}`);
