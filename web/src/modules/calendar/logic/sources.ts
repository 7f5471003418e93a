// The calendars the person's own view gathers (/calendar), each a source
// its occurrences come from: their personal calendar, each workspace
// calendar they read, each calendar they subscribed to, the invitations
// from calendars they do not read (another person's, another workspace's),
// and the open tasks assigned to them that have a due date (each on its
// day, or at its time; opened on its board).
// Each source has a tone, its colour on the grid (the personal calendar
// the first, then workspaces and subscriptions by name; invitations none),
// and may be hidden: which ones, this browser remembers per person.
import type { CalendarOccurrence, CalendarSubscription, Task, Workspace } from '../../../api';
import { addDays, dayStart, isDayKey, type DayKey } from './dates';
import { knownPartstat } from './invitations';

/** 'personal', 'invitations', 'tasks', `w:<workspace>` or `s:<subscription>`. */
export type SourceKey = string;

export const PERSONAL: SourceKey = 'personal';
export const INVITATIONS: SourceKey = 'invitations';
export const TASKS: SourceKey = 'tasks';

/** A task on the grid: an occurrence of its due date, which opens the task. */
export interface TaskOccurrence extends CalendarOccurrence {
  task_id: string;
}

export function isTaskOccurrence(o: CalendarOccurrence): o is TaskOccurrence {
  return typeof (o as Partial<TaskOccurrence>).task_id === 'string';
}

/**
 * The open tasks due in [from, to) (ISO instants), as occurrences: a date
 * all that day, a time at that time. Armoured workspaces' tasks are left
 * out (their titles are sealed), and done ones.
 */
export function taskOccurrences(
  tasks: readonly Task[],
  from: string,
  to: string,
): TaskOccurrence[] {
  const [lo, hi] = [Date.parse(from), Date.parse(to)];
  const out: TaskOccurrence[] = [];
  for (const t of tasks) {
    if (!t.due || t.status === 'done' || t.token) continue;
    const day: DayKey | null = isDayKey(t.due) ? t.due : null;
    const at = day ? dayStart(day).getTime() : Date.parse(t.due);
    if (Number.isNaN(at) || at < lo || at >= hi) continue;
    out.push({
      event_id: `task:${t.id}`,
      task_id: t.id,
      workspace_id: t.workspace_id,
      kind: 'todo',
      title: t.title,
      location: '',
      start: day ?? new Date(at).toISOString(),
      end: day ? addDays(day, 1) : new Date(at).toISOString(),
      all_day: !!day,
      recurring: false,
      recurrence_id: null,
      partstat: null,
      subscription_id: null,
    });
  }
  return out;
}

/** Tones the grid has (cal-tone-0 … cal-tone-5); more sources share them in turn. */
export const TONES = 6;

export interface Source {
  key: SourceKey;
  kind: 'personal' | 'workspace' | 'subscription' | 'invitations' | 'tasks';
  /** The workspace's or subscription's name ('' for the personal calendar and invitations). */
  name: string;
  /** cal-tone-{tone}; null: none (invitations keep the grid's own look). */
  tone: number | null;
}

/** The source an occurrence comes from. */
export function sourceOf(o: CalendarOccurrence): SourceKey {
  if (isTaskOccurrence(o)) return TASKS;
  if (o.subscription_id) return `s:${o.subscription_id}`;
  if (o.workspace_id) return `w:${o.workspace_id}`;
  return knownPartstat(o.partstat) ? INVITATIONS : PERSONAL;
}

const byName = (a: { name: string }, b: { name: string }) =>
  a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });

/**
 * The sources of the person's view, in the order listed: their calendar,
 * the workspaces with the calendar module (archived ones left out), the
 * subscriptions, their tasks, then invitations.
 */
export function sourcesOf(
  workspaces: readonly Pick<Workspace, 'id' | 'name' | 'modules' | 'archived'>[],
  subscriptions: readonly Pick<CalendarSubscription, 'id' | 'name'>[],
): Source[] {
  const out: Source[] = [{ key: PERSONAL, kind: 'personal', name: '', tone: 0 }];
  const calendars = workspaces
    .filter((w) => !w.archived && w.modules.includes('calendar'))
    .sort(byName);
  for (const w of calendars)
    out.push({ key: `w:${w.id}`, kind: 'workspace', name: w.name, tone: 0 });
  for (const s of [...subscriptions].sort(byName))
    out.push({ key: `s:${s.id}`, kind: 'subscription', name: s.name, tone: 0 });
  out.push({ key: TASKS, kind: 'tasks', name: '', tone: 0 });
  out.forEach((s, i) => (s.tone = i % TONES));
  out.push({ key: INVITATIONS, kind: 'invitations', name: '', tone: null });
  return out;
}

/** The occurrences whose source is not hidden. */
export function visibleOccurrences(
  list: readonly CalendarOccurrence[],
  hidden: ReadonlySet<SourceKey>,
): readonly CalendarOccurrence[] {
  return hidden.size === 0 ? list : list.filter((o) => !hidden.has(sourceOf(o)));
}

const storageKey = (me: string) => `ruche.calendar.hidden:${me}`;

/** The sources hidden in this browser for person `me` (none when nothing, or nothing readable, is kept). */
export function readHidden(me: string): Set<SourceKey> {
  try {
    const kept: unknown = JSON.parse(window.localStorage.getItem(storageKey(me)) ?? '[]');
    return new Set(Array.isArray(kept) ? kept.filter((k) => typeof k === 'string') : []);
  } catch {
    return new Set();
  }
}

/** Remembers the sources hidden (private mode: for this page only). */
export function writeHidden(me: string, hidden: ReadonlySet<SourceKey>): void {
  try {
    window.localStorage.setItem(storageKey(me), JSON.stringify([...hidden]));
  } catch {
    // Not kept: the choice lasts while the page is open.
  }
}
