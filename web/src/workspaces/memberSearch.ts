// The members a search finds (the settings' table, a call's "Add people"):
// every word of the query in the name or the address, accents and case
// aside ("eloise dur" finds "Éloïse Durand"). Each member's text is folded
// once per member object: a keystroke over 20,000 people folds none again.
import type { Member } from '../api';
import { fold } from '../mentions/mentions';

const folded = new WeakMap<Member, string>();

function textOf(m: Member): string {
  let t = folded.get(m);
  if (t === undefined) {
    t = fold(`${m.name} ${m.email}`);
    folded.set(m, t);
  }
  return t;
}

export function matchingMembers<M extends Member>(
  members: readonly M[],
  query: string,
): readonly M[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return members;
  return members.filter((m) => {
    const text = textOf(m);
    return words.every((w) => text.includes(w));
  });
}
