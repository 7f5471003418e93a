// Invitation notices heard live (docs/calendar.md "Invitations"): to an
// invited colleague `calendar.invited`, `calendar.invitation_cancelled` and
// `calendar.invitation_updated` (the event changed in what they plan by:
// the series, or with the occurrence's `recurrence_id` one occurrence,
// moved or changed — then with `occurrence`, as it now is — or
// `cancelled`), to the organizer `calendar.answered` (with the attendee's
// answer, and the occurrence's `recurrence_id` when it was to one
// occurrence of a recurring event). Each names its event, whatever the
// calendar; the frame has no workspace and no sequence number. An armoured
// workspace's event (docs/armoured.md, "Calendar") is named by its id and
// workspace alone, its title and times being in its card: its notice says
// the workspace instead, and an answer to single occurrences (sealed by the
// attendee) says only that some were answered (`occurrences`). Pure: what
// a notice says, and where it leads. A reminder `calendar.reminder`
// (docs/calendar.md "Reminders") names its occurrence (its own title and
// times, `minutes` before it): it leads to the event in its calendar, or in
// My calendar when it is in no workspace.
import type { CalendarPerson, EventFrame, Workspace } from '../../../api';
import type { I18n, MessageKey } from '../../../i18n';
import { noticeData, str, strOrNull, workspacesOpening } from '../../../notifications/notices';
import { dayKey, isDayKey, type DayKey } from './dates';
import { capitalized, dateText, whenText } from './format';
import { plannedTimes, type Times } from './occurrences';
import { calendarPath } from '../paths';

export const NOTICE_TYPES = [
  'calendar.invited',
  'calendar.invitation_cancelled',
  'calendar.invitation_updated',
  'calendar.answered',
  'calendar.reminder',
] as const;

export type NoticeType = (typeof NOTICE_TYPES)[number];

export interface InvitationNotice {
  type: NoticeType;
  /** The event's id. */
  id: string;
  /** Its workspace (null: someone's personal calendar). */
  workspace_id: string | null;
  title: string;
  start: string | null;
  end: string | null;
  all_day: boolean;
  organizer: CalendarPerson | null;
  /** calendar.answered: who answered, and how (a PARTSTAT, lower case). */
  attendee?: CalendarPerson & { partstat: string };
  /**
   * calendar.answered to one occurrence, calendar.invitation_updated of one
   * occurrence: its original start (ISO); absent: the series.
   */
  recurrence_id?: string;
  /** calendar.invitation_updated of one occurrence: it was cancelled (else moved or changed). */
  cancelled?: boolean;
  /**
   * calendar.invitation_updated of one occurrence moved or changed: it as it
   * now is (instants, or dates all day; absent from older notices).
   */
  occurrence?: { start: string; end: string | null; title: string };
  /** An armoured workspace's event: no title, no times (they are in its card). */
  armoured?: boolean;
  /** calendar.answered of an armoured event: only answers to single occurrences changed (which, sealed). */
  occurrences?: boolean;
  /** calendar.reminder: how long before the occurrence (minutes), and its place. */
  minutes?: number;
  location?: string;
}

function person(v: unknown): CalendarPerson | null {
  if (!v || typeof v !== 'object') return null;
  const p = v as Record<string, unknown>;
  const email = str(p.email);
  const name = str(p.name);
  return email || name ? { email, name } : null;
}

function occurrenceNow(v: unknown): InvitationNotice['occurrence'] | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  const start = str(o.start);
  return start ? { start, end: strOrNull(o.end), title: str(o.title) } : null;
}

/** The notice a frame is (null: another event, or one that names no event). */
export function readNotice(e: EventFrame): InvitationNotice | null {
  const d = noticeData(e, NOTICE_TYPES);
  if (!d) return null;
  const id = str(d.id);
  if (!id) return null;
  const n: InvitationNotice = {
    type: e.type as NoticeType,
    id,
    workspace_id: strOrNull(d.workspace_id),
    title: str(d.title),
    start: strOrNull(d.start),
    end: strOrNull(d.end),
    all_day: d.all_day === true,
    organizer: person(d.organizer),
  };
  const who = person(d.attendee);
  if (who) {
    const partstat = (d.attendee as Record<string, unknown>).partstat;
    n.attendee = { ...who, partstat: str(partstat) };
  }
  const occurrence = strOrNull(d.recurrence_id);
  if (occurrence) n.recurrence_id = occurrence;
  if (occurrence && typeof d.cancelled === 'boolean') n.cancelled = d.cancelled;
  const now = occurrence && !n.cancelled ? occurrenceNow(d.occurrence) : null;
  if (now) n.occurrence = now;
  if (d.armoured === true) n.armoured = true;
  if (d.occurrences === true) n.occurrences = true;
  if (typeof d.minutes === 'number') n.minutes = d.minutes;
  if (str(d.location)) n.location = str(d.location);
  return n;
}

