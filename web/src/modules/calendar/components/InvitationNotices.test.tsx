// The app shell's invitation notices (Paris time, English): a toast per
// notice to this person, whose title opens the event — its calendar when
// the person opens it, else the home page — except a cancellation's; an
// armoured event's named by its workspace.
import { act } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { showNotices } from '../../../test/live';
import { mountPoint } from '../../../test/mount';
import { FakeNotification, hideTab, stubNotifications } from '../../../test/system-notifications';
import {
  ARMOURED_NOTICE,
  MOVED_OCCURRENCE,
  calendarEvent,
  calendarFrame,
  noticeFrame,
} from '../logic/fixtures.test-util';
import InvitationNotices from './InvitationNotices';

const ui = mountPoint();

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});

afterEach(() => {
  vi.restoreAllMocks();
});

const show = () => showNotices(ui, <InvitationNotices />, 'calendar');

const plain = (s: string | null | undefined) => (s ?? '').replace(/[\u202f\u2009\u00a0]/g, ' ');
const toasts = () => [...document.querySelectorAll<HTMLElement>('.toast')];
const lastToast = () => {
  const t = toasts().at(-1);
  if (!t) throw new Error('no toast');
  return {
    el: t,
    title: plain(t.querySelector('.toast__title')?.textContent),
    body: plain(t.querySelector('.toast__body')?.textContent),
    action: t.querySelector<HTMLButtonElement>('button.toast__link'),
  };
};

