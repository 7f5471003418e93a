// The person's own view's calendars: where an occurrence comes from, the
// list and its tones, what hiding leaves, and what this browser keeps.
import { afterEach, describe, expect, it } from 'vitest';
import type { Workspace } from '../../../api';
import { occurrence } from './fixtures.test-util';
import { readHidden, sourceOf, sourcesOf, TONES, visibleOccurrences, writeHidden } from './sources';

const ws = (id: string, name: string, modules = ['calendar'], archived = false) =>
  ({ id, name, modules, archived }) as Workspace;

afterEach(() => window.localStorage.removeItem('ruche.calendar.hidden:me'));

describe('sources', () => {
  it('tells where an occurrence comes from', () => {
    const at = ['2026-12-10T08:00:00Z', '2026-12-10T09:00:00Z'] as const;
    expect(sourceOf(occurrence('a', ...at, { workspace_id: 'w1' }))).toBe('w:w1');
    expect(sourceOf(occurrence('b', ...at, { workspace_id: null, subscription_id: 's1' }))).toBe(
      's:s1',
    );
    expect(sourceOf(occurrence('c', ...at, { workspace_id: null }))).toBe('personal');
    expect(sourceOf(occurrence('d', ...at, { workspace_id: null, partstat: 'accepted' }))).toBe(
      'invitations',
    );
    // Invited to a workspace's event: it is that workspace's.
    expect(sourceOf(occurrence('e', ...at, { workspace_id: 'w2', partstat: 'declined' }))).toBe(
      'w:w2',
    );
  });

  it('lists the personal calendar, workspaces with the calendar and subscriptions by name, then invitations', () => {
    const list = sourcesOf(
      [
        ws('w1', 'zèbre'),
        ws('w2', 'Atelier'),
        ws('w3', 'Chat only', ['chat']),
        ws('w4', 'Old', ['calendar'], true),
      ],
      [
        { id: 's2', name: 'Vacances' },
        { id: 's1', name: 'Mairie' },
      ],
    );
    expect(list.map((s) => s.key)).toEqual([
      'personal',
      'w:w2',
      'w:w1',
      's:s1',
      's:s2',
      'invitations',
    ]);
    expect(list.map((s) => s.tone)).toEqual([0, 1, 2, 3, 4, null]);
  });

  it('shares the tones in turn past their number', () => {
    const many = Array.from({ length: TONES + 1 }, (_, i) => ws(`w${i}`, `W${i}`));
    const list = sourcesOf(many, []);
    expect(list.at(-2)?.tone).toBe(1); // the 8th source (TONES + 2 with the personal one)
    expect(list.at(-2)?.key).toBe(`w:w${TONES}`);
  });

  it('leaves out what is hidden', () => {
    const list = [
      occurrence('a', '2026-12-10T08:00:00Z', '2026-12-10T09:00:00Z', { workspace_id: 'w1' }),
      occurrence('b', '2026-12-10T08:00:00Z', '2026-12-10T09:00:00Z', { workspace_id: null }),
    ];
    expect(visibleOccurrences(list, new Set())).toBe(list);
    expect(visibleOccurrences(list, new Set(['w:w1'])).map((o) => o.event_id)).toEqual(['b']);
  });

  it('keeps what is hidden per person, and reads nothing from what it did not write', () => {
    writeHidden('me', new Set(['w:w1', 's:s1']));
    expect([...readHidden('me')]).toEqual(['w:w1', 's:s1']);
    expect(readHidden('someone else').size).toBe(0);
    window.localStorage.setItem('ruche.calendar.hidden:me', '{not json');
    expect(readHidden('me').size).toBe(0);
    window.localStorage.setItem('ruche.calendar.hidden:me', '[1, "w:w2", null]');
    expect([...readHidden('me')]).toEqual(['w:w2']);
  });
});