/** What a tab knows of an armoured event whose card it opened: its title and times. */
export type OpenedFacts = Pick<InvitationNotice, 'title' | 'start' | 'end' | 'all_day'>;

/** Whether a frame is a notice about this event. */
export function isNoticeAbout(e: EventFrame, eventId: string): boolean {
  return readNotice(e)?.id === eventId;
}

/** The workspaces whose calendar the person opens (`modules` lists only those they may). */
export function calendarsOpened(workspaces: readonly Workspace[]): Set<string> {
  return workspacesOpening(workspaces, 'calendar');
}

/**
 * When what a notice is about takes place: the occurrence it names (where
 * the series puts it: its original start, as long as the event), else the
 * event.
 */
function timesOf(n: InvitationNotice): Times {
  // A reminder's times are its occurrence's already.
  if (n.type === 'calendar.reminder') return n;
  return (n.recurrence_id ? plannedTimes(n, n.recurrence_id) : null) ?? n;
}

/** When an occurrence moved or changed now takes place (null: not told). */
function timesNow(n: InvitationNotice): Times | null {
  return n.occurrence
    ? { start: n.occurrence.start, end: n.occurrence.end, all_day: n.all_day }
    : null;
}

/** The local day an event begins on (all-day starts are dates already). */
function firstDay(n: Pick<InvitationNotice, 'start' | 'all_day'>): DayKey | null {
  if (!n.start) return null;
  if (n.all_day) {
    const day = n.start.slice(0, 10);
    return isDayKey(day) ? day : null;
  }
  const at = new Date(n.start);
  return Number.isNaN(at.getTime()) ? null : dayKey(at);
}

/**
 * Where a notice's event opens: its workspace's calendar at that event
 * (and day: the occurrence's, for an answer to one; where one moved or
 * changed now is) when the person opens that calendar, else the home page
 * (its agenda lists invitations whatever the calendar).
 */
export function noticeTarget(n: InvitationNotice, opened: ReadonlySet<string>): string {
  if (n.type === 'calendar.reminder' && !n.workspace_id)
    return calendarPath(null, { eventId: n.id, day: firstDay(n) });
  if (n.workspace_id && opened.has(n.workspace_id)) {
    return calendarPath(n.workspace_id, {
      eventId: n.id,
      day: firstDay(timesNow(n) ?? timesOf(n)),
    });
  }
  return '/';
}

/** "Now: Monday, March 8, 2027, 11:00 AM – 12:30 PM" (and its new title, renamed). */
function nowText(
  n: InvitationNotice,
  seriesTitle: string,
  t: I18n['t'],
  locale: string,
): string | undefined {
  const times = timesNow(n);
  const when = times ? whenText(times, locale) : '';
  if (!when) return undefined;
  const renamed = n.occurrence?.title.trim();
  return renamed && renamed !== seriesTitle
    ? t('calendar.notice.now_titled', { when, title: renamed })
    : t('calendar.notice.now', { when });
}

const ANSWERED: Record<string, MessageKey> = {
  accepted: 'calendar.notice.accepted',
  declined: 'calendar.notice.declined',
  tentative: 'calendar.notice.tentative',
};

const SEALED_ANSWERED: Record<string, MessageKey> = {
  accepted: 'calendar.notice.sealed.accepted',
  declined: 'calendar.notice.sealed.declined',
  tentative: 'calendar.notice.sealed.tentative',
};

const ANSWERED_OCCURRENCE: Record<string, MessageKey> = {
  accepted: 'calendar.notice.accepted_occurrence',
  declined: 'calendar.notice.declined_occurrence',
  tentative: 'calendar.notice.tentative_occurrence',
};

/** Who a notice names: their name, else their address. */
function nameOf(p: CalendarPerson | null | undefined, t: I18n['t']): string {
  return p?.name.trim() || p?.email || t('calendar.notice.someone');
}

