// The members a search in the settings' table finds: every word of the
// query in the name or the address, accents and case aside ("eloise dur"
// finds "Éloïse Durand").
import type { Member } from '../../api';
import { fold } from '../../mentions/mentions';

export function matchingMembers(members: Member[], query: string): Member[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return members;
  return members.filter((m) => {
    const text = fold(`${m.name} ${m.email}`);
    return words.every((w) => text.includes(w));
  });
}
