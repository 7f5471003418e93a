// Invitation notices: which frames they are, what their toasts say (in both
// languages, times on the browser's clock; an armoured event's, its
// workspace) and where they lead.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Workspace } from '../../../api';
import { translate, type Vars } from '../../../i18n/core';
import { en } from '../../../i18n/en';
import { fr, type MessageKey } from '../../../i18n/fr';
import { ALICE, ARMOURED_NOTICE, MOVED_OCCURRENCE, noticeFrame } from './fixtures.test-util';
import {
  calendarsOpened,
  isNoticeAbout,
  noticeTarget,
  noticeText,
  readNotice,
  type InvitationNotice,
} from './notices';

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});

const plain = (s: string | undefined) => (s ?? '').replace(/[\u202f\u2009\u00a0]/g, ' ');
const tEn = (key: MessageKey, vars?: Vars) => translate(en, fr, 'en', key, vars);
const tFr = (key: MessageKey, vars?: Vars) => translate(fr, fr, 'fr', key, vars);

const read = (type: string, data?: Record<string, unknown>) => {
  const n = readNotice(noticeFrame(type, data));
  if (!n) throw new Error(`not a notice: ${type}`);
  return n;
};

describe('reading', () => {
  it('reads the three notices, the event they name and who answered', () => {
    expect(read('calendar.invited')).toEqual({
      type: 'calendar.invited',
      id: 'e1',
      workspace_id: 'w1',
      title: 'Revue',
      start: '2026-12-10T10:00:00.000Z',
      end: '2026-12-10T11:00:00.000Z',
      all_day: false,
      organizer: ALICE,
    });
    expect(read('calendar.invitation_cancelled', { workspace_id: null }).workspace_id).toBeNull();
    expect(
      read('calendar.answered', {
        attendee: { email: 'jules@ruche.test', name: 'Jules Marty', partstat: 'accepted' },
      }).attendee,
    ).toEqual({ email: 'jules@ruche.test', name: 'Jules Marty', partstat: 'accepted' });
  });

  it('reads a change of plan: of the series, or of one occurrence, moved or cancelled', () => {
    const series = read('calendar.invitation_updated');
    expect(series.type).toBe('calendar.invitation_updated');
    expect([series.recurrence_id, series.cancelled]).toEqual([undefined, undefined]);
    const one = read('calendar.invitation_updated', {
      recurrence_id: '2027-03-08T10:00:00.000Z',
      cancelled: true,
    });
    expect([one.recurrence_id, one.cancelled]).toEqual(['2027-03-08T10:00:00.000Z', true]);
    expect(
      read('calendar.invitation_updated', {
        recurrence_id: '2027-03-08T10:00:00.000Z',
        cancelled: false,
      }).cancelled,
    ).toBe(false);
  });

  it('reads an occurrence moved or changed as it now is, when the notice says', () => {
    const now = {
      start: '2027-03-09T13:00:00.000Z',
      end: '2027-03-09T14:30:00.000Z',
      title: 'Revue',
    };
    const moved = (data: Record<string, unknown>) =>
      read('calendar.invitation_updated', { recurrence_id: '2027-03-08T10:00:00.000Z', ...data });
    expect(moved({ cancelled: false, occurrence: now }).occurrence).toEqual(now);
    expect(moved({ cancelled: false, occurrence: { ...now, end: null } }).occurrence).toEqual({
      ...now,
      end: null,
    });
    // Older notices, a cancellation, or one that says no start: none.
    expect(moved({ cancelled: false }).occurrence).toBeUndefined();
    expect(moved({ cancelled: true, occurrence: now }).occurrence).toBeUndefined();
    expect(moved({ cancelled: false, occurrence: { title: 'Revue' } }).occurrence).toBeUndefined();
    expect(read('calendar.invitation_updated', { occurrence: now }).occurrence).toBeUndefined();
  });

  it('leaves workspace events, other types and notices naming no event', () => {
    expect(readNotice({ ...noticeFrame('calendar.invited'), workspace_id: 'w1', seq: 4 })).toBe(
      null,
    );
    expect(readNotice(noticeFrame('calendar.event_updated'))).toBeNull();
    expect(readNotice(noticeFrame('calendar.invited', { id: 7 }))).toBeNull();
    expect(readNotice({ type: 'calendar.invited', workspace_id: '', seq: 0, data: {} })).toBeNull();
  });

  it('tells whether a notice is about an event', () => {
    expect(isNoticeAbout(noticeFrame('calendar.answered'), 'e1')).toBe(true);
    expect(isNoticeAbout(noticeFrame('calendar.answered'), 'e2')).toBe(false);
    expect(
      isNoticeAbout({ ...noticeFrame('calendar.answered'), workspace_id: 'w1', seq: 3 }, 'e1'),
    ).toBe(false);
  });
});