/**
 * What a notice of an armoured event says: "Alice Martin invited you to an
 * event in “Coffre”" (its workspace among `workspaces`, else "an encrypted
 * event").
 */
function sealedTitle(n: InvitationNotice, t: I18n['t'], workspaces: readonly Workspace[]): string {
  const where = workspaces.find((w) => w.id === n.workspace_id)?.name;
  const event = where
    ? t('calendar.notice.sealed_event', { workspace: where })
    : t('calendar.notice.sealed_event_unknown');
  switch (n.type) {
    case 'calendar.invited':
      return t('calendar.notice.sealed.invited', { name: nameOf(n.organizer, t), event });
    case 'calendar.invitation_cancelled':
      return t('calendar.notice.sealed.cancelled', { event });
    case 'calendar.invitation_updated':
      return t('calendar.notice.sealed.updated', { name: nameOf(n.organizer, t), event });
    case 'calendar.reminder':
      return t('calendar.notice.reminder', { title: event });
    case 'calendar.answered': {
      const name = nameOf(n.attendee, t);
      if (n.occurrences) return t('calendar.notice.sealed.answered_occurrences', { name, event });
      return t(SEALED_ANSWERED[n.attendee?.partstat ?? ''] ?? 'calendar.notice.sealed.answered', {
        name,
        event,
      });
    }
  }
}

/**
 * What a toast says of a notice: a short title, the date and time (browser's
 * zone) of the event, or of the occurrence an answer was to or that was
 * cancelled; for an occurrence moved or changed, when it now is (none
 * when an older notice does not say), and its new title if it has one.
 * An armoured event's says what its card, when this tab opened it
 * (`opened`), says — its title and times — and else its workspace (among
 * `workspaces`).
 */
export function noticeText(
  notice: InvitationNotice,
  t: I18n['t'],
  locale: string,
  workspaces: readonly Workspace[],
  opened?: (workspaceId: string, id: string) => OpenedFacts | undefined,
): { title: string; body?: string } {
  let n = notice;
  if (n.armoured) {
    const facts = n.workspace_id ? opened?.(n.workspace_id, n.id) : undefined;
    if (!facts) return { title: sealedTitle(n, t, workspaces) };
    const { title, start, end, all_day } = facts;
    n = { ...n, title, start, end, all_day, armoured: false };
    if (n.type === 'calendar.answered' && n.occurrences) {
      const when = n.start ? capitalized(whenText(n, locale), locale) : '';
      return {
        title: t('calendar.notice.answered_occurrences', {
          name: nameOf(n.attendee, t),
          title: title.trim() || t('calendar.untitled'),
        }),
        body: when || undefined,
      };
    }
  }
  const title = n.title.trim() || t('calendar.untitled');
  const times = timesOf(n);
  const when = times.start ? capitalized(whenText(times, locale), locale) : '';
  const body = when || undefined;
  switch (n.type) {
    case 'calendar.reminder':
      return {
        title: t('calendar.notice.reminder', { title }),
        body: [when, n.location].filter(Boolean).join(' · ') || undefined,
      };
    case 'calendar.invited':
      return { title: t('calendar.notice.invited', { name: nameOf(n.organizer, t), title }), body };
    case 'calendar.invitation_cancelled':
      return { title: t('calendar.notice.cancelled', { title }), body };
    case 'calendar.invitation_updated': {
      const name = nameOf(n.organizer, t);
      if (!n.recurrence_id) return { title: t('calendar.notice.updated', { name, title }), body };
      const date = dateText(times, locale);
      if (n.cancelled)
        return { title: t('calendar.notice.cancelled_occurrence', { name, date, title }), body };
      return {
        title: t('calendar.notice.updated_occurrence', { name, date, title }),
        body: nowText(n, title, t, locale),
      };
    }
    case 'calendar.answered': {
      const partstat = n.attendee?.partstat ?? '';
      const date = n.recurrence_id ? dateText(times, locale) : '';
      return {
        title: date
          ? t(ANSWERED_OCCURRENCE[partstat] ?? 'calendar.notice.answered_occurrence', {
              name: nameOf(n.attendee, t),
              date,
              title,
            })
          : t(ANSWERED[partstat] ?? 'calendar.notice.answered', {
              name: nameOf(n.attendee, t),
              title,
            }),
        body,
      };
    }
  }
}
