// An invitation's answer link (Paris time, English), opened without an
// account: the event shown, an answer sent, and a link no longer valid.
import { act } from 'react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, ApiError, type CalendarInvitation, type CalendarPartstat } from '../../api';
import { ROUTES } from '../../app/routes';
import { matchPath } from '../../router/router';
import { mountPoint } from '../../test/mount';
import InvitationAnswerPage from './InvitationAnswerPage';

const ui = mountPoint();

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});

afterEach(() => {
  vi.restoreAllMocks();
});

const INVITATION: CalendarInvitation = {
  event: {
    title: 'Site visit',
    description: 'Bring <b>boots</b>.\nParking at the gate.',
    location: '12 rue des Lilas',
    start: '2026-12-10T13:00:00.000Z',
    end: '2026-12-10T14:30:00.000Z',
    all_day: false,
    timezone: 'Europe/Paris',
    rrule: null,
    recurring: false,
    organizer: { email: 'alix@ruche.test', name: 'Alix Martin' },
    attendees: [
      { email: 'guest@example.org', name: '', partstat: 'needs-action' },
      { email: 'bo@ruche.test', name: 'Bo Moreau', partstat: 'accepted' },
    ],
    updated_at: '2026-12-01T10:00:00.000Z',
    version: 4,
  },
  attendee: { email: 'guest@example.org', partstat: 'needs-action' },
  occurrences: [],
};

// Intl separates some parts with narrow or thin spaces: compared as plain spaces.
const plain = (s: string | null | undefined) => (s ?? '').replace(/[\u202f\u2009\u00a0]/g, ' ');
const button = (label: string, within: ParentNode = ui.host) =>
  [...within.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent === label);

async function show(token = 'tok') {
  await ui.render(<InvitationAnswerPage params={{ token }} />);
  await vi.waitFor(() => expect(ui.host.querySelector('h1')).not.toBeNull());
}

