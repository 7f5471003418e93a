import { describe, expect, it } from 'vitest';
import { bySoonestDue, dueInputValue, isOverdue, localDay, parseDue } from './due';

describe('due dates', () => {
  const now = new Date(2026, 11, 10, 15, 30); // 10 December 2026, 15:30 local

  it('reads a day of the local calendar, or an instant', () => {
    expect(parseDue('2026-12-10')).toEqual({ kind: 'date', at: new Date(2026, 11, 10) });
    expect(parseDue('2026-12-10T17:00:00Z')?.kind).toBe('time');
    expect(parseDue(null)).toBeNull();
    expect(parseDue('bientôt')).toBeNull();
  });

  it('is overdue the day after a day, the moment after an instant', () => {
    expect(isOverdue('2026-12-10', now)).toBe(false);
    expect(isOverdue('2026-12-09', now)).toBe(true);
    expect(isOverdue('2026-12-11', now)).toBe(false);
    expect(isOverdue(new Date(now.getTime() - 60_000).toISOString(), now)).toBe(true);
    expect(isOverdue(new Date(now.getTime() + 60_000).toISOString(), now)).toBe(false);
    expect(isOverdue(null, now)).toBe(false);
  });

  it('shows a due date in a date input as its local day', () => {
    expect(dueInputValue('2026-12-10')).toBe('2026-12-10');
    expect(dueInputValue(new Date(2026, 0, 2, 23, 0).toISOString())).toBe('2026-01-02');
    expect(dueInputValue(null)).toBe('');
    expect(localDay(new Date(2026, 2, 5))).toBe('2026-03-05');
  });

  it('orders the soonest due first, none last, then the latest changed', () => {
    const t = (id: string, due: string | null, updated_at = '2026-01-01T00:00:00Z') => ({
      id,
      due,
      updated_at,
    });
    const list = [
      t('none-old', null),
      t('late', '2026-12-20'),
      t('soon', '2026-12-10T08:00:00Z'),
      t('none-new', null, '2026-02-01T00:00:00Z'),
      t('sooner', '2026-12-09'),
    ];
    expect(list.sort(bySoonestDue).map((x) => x.id)).toEqual([
      'sooner',
      'soon',
      'late',
      'none-new',
      'none-old',
    ]);
  });
});
