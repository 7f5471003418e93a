import { describe, expect, it } from 'vitest';
import { member } from '../test/members';
import { matchingMembers } from './memberSearch';

const MEMBERS = [
  member('u1', 'Éloïse Durand', { email: 'eloise@mairie.fr' }),
  member('u2', 'Marc Dupont', { email: 'marc.dupont@prefecture.fr' }),
  member('u3', 'Zoé Martin', { email: 'zm@mairie.fr' }),
];

describe('matchingMembers', () => {
  it('gives everyone for an empty query', () => {
    expect(matchingMembers(MEMBERS, '  ')).toBe(MEMBERS);
  });

  it('finds every word in the name or the address, accents and case aside', () => {
    expect(matchingMembers(MEMBERS, 'eloise DUR').map((m) => m.user_id)).toEqual(['u1']);
    expect(matchingMembers(MEMBERS, 'mairie').map((m) => m.user_id)).toEqual(['u1', 'u3']);
    expect(matchingMembers(MEMBERS, 'du').map((m) => m.user_id)).toEqual(['u1', 'u2']);
    expect(matchingMembers(MEMBERS, 'zoé prefecture')).toEqual([]);
  });
});
