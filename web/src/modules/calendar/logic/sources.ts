// The calendars the person's own view gathers (/calendar), each a source
// its occurrences come from: their personal calendar, each workspace
// calendar they read, each calendar they subscribed to, and the invitations
// from calendars they do not read (another person's, another workspace's).
// Each source has a tone, its colour on the grid (the personal calendar
// the first, then workspaces and subscriptions by name; invitations none),
// and may be hidden: which ones, this browser remembers per person.
import type { CalendarOccurrence, CalendarSubscription, Workspace } from '../../../api';
import { knownPartstat } from './invitations';

/** 'personal', 'invitations', `w:<workspace>` or `s:<subscription>`. */
export type SourceKey = string;

export const PERSONAL: SourceKey = 'personal';
export const INVITATIONS: SourceKey = 'invitations';

/** Tones the grid has (cal-tone-0 … cal-tone-5); more sources share them in turn. */
export const TONES = 6;

export interface Source {
  key: SourceKey;
  kind: 'personal' | 'workspace' | 'subscription' | 'invitations';
  /** The workspace's or subscription's name ('' for the personal calendar and invitations). */
  name: string;
  /** cal-tone-{tone}; null: none (invitations keep the grid's own look). */
  tone: number | null;
}

/** The source an occurrence comes from. */
export function sourceOf(o: CalendarOccurrence): SourceKey {
  if (o.subscription_id) return `s:${o.subscription_id}`;
  if (o.workspace_id) return `w:${o.workspace_id}`;
  return knownPartstat(o.partstat) ? INVITATIONS : PERSONAL;
}

const byName = (a: { name: string }, b: { name: string }) =>
  a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });

/**
 * The sources of the person's view, in the order listed: their calendar,
 * the workspaces with the calendar module (archived ones left out), the
 * subscriptions, then invitations.
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
