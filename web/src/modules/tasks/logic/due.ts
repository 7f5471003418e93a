// Due dates as the server keeps them: an ISO 8601 date ("2026-12-10", a day
// of the reader's calendar) or a date and time (an instant). Pure; `now`
// is given by the caller.

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface Due {
  /** A day (no time given), or an instant. */
  kind: 'date' | 'time';
  /** The day at local midnight, or the instant. */
  at: Date;
}

/** null for no due date, or one that does not read as a date. */
export function parseDue(due: string | null | undefined): Due | null {
  if (!due) return null;
  const m = DATE_ONLY.exec(due);
  if (m) {
    const at = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    return Number.isNaN(at.getTime()) ? null : { kind: 'date', at };
  }
  const at = new Date(due);
  return Number.isNaN(at.getTime()) ? null : { kind: 'time', at };
}

/** "2026-12-10": a date of the local calendar, as <input type="date"> gives it. */
export function localDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Past: a day before today, an instant before now. */
export function isOverdue(due: string | null | undefined, now: Date): boolean {
  const d = parseDue(due);
  if (!d) return false;
  return d.kind === 'date' ? localDay(d.at) < localDay(now) : d.at.getTime() < now.getTime();
}

/** The day an <input type="date"> shows for a due date ('' for none). */
export function dueInputValue(due: string | null | undefined): string {
  const d = parseDue(due);
  return d ? localDay(d.at) : '';
}

/** The soonest due first, those without one last, then the latest changed first (as /me/tasks). */
export function bySoonestDue<T extends { due: string | null; updated_at: string }>(
  a: T,
  b: T,
): number {
  const da = parseDue(a.due)?.at.getTime() ?? Infinity;
  const db = parseDue(b.due)?.at.getTime() ?? Infinity;
  if (da !== db) return da < db ? -1 : 1;
  return a.updated_at > b.updated_at ? -1 : a.updated_at < b.updated_at ? 1 : 0;
}