describe('invitation notices', () => {
  it('toasts an invitation, in the polite region, whose title opens the event in its calendar', async () => {
    const { hear, open } = await show();
    hear(noticeFrame('calendar.invited'));
    const t = lastToast();
    expect(t.title).toBe('Alice Martin invited you to “Revue”');
    expect(t.body).toBe('Thursday, December 10, 2026, 11:00 AM – 12:00 PM');
    expect(t.el.closest('[aria-live="polite"]')).not.toBeNull();
    expect(t.action).not.toBeNull();
    act(() => t.action?.click());
    expect(open).toHaveBeenCalledWith('/w/w1/calendar/e1?date=2026-12-10');
  });

  it('leads to the home page when the person cannot open that calendar', async () => {
    const { hear, open } = await show();
    hear(noticeFrame('calendar.invited', { workspace_id: 'w2', title: 'Budget' }));
    act(() => lastToast().action?.click());
    expect(open).toHaveBeenLastCalledWith('/');
    hear(noticeFrame('calendar.invited', { workspace_id: null, title: 'Carrière' }));
    expect(lastToast().title).toBe('Alice Martin invited you to “Carrière”');
    act(() => lastToast().action?.click());
    expect(open).toHaveBeenLastCalledWith('/');
  });

  it('says a cancellation quietly, leading nowhere', async () => {
    const { hear } = await show();
    hear(noticeFrame('calendar.invitation_cancelled'));
    const t = lastToast();
    expect(t.title).toBe('“Revue” was cancelled or you were removed');
    expect(t.action).toBeNull();
    expect(t.el.classList.contains('toast--info')).toBe(true);
  });

  it('tells the organizer each answer, which opens the event', async () => {
    const { hear, open } = await show();
    const answered = (partstat: string) =>
      hear(
        noticeFrame('calendar.answered', {
          attendee: { email: 'jules@ruche.test', name: 'Jules Marty', partstat },
        }),
      );
    answered('accepted');
    expect(lastToast().title).toBe('Jules Marty accepted “Revue”');
    answered('declined');
    expect(lastToast().title).toBe('Jules Marty declined “Revue”');
    answered('tentative');
    expect(lastToast().title).toBe('Jules Marty may attend “Revue”');
    act(() => lastToast().action?.click());
    expect(open).toHaveBeenCalledWith('/w/w1/calendar/e1?date=2026-12-10');
  });

  it('tells the organizer an answer to one occurrence, which opens that day', async () => {
    const { hear, open } = await show();
    hear(
      noticeFrame('calendar.answered', {
        attendee: { email: 'jules@ruche.test', name: 'Jules Marty', partstat: 'declined' },
        recurrence_id: '2027-03-08T10:00:00.000Z',
      }),
    );
    expect(lastToast().title).toBe(
      'Jules Marty declined the occurrence of March 8, 2027 of “Revue”',
    );
    expect(lastToast().body).toBe('Monday, March 8, 2027, 11:00 AM – 12:00 PM');
    act(() => lastToast().action?.click());
    expect(open).toHaveBeenCalledWith('/w/w1/calendar/e1?date=2027-03-08');
  });

  it('tells an invitee the event changed, or one occurrence of it, which opens it', async () => {
    const { hear, open } = await show();
    hear(noticeFrame('calendar.invitation_updated'));
    expect(lastToast().title).toBe('Alice Martin changed “Revue”');
    expect(lastToast().el.classList.contains('toast--info')).toBe(true);
    hear(
      noticeFrame('calendar.invitation_updated', {
        recurrence_id: '2027-03-08T10:00:00.000Z',
        cancelled: true,
      }),
    );
    expect(lastToast().title).toBe(
      'Alice Martin cancelled the occurrence of March 8, 2027 of “Revue”',
    );
    act(() => lastToast().action?.click());
    expect(open).toHaveBeenCalledWith('/w/w1/calendar/e1?date=2027-03-08');
  });

  it('tells an invitee when an occurrence moved now is, which opens that day', async () => {
    const { hear, open } = await show();
    hear(noticeFrame('calendar.invitation_updated', MOVED_OCCURRENCE));
    expect(lastToast().title).toBe(
      'Alice Martin moved or changed the occurrence of March 8, 2027 of “Revue”',
    );
    expect(lastToast().body).toBe('Now: Tuesday, March 9, 2027, 2:00 – 3:30 PM');
    act(() => lastToast().action?.click());
    expect(open).toHaveBeenCalledWith('/w/w1/calendar/e1?date=2027-03-09');
    // An older notice, without it: the date it was, leading there.
    hear(
      noticeFrame('calendar.invitation_updated', {
        recurrence_id: '2027-03-08T10:00:00.000Z',
        cancelled: false,
      }),
    );
    expect(lastToast().body).toBe('');
    act(() => lastToast().action?.click());
    expect(open).toHaveBeenLastCalledWith('/w/w1/calendar/e1?date=2027-03-08');
  });

  it('names an armoured event by its workspace, without date, and opens it in its calendar', async () => {
    const { hear, open } = await show();
    hear(noticeFrame('calendar.invited', ARMOURED_NOTICE));
    const t = lastToast();
    expect(t.title).toBe('Alice Martin invited you to an event in “Chantier”');
    expect(t.body).toBe('');
    act(() => t.action?.click());
    expect(open).toHaveBeenCalledWith('/w/w1/calendar/e1');
  });

  it('leaves the workspaces’ calendar events alone', async () => {
    const { hear } = await show();
    hear(calendarFrame('calendar.event_created', calendarEvent('e1')));
    hear({ ...noticeFrame('calendar.invited'), workspace_id: 'w1', seq: 3 });
    expect(toasts()).toHaveLength(0);
  });
});

describe('reminders', () => {
  beforeEach(stubNotifications);
  afterEach(() => hideTab(false));

  it('toasts an occurrence about to start, and shows it by the system while the tab is hidden', async () => {
    const { hear, open } = await show();
    const reminder = (data: Record<string, unknown>) =>
      noticeFrame('calendar.reminder', { minutes: 15, location: 'Salle 2', ...data });
    hear(reminder({ notice_id: 'n1' }));
    const t = lastToast();
    expect(t.title).toBe('Reminder: “Revue”');
    expect(t.body).toBe('Thursday, December 10, 2026, 11:00 AM – 12:00 PM · Salle 2');
    act(() => t.action?.click());
    expect(open).toHaveBeenLastCalledWith('/w/w1/calendar/e1?date=2026-12-10');
    expect(FakeNotification.shown).toEqual([]);
    hideTab(true);
    hear(reminder({ notice_id: 'n2', workspace_id: null, minutes: 0 }));
    expect(FakeNotification.shown.map((n) => [n.title, n.options.tag])).toEqual([
      ['Reminder: “Revue”', 'ruche-reminder-n2'],
    ]);
    act(() => FakeNotification.shown[0]?.onclick?.());
    expect(window.location.pathname).toBe('/calendar/e1');
    expect(FakeNotification.shown[0]?.closed).toBe(true);
  });
});
