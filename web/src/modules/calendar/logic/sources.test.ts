// The person's own view's calendars: where an occurrence comes from, the
// list and its tones, what hiding leaves, and what this browser keeps.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Workspace } from '../../../api';
import { task } from '../../tasks/logic/fixtures.test-util';
import { occurrence } from './fixtures.test-util';
import {
  isTaskOccurrence,
  readHidden,
  sourceOf,
  sourcesOf,
  taskOccurrences,
  TONES,
  visibleOccurrences,
  writeHidden,
} from './sources';

const ws = (id: string, name: string, modules = ['calendar'], archived = false) =>
  ({ id, name, modules, archived }) as Workspace;

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});

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
      'tasks',
      'invitations',
    ]);
    expect(list.map((s) => s.tone)).toEqual([0, 1, 2, 3, 4, 5, null]);
  });

  it('shares the tones in turn past their number', () => {
    const many = Array.from({ length: TONES + 1 }, (_, i) => ws(`w${i}`, `W${i}`));
    const list = sourcesOf(many, []);
    expect(list.at(-3)?.tone).toBe(1); // the 8th source (TONES + 2 with the personal one)
    expect(list.at(-3)?.key).toBe(`w:w${TONES}`);
    expect(list.at(-2)?.tone).toBe(2); // the tasks, 9th
  });

  it('puts the open tasks due in the range on their day, or at their time', () => {
    const list = taskOccurrences(
      [
        task('a', { title: 'Quote', due: '2026-12-15' }),
        task('b', { title: 'Call', due: '2026-12-16T09:00:00Z' }),
        task('c', { due: '2026-12-15', status: 'done' }),
        task('d', { due: null }),
        task('e', { due: '2027-01-20' }),
        task('f', { due: '2026-12-15', token: 'tok', title: '' }),
      ],
      '2026-11-29T23:00:00.000Z',
      '2027-01-10T23:00:00.000Z',
    );
    expect(list.map((o) => [o.task_id, o.start, o.end, o.all_day, o.kind])).toEqual([
      ['a', '2026-12-15', '2026-12-16', true, 'todo'],
      ['b', '2026-12-16T09:00:00.000Z', '2026-12-16T09:00:00.000Z', false, 'todo'],
    ]);
    expect(list.every(isTaskOccurrence)).toBe(true);
    expect(list.map(sourceOf)).toEqual(['tasks', 'tasks']);
    // Due on the range's first day (local midnight) is in it; the day after its end is not.
    const day = ['2026-11-29T23:00:00.000Z', '2026-11-30T23:00:00.000Z'] as const;
    expect(taskOccurrences([task('g', { due: '2026-11-30' })], ...day)).toHaveLength(1);
    expect(taskOccurrences([task('h', { due: '2026-12-01' })], ...day)).toHaveLength(0);
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
