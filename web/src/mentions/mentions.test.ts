import { describe, expect, it } from 'vitest';
import {
  fold,
  insertMention,
  matchPeople,
  matchesChannel,
  mentionAt,
  namesInText,
  toDisplay,
  toWire,
  wireMentions,
} from './mentions';

const ALICE = '01HZALICE0000000000000000A';
const ANNE = '01HZANNE00000000000000000B';
const ANNE_MARIE = '01HZANNEMARIE000000000000C';

const people = [
  { id: ALICE, name: 'Alice Martin', email: 'alice@ex.fr' },
  { id: ANNE, name: 'Anne', email: 'anne@ex.fr' },
  { id: ANNE_MARIE, name: 'Anne Marie Élodie', email: 'am@ex.fr' },
];

describe('mentions', () => {
  it('finds the mention being typed at the caret', () => {
    expect(mentionAt('hello @al', 9)).toEqual({ start: 6, query: 'al' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('(@Anne Ma', 9)).toEqual({ start: 1, query: 'Anne Ma' });
    expect(mentionAt('mail me at a@b.fr', 17)).toBeNull(); // inside a word
    expect(mentionAt('@alice\nnext', 11)).toBeNull(); // a line break ends it
    expect(mentionAt('@ alice', 7)).toBeNull();
    expect(mentionAt('@one two three four', 19)).toBeNull();
    expect(mentionAt('no at sign', 5)).toBeNull();
  });

  it('matches names by any word, accents and case aside, then emails', () => {
    expect(matchPeople(people, 'an').map((p) => p.name)).toEqual(['Anne', 'Anne Marie Élodie']);
    expect(matchPeople(people, 'elo').map((p) => p.name)).toEqual(['Anne Marie Élodie']);
    expect(matchPeople(people, 'martin').map((p) => p.name)).toEqual(['Alice Martin']);
    expect(matchPeople(people, 'am@').map((p) => p.name)).toEqual(['Anne Marie Élodie']);
    expect(matchPeople(people, '')).toHaveLength(3);
    expect(matchesChannel('cha')).toBe(true);
    expect(matchesChannel('x')).toBe(false);
    expect(fold('Élodie')).toBe('elodie');
  });

  it('gives the best few of many, as a sort of them all would, equals in the order given', () => {
    const many = Array.from({ length: 500 }, (_, i) => ({
      id: `p${i}`,
      // Shuffled names, some alike; every tenth matches by its email only.
      name:
        i % 10 === 0
          ? `Zed ${i}`
          : `${['Léa', 'Luc', 'Lou', 'Anne'][(i * 7) % 4]} ${(i * 37) % 50}`,
      email: i % 10 === 0 ? `lu${i}@x` : `p${i}@x`,
    }));
    const collator = new Intl.Collator();
    const sorted = (q: string) =>
      many
        .map((p, i) => ({
          p,
          i,
          s: p.name.toLowerCase().startsWith(q) ? 0 : p.email.startsWith(q) ? 2 : -1,
        }))
        .filter((x) => x.s >= 0)
        .sort((a, b) => a.s - b.s || collator.compare(a.p.name, b.p.name) || a.i - b.i)
        .map((x) => x.p.id);
    expect(matchPeople(many, 'lu', 12).map((p) => p.id)).toEqual(sorted('lu').slice(0, 12));
    expect(matchPeople(many, 'l', 400).map((p) => p.id)).toEqual(sorted('l').slice(0, 400));
    expect(matchPeople(many, 'lu', 0)).toEqual([]);
  });

  it('inserts the chosen name and puts the caret after it', () => {
    const r = insertMention('hi @al how', { start: 3, query: 'al' }, 6, 'Alice Martin');
    expect(r.text).toBe('hi @Alice Martin how');
    expect(r.caret).toBe('hi @Alice Martin '.length);
    expect(insertMention('@an', { start: 0, query: 'an' }, 3, 'Anne').text).toBe('@Anne ');
  });

  it('converts names to <@ID> on send, longest names first, @channel too', () => {
    const names = new Map([
      ['Anne', ANNE],
      ['Anne Marie Élodie', ANNE_MARIE],
      ['Alice Martin', ALICE],
    ]);
    expect(toWire('Bonjour @Anne Marie Élodie et @Anne, @channel !', names)).toBe(
      `Bonjour <@${ANNE_MARIE}> et <@${ANNE}>, <!channel> !`,
    );
    // Not inside a word or an email, not a longer word.
    expect(toWire('anne@Anne.fr @Annette @channels', names)).toBe(
      'anne@Anne.fr @Annette @channels',
    );
    expect(toWire('@Alice Martin.', names)).toBe(`<@${ALICE}>.`);
    // Regular-expression characters in names are text.
    expect(toWire('@A.B (x)', new Map([['A.B (x)', ALICE]]))).toBe(`<@${ALICE}>`);
  });

  it('shows a stored body with names for editing, and back again unchanged', () => {
    const nameOf = (id: string) => people.find((p) => p.id === id)?.name;
    const body = `<@${ALICE}> see <!channel> and <@01HZUNKNOWN000000000000000>`;
    const shown = toDisplay(body, nameOf);
    expect(shown.text).toBe('@Alice Martin see @channel and <@01HZUNKNOWN000000000000000>');
    expect(toWire(shown.text, shown.names)).toBe(body);
  });

  it('keeps the id when two people share a name', () => {
    const nameOf = () => 'Dominique';
    const a = '01HZDOMA000000000000000000';
    const b = '01HZDOMB000000000000000000';
    const shown = toDisplay(`<@${a}> <@${b}>`, nameOf);
    expect(shown.text).toBe(`@Dominique <@${b}>`);
    expect(toWire(shown.text, shown.names)).toBe(`<@${a}> <@${b}>`);
  });

  it('forgets names removed from the text', () => {
    const names = new Map([
      ['Anne', ANNE],
      ['Alice Martin', ALICE],
    ]);
    expect([...namesInText('only @Anne', names).keys()]).toEqual(['Anne']);
  });

  it('lists who a wire body mentions, for armoured messages', () => {
    expect(wireMentions(`<@${ALICE}> et <@${ANNE}>, puis <@${ALICE}> encore`)).toEqual({
      users: [ALICE, ANNE],
      channel: false,
    });
    expect(wireMentions('<!channel> réunion')).toEqual({ users: [], channel: true });
    expect(wireMentions('a@b.fr <@nope> rien')).toEqual({ users: [], channel: false });
  });
});