describe('where a notice leads', () => {
  const ws = (id: string, modules: string[]) => ({ id, name: id, modules }) as Workspace;
  const opened = calendarsOpened([ws('w1', ['calendar', 'chat']), ws('w2', ['chat'])]);

  it('opens the calendar the person opens, at the event and its day', () => {
    expect([...opened]).toEqual(['w1']);
    expect(noticeTarget(read('calendar.invited'), opened)).toBe(
      '/w/w1/calendar/e1?date=2026-12-10',
    );
    // 23:30 UTC is the next day in Paris.
    expect(
      noticeTarget(read('calendar.invited', { start: '2026-12-10T23:30:00.000Z' }), opened),
    ).toBe('/w/w1/calendar/e1?date=2026-12-11');
    expect(
      noticeTarget(
        read('calendar.invited', { start: '2026-12-12', end: '2026-12-13', all_day: true }),
        opened,
      ),
    ).toBe('/w/w1/calendar/e1?date=2026-12-12');
  });

  it('else the home page: a calendar not opened, a personal one', () => {
    expect(noticeTarget(read('calendar.invited', { workspace_id: 'w2' }), opened)).toBe('/');
    expect(noticeTarget(read('calendar.invited', { workspace_id: 'w9' }), opened)).toBe('/');
    expect(noticeTarget(read('calendar.answered', { workspace_id: null }), opened)).toBe('/');
  });
});

