// Test data for the calendar module's unit tests.
import type {
  CalendarEvent,
  CalendarOccurrence,
  CalendarSubscription,
  EventFrame,
} from '../../../api';
import { member as someMember } from '../../../test/members';

export const WS = 'w1';

/** A timed occurrence (instants), unless `all_day` and dates are given. */
export function occurrence(
  id: string,
  start: string,
  end: string,
  extra: Partial<CalendarOccurrence> = {},
): CalendarOccurrence {
  return {
    event_id: id,
    workspace_id: WS,
    kind: 'event',
    title: `Évènement ${id}`,
    location: '',
    start,
    end,
    all_day: false,
    recurring: false,
    recurrence_id: null,
    partstat: null,
    ...extra,
  };
}

export function allDay(
  id: string,
  start: string,
  end: string,
  extra: Partial<CalendarOccurrence> = {},
): CalendarOccurrence {
  return occurrence(id, start, end, { all_day: true, ...extra });
}

export function calendarEvent(id: string, extra: Partial<CalendarEvent> = {}): CalendarEvent {
  return {
    id,
    workspace_id: WS,
    uid: `${id}@ruche`,
    kind: 'event',
    title: `Évènement ${id}`,
    description: '',
    location: '',
    start: '2026-12-10T08:00:00.000Z',
    end: '2026-12-10T09:00:00.000Z',
    all_day: false,
    timezone: 'Europe/Paris',
    rrule: null,
    recurring: false,
    organizer: null,
    attendees: [],
    instance_answers: [],
    changed_occurrences: [],
    cancelled_occurrences: [],
    created_by: 'me',
    created_at: '2026-12-01T10:00:00.000Z',
    updated_at: '2026-12-01T10:00:00.000Z',
    version: 7,
    ...extra,
  };
}

export function calendarFrame(type: string, data: object, workspace = WS): EventFrame {
  return { type, workspace_id: workspace, seq: 1, module: 'calendar', data: { ...data } };
}

export const ALICE = { email: 'alice@ruche.test', name: 'Alice Martin' };

/** A notice as the server sends it: no workspace, no sequence number. */
export function noticeFrame(type: string, data: Record<string, unknown> = {}): EventFrame {
  return {
    type,
    workspace_id: '',
    seq: 0,
    data: {
      id: 'e1',
      workspace_id: WS,
      title: 'Revue',
      start: '2026-12-10T10:00:00.000Z',
      end: '2026-12-10T11:00:00.000Z',
      all_day: false,
      organizer: ALICE,
      ...data,
    },
  };
}

/**
 * A calendar.invitation_updated notice's data for one occurrence moved:
 * Monday 8 March 2027, 11:00 Paris, now Tuesday 9 March, 14:00 – 15:30.
 */
export const MOVED_OCCURRENCE = {
  recurrence_id: '2027-03-08T10:00:00.000Z',
  cancelled: false,
  occurrence: {
    start: '2027-03-09T13:00:00.000Z',
    end: '2027-03-09T14:30:00.000Z',
    title: 'Revue',
  },
};

/**
 * The notice data of an armoured workspace's event (with noticeFrame): no
 * title, no times (they are in its card).
 */
export const ARMOURED_NOTICE = {
  title: null,
  start: null,
  end: null,
  all_day: null,
  armoured: true,
};

/** A member of the workspace, as its member list gives them. */
export const member = (user_id: string, name: string, email: string) =>
  someMember(user_id, name, { email });

/** A subscription of the person's (a town's published agenda). */
export function subscription(
  id: string,
  name: string,
  extra: Partial<CalendarSubscription> = {},
): CalendarSubscription {
  return {
    id,
    name,
    url: 'https://mairie.example.org/agenda.ics',
    refresh_minutes: 720,
    refreshed_at: null,
    next_refresh_at: '2026-12-10T12:00:00.000Z',
    error: null,
    created_at: '2026-12-01T10:00:00.000Z',
    ...extra,
  };
}