describe('an invitation’s answer link', () => {
  it('is a public page, at /calendar/answer/:token', () => {
    const route = ROUTES.find((r) => matchPath(r.pattern, '/calendar/answer/a1B2'));
    expect(route?.access).toBe('public');
    expect(matchPath(route?.pattern ?? '', '/calendar/answer/a1B2')).toEqual({ token: 'a1B2' });
  });

  it('shows the event on the browser’s clock, and sends the answer chosen', async () => {
    const get = vi.spyOn(api.calendar, 'invitation').mockResolvedValue(INVITATION);
    await show();
    expect(get).toHaveBeenCalledWith('tok');
    const page = ui.host.querySelector('section');
    expect(page?.getAttribute('aria-labelledby')).toBe(ui.host.querySelector('h1')?.id);
    expect(ui.host.querySelector('h1')?.textContent).toBe('Site visit');
    const text = plain(ui.host.textContent);
    expect(text).toContain('Invitation for guest@example.org');
    expect(text).toContain('Thursday, December 10, 2026, 2:00 – 3:30 PM');
    expect(text).toContain('Times in your time zone (Europe/Paris).');
    expect(text).toContain('12 rue des Lilas');
    expect(text).toContain('Organized by Alix Martin');
    expect(text).toContain('guest@example.org (you)');
    // The description is plain text: its markup is not.
    const description = ui.host.querySelector('.cal-facts__description');
    expect(description?.textContent).toBe('Bring <b>boots</b>.\nParking at the gate.');
    expect(description?.querySelector('b')).toBeNull();
    expect(plain(ui.host.querySelector('.cal-reply__current')?.textContent)).toBe(
      'Your answer: Not answered',
    );
    expect(ui.host.querySelector('[role="status"]')?.textContent).toBe('');

    const answer = vi.spyOn(api.calendar, 'answerInvitation').mockResolvedValue({
      ...INVITATION,
      attendee: { email: 'guest@example.org', partstat: 'tentative' },
    });
    await act(async () => button('Maybe')?.click());
    expect(answer).toHaveBeenCalledWith('tok', 'tentative', null);
    expect(button('Maybe')?.getAttribute('aria-pressed')).toBe('true');
    expect(button('Accept')?.getAttribute('aria-pressed')).toBe('false');
    expect(plain(ui.host.querySelector('.cal-reply__current')?.textContent)).toBe(
      'Your answer: Maybe',
    );
    expect(ui.host.querySelector('[role="status"]')?.textContent).toBe(
      'Thank you: your answer (Maybe) was passed on to the organizer.',
    );
  });

  it('lists a recurring event’s next occurrences, each answered apart', async () => {
    const at = (day: string) => `${day}T09:00:00.000Z`;
    const DAYS = ['2027-03-01', '2027-03-08', '2027-03-15'];
    const occurrences = (answers: Record<string, CalendarPartstat>) =>
      DAYS.map((day) => ({
        recurrence_id: at(day),
        start: at(day),
        end: `${day}T10:00:00.000Z`,
        partstat: answers[day] ?? ('accepted' as const),
      }));
    const weekly: CalendarInvitation = {
      event: {
        ...INVITATION.event,
        title: 'Weekly',
        start: at('2027-03-01'),
        end: '2027-03-01T10:00:00.000Z',
        rrule: 'FREQ=WEEKLY',
        recurring: true,
      },
      attendee: { email: 'guest@example.org', partstat: 'accepted' },
      occurrences: occurrences({}),
    };
    vi.spyOn(api.calendar, 'invitation').mockResolvedValue(weekly);
    await show();
    const list = ui.host.querySelector('.cal-answer__occurrences');
    expect(list?.querySelector('h2')?.textContent).toBe('Next occurrences');
    const rows = () =>
      [...(list?.querySelectorAll<HTMLElement>('.cal-occurrence') ?? [])].map((li) => ({
        when: plain(li.querySelector('.cal-occurrence__when')?.textContent),
        answer: li.querySelector('.tag')?.textContent,
        group: plain(li.querySelector('[role="group"]')?.getAttribute('aria-label')),
        pressed: [...li.querySelectorAll('button[aria-pressed="true"]')].map((b) => b.textContent),
      }));
    expect(rows()).toEqual([
      {
        when: 'Monday, March 1, 2027, 10:00 – 11:00 AM',
        answer: 'Accepted',
        group: 'Will you attend on Monday, March 1, 2027, 10:00 – 11:00 AM?',
        pressed: ['Accept'],
      },
      expect.objectContaining({ when: 'Monday, March 8, 2027, 10:00 – 11:00 AM' }),
      expect.objectContaining({ when: 'Monday, March 15, 2027, 10:00 – 11:00 AM' }),
    ]);

    const answer = vi.spyOn(api.calendar, 'answerInvitation').mockResolvedValue({
      ...weekly,
      occurrences: occurrences({ '2027-03-08': 'declined' }),
    });
    const second = list?.querySelectorAll('.cal-occurrence')[1];
    await act(async () => (second ? button('Decline', second) : undefined)?.click());
    expect(answer).toHaveBeenCalledWith('tok', 'declined', '2027-03-08T09:00:00.000Z');
    expect(rows().map((r) => [r.answer, r.pressed])).toEqual([
      ['Accepted', ['Accept']],
      ['Declined', ['Decline']],
      ['Accepted', ['Accept']],
    ]);
    // The series' answer stays.
    expect(plain(ui.host.querySelector('.cal-reply__current')?.textContent)).toBe(
      'Your answer: Accepted',
    );
    expect(ui.host.querySelector('[role="status"]')?.textContent).toBe(
      'Thank you: your answer for March 8, 2027 (Declined) was passed on to the organizer.',
    );

    // The series' buttons answer for all of them.
    answer.mockResolvedValue({
      ...weekly,
      attendee: { email: 'guest@example.org', partstat: 'tentative' },
      occurrences: occurrences(Object.fromEntries(DAYS.map((d) => [d, 'tentative' as const]))),
    });
    const series = ui.host.querySelector('.cal-reply');
    await act(async () => (series ? button('Maybe', series) : undefined)?.click());
    expect(answer).toHaveBeenLastCalledWith('tok', 'tentative', null);
    expect(rows().map((r) => r.answer)).toEqual(['Maybe', 'Maybe', 'Maybe']);
  });

  it('lists no occurrences for a single event', async () => {
    vi.spyOn(api.calendar, 'invitation').mockResolvedValue(INVITATION);
    await show();
    expect(ui.host.querySelector('.cal-answer__occurrences')).toBeNull();
  });

  it('says when the link is no longer valid', async () => {
    vi.spyOn(api.calendar, 'invitation').mockRejectedValue(new ApiError(404, 'not_found', 'x'));
    await show();
    expect(ui.host.querySelector('h1')?.textContent).toBe('This invitation is no longer valid');
    expect(button('Accept')).toBeUndefined();
  });

  it('says so too when the invitation went away before the answer', async () => {
    vi.spyOn(api.calendar, 'invitation').mockResolvedValue(INVITATION);
    await show();
    vi.spyOn(api.calendar, 'answerInvitation').mockRejectedValue(
      new ApiError(404, 'not_found', 'x'),
    );
    await act(async () => button('Decline')?.click());
    expect(ui.host.querySelector('h1')?.textContent).toBe('This invitation is no longer valid');
  });

  it('says what else went wrong, the buttons still there', async () => {
    vi.spyOn(api.calendar, 'invitation').mockResolvedValue(INVITATION);
    await show();
    vi.spyOn(api.calendar, 'answerInvitation').mockRejectedValue(new ApiError(0, 'network', 'x'));
    await act(async () => button('Accept')?.click());
    expect(ui.host.querySelector('[role="alert"]')?.textContent).not.toBe('');
    expect(button('Accept')?.disabled).toBe(false);
    expect(button('Accept')?.getAttribute('aria-pressed')).toBe('false');
  });
});