describe('what a toast says', () => {
  const text = (n: InvitationNotice, t = tEn, locale = 'en') => {
    const { title, body } = noticeText(n, t, locale, []);
    return [plain(title), plain(body)];
  };
  const answered = (partstat: string, name = 'Jules Marty') =>
    read('calendar.answered', { attendee: { email: 'jules@ruche.test', name, partstat } });

  it('says who invites to what, and when on the browser’s clock', () => {
    expect(text(read('calendar.invited'))).toEqual([
      'Alice Martin invited you to “Revue”',
      'Thursday, December 10, 2026, 11:00 AM – 12:00 PM',
    ]);
    expect(text(read('calendar.invited'), tFr, 'fr')).toEqual([
      'Alice Martin vous invite à « Revue »',
      'Jeudi 10 décembre 2026, 11:00 – 12:00',
    ]);
    expect(
      text(read('calendar.invited', { start: '2026-12-12', end: '2026-12-14', all_day: true })),
    ).toEqual([
      'Alice Martin invited you to “Revue”',
      'Saturday, December 12 – Sunday, December 13, 2026',
    ]);
  });

  it('names the organizer by address without a name, and someone without either', () => {
    expect(text(read('calendar.invited', { organizer: { email: 'a@x.test', name: '' } }))[0]).toBe(
      'a@x.test invited you to “Revue”',
    );
    expect(text(read('calendar.invited', { organizer: null }))[0]).toBe(
      'Someone invited you to “Revue”',
    );
    expect(text(read('calendar.invited', { title: '  ' }))[0]).toBe(
      'Alice Martin invited you to “(Untitled)”',
    );
  });

  it('says a cancellation plainly', () => {
    expect(text(read('calendar.invitation_cancelled'))[0]).toBe(
      '“Revue” was cancelled or you were removed',
    );
    expect(text(read('calendar.invitation_cancelled'), tFr, 'fr')[0]).toBe(
      '« Revue » : événement annulé ou invitation retirée',
    );
  });

  it('tells the organizer each answer', () => {
    expect(text(answered('accepted'))[0]).toBe('Jules Marty accepted “Revue”');
    expect(text(answered('declined'))[0]).toBe('Jules Marty declined “Revue”');
    expect(text(answered('tentative'))[0]).toBe('Jules Marty may attend “Revue”');
    expect(text(answered('delegated'))[0]).toBe('Jules Marty answered “Revue”');
    expect(text(answered('accepted', ''))[0]).toBe('jules@ruche.test accepted “Revue”');
    expect(text(answered('accepted'), tFr, 'fr')[0]).toBe('Jules Marty a accepté « Revue »');
    expect(text(answered('declined'), tFr, 'fr')[0]).toBe('Jules Marty a refusé « Revue »');
    expect(text(answered('tentative'), tFr, 'fr')[0]).toBe(
      'Jules Marty participera peut-être à « Revue »',
    );
  });

  it('names the occurrence an answer was to, and its date and time', () => {
    // A weekly "Revue" from Thursday 10 December 2026, 11:00 Paris; the answer is to 8 March 2027.
    const one = (partstat: string) =>
      read('calendar.answered', {
        attendee: { email: 'jules@ruche.test', name: 'Jules Marty', partstat },
        recurrence_id: '2027-03-08T10:00:00.000Z',
      });
    expect(one('declined').recurrence_id).toBe('2027-03-08T10:00:00.000Z');
    expect(noticeTarget(one('declined'), new Set(['w1']))).toBe(
      '/w/w1/calendar/e1?date=2027-03-08',
    );
    expect(text(one('declined'))).toEqual([
      'Jules Marty declined the occurrence of March 8, 2027 of “Revue”',
      'Monday, March 8, 2027, 11:00 AM – 12:00 PM',
    ]);
    expect(text(one('accepted'))[0]).toBe(
      'Jules Marty accepted the occurrence of March 8, 2027 of “Revue”',
    );
    expect(text(one('tentative'))[0]).toBe(
      'Jules Marty may attend the occurrence of March 8, 2027 of “Revue”',
    );
    expect(text(one('delegated'))[0]).toBe(
      'Jules Marty answered the occurrence of March 8, 2027 of “Revue”',
    );
    expect(text(one('declined'), tFr, 'fr')).toEqual([
      'Jules Marty a refusé l’occurrence du 8 mars 2027 de « Revue »',
      'Lundi 8 mars 2027, 11:00 – 12:00',
    ]);
    expect(text(one('accepted'), tFr, 'fr')[0]).toBe(
      'Jules Marty a accepté l’occurrence du 8 mars 2027 de « Revue »',
    );
    // Without it, the answer is to the series, as before.
    expect(answered('declined').recurrence_id).toBeUndefined();
    expect(text(answered('declined'))).toEqual([
      'Jules Marty declined “Revue”',
      'Thursday, December 10, 2026, 11:00 AM – 12:00 PM',
    ]);
  });

  it('tells an invitee the event changed: the series with its times, or one occurrence', () => {
    const updated = (data?: Record<string, unknown>) => read('calendar.invitation_updated', data);
    expect(text(updated())).toEqual([
      'Alice Martin changed “Revue”',
      'Thursday, December 10, 2026, 11:00 AM – 12:00 PM',
    ]);
    expect(text(updated(), tFr, 'fr')).toEqual([
      'Alice Martin a modifié « Revue »',
      'Jeudi 10 décembre 2026, 11:00 – 12:00',
    ]);
    // One occurrence moved or changed, told by an older notice: its date alone.
    const moved = updated({ recurrence_id: '2027-03-08T10:00:00.000Z', cancelled: false });
    expect(text(moved)).toEqual([
      'Alice Martin moved or changed the occurrence of March 8, 2027 of “Revue”',
      '',
    ]);
    expect(text(moved, tFr, 'fr')[0]).toBe(
      'Alice Martin a déplacé ou modifié l’occurrence du 8 mars 2027 de « Revue »',
    );
    // Cancelled: when it was to be.
    const cancelled = updated({ recurrence_id: '2027-03-08T10:00:00.000Z', cancelled: true });
    expect(text(cancelled)).toEqual([
      'Alice Martin cancelled the occurrence of March 8, 2027 of “Revue”',
      'Monday, March 8, 2027, 11:00 AM – 12:00 PM',
    ]);
    expect(text(cancelled, tFr, 'fr')[0]).toBe(
      'Alice Martin a annulé l’occurrence du 8 mars 2027 de « Revue »',
    );
    expect(text(updated({ organizer: null }))[0]).toBe('Someone changed “Revue”');
    // It leads to the event, on the occurrence's day.
    expect(noticeTarget(cancelled, new Set(['w1']))).toBe('/w/w1/calendar/e1?date=2027-03-08');
    expect(noticeTarget(moved, new Set(['w1']))).toBe('/w/w1/calendar/e1?date=2027-03-08');
  });

  it('tells when an occurrence moved or changed now is, and leads to that day', () => {
    // Monday 8 March 2027, 11:00 Paris, moved to Tuesday 9 March, 14:00 – 15:30.
    const moved = (occurrence: Record<string, unknown>) =>
      read('calendar.invitation_updated', {
        ...MOVED_OCCURRENCE,
        occurrence: { ...MOVED_OCCURRENCE.occurrence, ...occurrence },
      });
    expect(text(moved({}))).toEqual([
      'Alice Martin moved or changed the occurrence of March 8, 2027 of “Revue”',
      'Now: Tuesday, March 9, 2027, 2:00 – 3:30 PM',
    ]);
    expect(text(moved({}), tFr, 'fr')).toEqual([
      'Alice Martin a déplacé ou modifié l’occurrence du 8 mars 2027 de « Revue »',
      'Désormais : mardi 9 mars 2027, 14:00 – 15:30',
    ]);
    expect(noticeTarget(moved({}), new Set(['w1']))).toBe('/w/w1/calendar/e1?date=2027-03-09');
    // Renamed: its new title too.
    expect(text(moved({ title: 'Revue spéciale' }))[1]).toBe(
      'Now: “Revue spéciale”, Tuesday, March 9, 2027, 2:00 – 3:30 PM',
    );
    expect(text(moved({ title: 'Revue spéciale' }), tFr, 'fr')[1]).toBe(
      'Désormais : « Revue spéciale », mardi 9 mars 2027, 14:00 – 15:30',
    );
    // 23:30 UTC is the next day in Paris.
    expect(
      noticeTarget(
        moved({ start: '2027-03-09T23:30:00.000Z', end: '2027-03-10T00:30:00.000Z' }),
        new Set(['w1']),
      ),
    ).toBe('/w/w1/calendar/e1?date=2027-03-10');
  });

  it('dates an all-day occurrence by its day, and leads to it', () => {
    const n = read('calendar.answered', {
      start: '2026-12-12',
      end: '2026-12-14',
      all_day: true,
      attendee: { email: 'jules@ruche.test', name: '', partstat: 'declined' },
      recurrence_id: '2027-03-06T00:00:00.000Z',
    });
    expect(text(n)).toEqual([
      'jules@ruche.test declined the occurrence of March 6, 2027 of “Revue”',
      'Saturday, March 6 – Sunday, March 7, 2027',
    ]);
    expect(text(n, tFr, 'fr')[0]).toBe(
      'jules@ruche.test a refusé l’occurrence du 6 mars 2027 de « Revue »',
    );
    expect(noticeTarget(n, new Set(['w1']))).toBe('/w/w1/calendar/e1?date=2027-03-06');
  });

  it('tells where an all-day occurrence moved, by its days, and leads to the first', () => {
    const n = read('calendar.invitation_updated', {
      start: '2026-12-12',
      end: '2026-12-14',
      all_day: true,
      recurrence_id: '2027-03-06T00:00:00.000Z',
      cancelled: false,
      occurrence: { start: '2027-03-13', end: '2027-03-15', title: 'Revue' },
    });
    expect(text(n)).toEqual([
      'Alice Martin moved or changed the occurrence of March 6, 2027 of “Revue”',
      'Now: Saturday, March 13 – Sunday, March 14, 2027',
    ]);
    expect(text(n, tFr, 'fr')[1]).toBe('Désormais : samedi 13 – dimanche 14 mars 2027');
    expect(noticeTarget(n, new Set(['w1']))).toBe('/w/w1/calendar/e1?date=2027-03-13');
  });

  describe('of an armoured event', () => {
    const VAULT = { id: 'w1', name: 'Coffre', modules: ['calendar'] } as Workspace;
    const sealed = (type: string, data: Record<string, unknown> = {}) =>
      read(type, { ...ARMOURED_NOTICE, ...data });
    const said = (n: InvitationNotice, t = tEn, workspaces = [VAULT]) =>
      noticeText(n, t, t === tEn ? 'en' : 'fr', workspaces);

    it('reads it without title nor times', () => {
      expect(sealed('calendar.invited')).toMatchObject({
        title: '',
        start: null,
        end: null,
        all_day: false,
        armoured: true,
      });
      expect(read('calendar.invited').armoured).toBeUndefined();
    });

    it('says its workspace instead of its title, and no time', () => {
      expect(said(sealed('calendar.invited'))).toEqual({
        title: 'Alice Martin invited you to an event in “Coffre”',
      });
      expect(said(sealed('calendar.invited'), tFr).title).toBe(
        'Alice Martin vous invite à un événement de « Coffre »',
      );
      expect(said(sealed('calendar.invitation_updated')).title).toBe(
        'Alice Martin changed an event in “Coffre”',
      );
      expect(said(sealed('calendar.invitation_cancelled')).title).toBe(
        'You are no longer invited to an event in “Coffre”: it was cancelled or you were removed',
      );
      const answered = (partstat: string) =>
        sealed('calendar.answered', {
          attendee: { user_id: 'u9', email: 'jules@ruche.test', name: 'Jules Marty', partstat },
        });
      expect(said(answered('declined')).title).toBe(
        'Jules Marty declined your invitation to an event in “Coffre”',
      );
      expect(said(answered('tentative'), tFr).title).toBe(
        'Jules Marty participera peut-être à un événement de « Coffre »',
      );
      // A workspace not among the person's: an encrypted event.
      expect(said(sealed('calendar.invited'), tEn, []).title).toBe(
        'Alice Martin invited you to an encrypted event',
      );
    });

    it('says an answer to single occurrences as such, not as the series’ answer', () => {
      const apart = (occurrences: unknown) =>
        sealed('calendar.answered', {
          attendee: {
            user_id: 'u9',
            email: 'basile@ruche.test',
            name: 'Basile Fortin',
            partstat: 'accepted',
          },
          occurrences,
        });
      expect(apart(true).occurrences).toBe(true);
      expect(said(apart(true))).toEqual({
        title: 'Basile Fortin answered occurrences of an event in “Coffre”',
      });
      expect(said(apart(true), tFr).title).toBe(
        'Basile Fortin a répondu pour des occurrences d’un événement de « Coffre »',
      );
      expect(said(apart(true), tEn, []).title).toBe(
        'Basile Fortin answered occurrences of an encrypted event',
      );
      // Anything but true: the series' answer.
      expect(apart('yes').occurrences).toBeUndefined();
      expect(said(apart(false)).title).toBe(
        'Basile Fortin accepted your invitation to an event in “Coffre”',
      );
    });

    it('says what its card says when this tab opened it: its title and when, else its workspace', () => {
      const card = {
        title: 'Comité secret',
        start: '2027-03-01T09:00:00.000Z',
        end: '2027-03-01T10:00:00.000Z',
        all_day: false,
      };
      const asked: string[] = [];
      const opened = (ws: string, id: string) => {
        asked.push(`${ws} ${id}`);
        return ws === 'w1' && id === 'e1' ? card : undefined;
      };
      const saidOpened = (n: InvitationNotice, t = tEn) =>
        noticeText(n, t, t === tEn ? 'en' : 'fr', [VAULT], opened);
      const invited = saidOpened(sealed('calendar.invited'));
      expect(invited.title).toBe('Alice Martin invited you to “Comité secret”');
      expect(plain(invited.body)).toBe('Monday, March 1, 2027, 10:00 – 11:00 AM');
      expect(asked).toEqual(['w1 e1']);
      expect(plain(saidOpened(sealed('calendar.invitation_updated'), tFr).title)).toBe(
        'Alice Martin a modifié « Comité secret »',
      );
      const apart = sealed('calendar.answered', {
        attendee: {
          user_id: 'u9',
          email: 'b@ruche.test',
          name: 'Basile Fortin',
          partstat: 'accepted',
        },
        occurrences: true,
      });
      expect(saidOpened(apart).title).toBe('Basile Fortin answered occurrences of “Comité secret”');
      expect(plain(saidOpened(apart, tFr).title)).toBe(
        'Basile Fortin a répondu pour des occurrences de « Comité secret »',
      );
      // Another event, not opened here: its workspace, as before.
      expect(saidOpened(sealed('calendar.invited', { id: 'e2' }))).toEqual({
        title: 'Alice Martin invited you to an event in “Coffre”',
      });
    });

    it('leads to its workspace’s calendar at the event, no day told', () => {
      expect(noticeTarget(sealed('calendar.invited'), new Set(['w1']))).toBe('/w/w1/calendar/e1');
      expect(noticeTarget(sealed('calendar.invited'), new Set())).toBe('/');
    });
  });
});

describe('reminders', () => {
  const reminder = (data?: Record<string, unknown>) =>
    read('calendar.reminder', { minutes: 15, location: 'Salle 2', ...data });

  it('names the occurrence, its time and place (as true in the list later as in the toast)', () => {
    const n = reminder({ recurrence_id: '2026-12-10T10:00:00.000Z' });
    expect([n.type, n.minutes, n.location]).toEqual(['calendar.reminder', 15, 'Salle 2']);
    const soon = noticeText(n, tFr, 'fr', []);
    expect(plain(soon.title)).toBe('Rappel : « Revue »');
    expect(plain(soon.body)).toContain('11:00');
    expect(soon.body).toContain('Salle 2');
    expect(noticeText(reminder({ minutes: 0 }), tEn, 'en', []).title).toBe('Reminder: “Revue”');
  });

  it('leads to the event in its calendar, or in My calendar when in no workspace', () => {
    expect(noticeTarget(reminder(), new Set(['w1']))).toBe('/w/w1/calendar/e1?date=2026-12-10');
    expect(noticeTarget(reminder({ workspace_id: null }), new Set())).toBe(
      '/calendar/e1?date=2026-12-10',
    );
  });
});
