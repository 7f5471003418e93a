// The calendar store: the range shown read (the last asked kept), live
// events and reconnections reading it again once per burst, changes made
// meanwhile by someone else (412) brought back instead of overwritten,
// occurrences changed or deleted apart (alone, or with the following
// ones), an invitee's answer shown at once, and the members who may be
// invited.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, type CalendarOccurrence } from '../../api';
import {
  calendarEvent,
  calendarFrame,
  noticeFrame,
  occurrence,
  WS,
} from './logic/fixtures.test-util';
import { hearLive } from '../../test/live';
import { CalendarStore, EventChangedError, REFETCH_DELAY_MS } from './store';

const WEEK = { from: '2026-12-06T23:00:00.000Z', to: '2026-12-13T23:00:00.000Z' };
const NEXT = { from: '2026-12-13T23:00:00.000Z', to: '2026-12-20T23:00:00.000Z' };
const meeting = occurrence('m', '2026-12-10T08:00:00Z', '2026-12-10T09:00:00Z');

const titles = (s: CalendarStore) => s.getState().occurrences.map((o) => o.title);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('reading a range', () => {
  it('reads the range shown, once', async () => {
    const list = vi.spyOn(api.calendar, 'occurrences').mockResolvedValue([meeting]);
    const s = new CalendarStore(WS, 'me');
    await s.show(WEEK);
    expect(list).toHaveBeenCalledWith(WS, WEEK.from, WEEK.to);
    expect(s.getState()).toMatchObject({ loaded: true, shown: WEEK, failed: undefined });
    expect(titles(s)).toEqual([meeting.title]);
    await s.show({ ...WEEK });
    expect(list).toHaveBeenCalledTimes(1);
  });

  it('keeps the answer of the last range asked, whatever the order answers come in', async () => {
    let first: (l: CalendarOccurrence[]) => void = () => undefined;
    vi.spyOn(api.calendar, 'occurrences')
      .mockImplementationOnce(() => new Promise((r) => (first = r)))
      .mockResolvedValueOnce([occurrence('n', '2026-12-15T08:00:00Z', '2026-12-15T09:00:00Z')]);
    const s = new CalendarStore(WS, 'me');
    const a = s.show(WEEK);
    await s.show(NEXT);
    first([meeting]);
    await a;
    expect(s.getState().shown).toEqual(NEXT);
    expect(titles(s)).toEqual(['Évènement n']);
  });

  it('says when the calendar cannot be read', async () => {
    vi.spyOn(api.calendar, 'occurrences').mockRejectedValue(new ApiError(404, 'not_found', 'x'));
    const s = new CalendarStore(WS, 'me');
    await s.show(WEEK);
    expect(s.getState()).toMatchObject({ loaded: true, failed: { status: 404 } });
  });

  it('takes the right from the workspace: read-only, archived', async () => {
    vi.spyOn(api.workspaces, 'get')
      .mockResolvedValueOnce({ role: 'guest', rights: {}, archived: false } as never)
      .mockResolvedValueOnce({
        role: 'member',
        rights: { calendar: 'write' },
        archived: true,
      } as never)
      .mockResolvedValueOnce({
        role: 'member',
        rights: { calendar: 'write' },
        archived: false,
      } as never);
    const s = new CalendarStore(WS, 'me');
    await s.loadRight();
    expect(s.getState().right).toBe('read');
    expect(s.canWrite).toBe(false);
    await s.loadRight();
    expect(s.canWrite).toBe(false);
    await s.loadRight();
    expect(s.canWrite).toBe(true);
  });
});

describe('live', () => {
  async function shown() {
    const list = vi.spyOn(api.calendar, 'occurrences').mockResolvedValue([]);
    const s = new CalendarStore(WS, 'me');
    await s.show(WEEK);
    list.mockResolvedValue([meeting]);
    return { s, list };
  }

  it('reads the range again after a burst of changes, once', async () => {
    const { s, list } = await shown();
    s.handleEvent(calendarFrame('calendar.event_created', calendarEvent('m')));
    s.handleEvent(calendarFrame('calendar.event_updated', calendarEvent('m')));
    s.handleEvent(calendarFrame('calendar.event_deleted', { id: 'x' }));
    expect(list).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(REFETCH_DELAY_MS);
    expect(list).toHaveBeenCalledTimes(2);
    expect(list).toHaveBeenLastCalledWith(WS, WEEK.from, WEEK.to);
    expect(titles(s)).toEqual([meeting.title]);
  });

  it("leaves other workspaces' calendars and other events alone", async () => {
    const { s, list } = await shown();
    s.handleEvent(calendarFrame('calendar.event_created', calendarEvent('m'), 'other'));
    s.handleEvent(calendarFrame('task.created', { id: 't' }));
    await vi.advanceTimersByTimeAsync(REFETCH_DELAY_MS * 2);
    expect(list).toHaveBeenCalledTimes(1);
  });

  it('reads the range again on a notice about an event of this calendar, once per burst', async () => {
    const { s, list } = await shown();
    s.handleEvent(noticeFrame('calendar.invited'));
    s.handleEvent(
      noticeFrame('calendar.answered', { attendee: { email: 'a@x', partstat: 'accepted' } }),
    );
    s.handleEvent(noticeFrame('calendar.invitation_cancelled', { id: 'e2' }));
    await vi.advanceTimersByTimeAsync(REFETCH_DELAY_MS);
    expect(list).toHaveBeenCalledTimes(2);
    expect(titles(s)).toEqual([meeting.title]);
  });

  it('reads the range again when an invitation’s event changed (one occurrence moved or cancelled)', async () => {
    const { s, list } = await shown();
    s.handleEvent(
      noticeFrame('calendar.invitation_updated', {
        recurrence_id: '2026-12-10T10:00:00.000Z',
        cancelled: true,
      }),
    );
    await vi.advanceTimersByTimeAsync(REFETCH_DELAY_MS);
    expect(list).toHaveBeenCalledTimes(2);
    expect(titles(s)).toEqual([meeting.title]);
  });

  it('leaves notices about other calendars alone', async () => {
    const { s, list } = await shown();
    s.handleEvent(noticeFrame('calendar.invited', { workspace_id: 'other' }));
    s.handleEvent(noticeFrame('calendar.answered', { workspace_id: null }));
    await vi.advanceTimersByTimeAsync(REFETCH_DELAY_MS * 2);
    expect(list).toHaveBeenCalledTimes(1);
  });

  it('reads the range again when the connection comes back', async () => {
    const { s, list } = await shown();
    s.handleEvent({ type: 'hello', workspace_id: '', seq: 0, data: {} });
    await vi.advanceTimersByTimeAsync(REFETCH_DELAY_MS);
    expect(list).toHaveBeenCalledTimes(2);
    expect(titles(s)).toEqual([meeting.title]);
  });

  it('follows the right: a member made read-only', async () => {
    const get = vi
      .spyOn(api.workspaces, 'get')
      .mockResolvedValueOnce({ role: 'member', rights: {}, archived: false } as never)
      .mockResolvedValueOnce({
        role: 'member',
        rights: { calendar: 'read' },
        archived: false,
      } as never);
    const s = new CalendarStore(WS, 'me');
    await s.loadRight();
    expect(s.canWrite).toBe(true);
    s.handleEvent(calendarFrame('member.updated', { user_id: 'someone else' }));
    expect(get).toHaveBeenCalledTimes(1);
    s.handleEvent(calendarFrame('member.updated', { user_id: 'me' }));
    await vi.waitFor(() => expect(s.canWrite).toBe(false));
  });
});

describe('changes', () => {
  it('creates, then reads the range at once', async () => {
    const list = vi.spyOn(api.calendar, 'occurrences').mockResolvedValue([]);
    const s = new CalendarStore(WS, 'me');
    await s.show(WEEK);
    const create = vi.spyOn(api.calendar, 'create').mockResolvedValue(calendarEvent('m'));
    list.mockResolvedValue([meeting]);
    const body = { title: 'Réunion', start: '2026-12-10', end: '2026-12-11', all_day: true };
    await s.create(body);
    expect(create).toHaveBeenCalledWith(WS, body);
    await vi.waitFor(() => expect(titles(s)).toEqual([meeting.title]));
  });

  it('changes and deletes at the version seen', async () => {
    vi.spyOn(api.calendar, 'occurrences').mockResolvedValue([]);
    const s = new CalendarStore(WS, 'me');
    const update = vi
      .spyOn(api.calendar, 'update')
      .mockResolvedValue(calendarEvent('m', { title: 'B', version: 8 }));
    expect((await s.update('m', { title: 'B' }, 7)).version).toBe(8);
    expect(update).toHaveBeenCalledWith('m', { title: 'B' }, 7);
    const remove = vi.spyOn(api.calendar, 'remove').mockResolvedValue(undefined);
    await s.remove('m', 8);
    expect(remove).toHaveBeenCalledWith('m', 8);
    // Already gone: done all the same.
    remove.mockRejectedValue(new ApiError(404, 'not_found', 'x'));
    await expect(s.remove('m', 8)).resolves.toBeUndefined();
  });

  it('brings back the event as it is now when it changed meanwhile (412)', async () => {
    const list = vi.spyOn(api.calendar, 'occurrences').mockResolvedValue([]);
    const s = new CalendarStore(WS, 'me');
    await s.show(WEEK);
    vi.spyOn(api.calendar, 'update').mockRejectedValue(
      new ApiError(412, 'precondition_failed', 'changed'),
    );
    const now = calendarEvent('m', { title: 'Par Bob', version: 9 });
    const get = vi.spyOn(api.calendar, 'get').mockResolvedValue(now);
    const err = await s.update('m', { title: 'Moi' }, 7).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EventChangedError);
    expect((err as EventChangedError).latest).toEqual(now);
    expect(get).toHaveBeenCalledWith('m');
    // The range is read again too (it may have moved).
    expect(list).toHaveBeenCalledTimes(2);

    // Deleted meanwhile: said so.
    get.mockRejectedValue(new ApiError(404, 'not_found', 'gone'));
    vi.spyOn(api.calendar, 'remove').mockRejectedValue(
      new ApiError(412, 'precondition_failed', 'changed'),
    );
    const gone = await s.remove('m', 7).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(EventChangedError);
    expect((gone as EventChangedError).latest).toBeNull();
  });

  it('changes and cancels one occurrence, named by its recurrence id, at the version seen', async () => {
    const list = vi.spyOn(api.calendar, 'occurrences').mockResolvedValue([]);
    const s = new CalendarStore(WS, 'me');
    await s.show(WEEK);
    const series = vi.spyOn(api.calendar, 'update');
    const remove = vi.spyOn(api.calendar, 'remove');
    const rid = '2026-12-08T09:00:00.000Z';
    const moved = calendarEvent('w', { recurring: true, version: 8 });
    const update = vi.spyOn(api.calendar, 'updateOccurrence').mockResolvedValue(moved);
    const change = { start: '2026-12-08T10:00:00.000Z', end: '2026-12-08T11:00:00.000Z' };
    expect(await s.updateOccurrence('w', rid, change, 7)).toBe(moved);
    expect(update).toHaveBeenCalledWith('w', rid, change, 7);
    const cancel = vi.spyOn(api.calendar, 'cancelOccurrence').mockResolvedValue(undefined);
    await s.cancelOccurrence('w', '2026-12-15T09:00:00.000Z', 8);
    expect(cancel).toHaveBeenCalledWith('w', '2026-12-15T09:00:00.000Z', 8);
    // The series is neither changed nor deleted.
    expect(series).not.toHaveBeenCalled();
    expect(remove).not.toHaveBeenCalled();
    // The range is read again after each (the occurrence moved or went).
    await vi.waitFor(() => expect(list).toHaveBeenCalledTimes(3));
    // The event already gone: done all the same.
    cancel.mockRejectedValue(new ApiError(404, 'not_found', 'x'));
    await expect(s.cancelOccurrence('w', rid, 8)).resolves.toBeUndefined();
  });

  it('brings back the event changed meanwhile when one occurrence comes too late (412)', async () => {
    vi.spyOn(api.calendar, 'occurrences').mockResolvedValue([]);
    const s = new CalendarStore(WS, 'me');
    const now = calendarEvent('w', { title: 'Par Bob', recurring: true, version: 9 });
    vi.spyOn(api.calendar, 'get').mockResolvedValue(now);
    const changed = new ApiError(412, 'precondition_failed', 'changed');
    vi.spyOn(api.calendar, 'updateOccurrence').mockRejectedValue(changed);
    vi.spyOn(api.calendar, 'cancelOccurrence').mockRejectedValue(changed);
    const rid = '2026-12-08T09:00:00.000Z';
    const late = await s.updateOccurrence('w', rid, { title: 'Moi' }, 7).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(EventChangedError);
    expect((late as EventChangedError).latest).toEqual(now);
    const cancelled = await s.cancelOccurrence('w', rid, 7).catch((e: unknown) => e);
    expect((cancelled as EventChangedError).latest).toEqual(now);
    // Other refusals as they are.
    vi.spyOn(api.calendar, 'updateOccurrence').mockRejectedValue(
      new ApiError(400, 'invalid_field', 'x'),
    );
    await expect(s.updateOccurrence('w', rid, { title: 'Moi' }, 9)).rejects.toMatchObject({
      code: 'invalid_field',
    });
  });

  it('changes or deletes an occurrence and the following ones, at the version seen', async () => {
    const list = vi.spyOn(api.calendar, 'occurrences').mockResolvedValue([]);
    const s = new CalendarStore(WS, 'me');
    await s.show(WEEK);
    const series = vi.spyOn(api.calendar, 'update');
    const one = vi.spyOn(api.calendar, 'updateOccurrence');
    const remove = vi.spyOn(api.calendar, 'remove');
    const cancel = vi.spyOn(api.calendar, 'cancelOccurrence');
    const rid = '2026-12-08T09:00:00.000Z';
    // The answer is the new event holding them (another id).
    const rest = calendarEvent('w2', { recurring: true, version: 8 });
    const update = vi.spyOn(api.calendar, 'updateFollowing').mockResolvedValue(rest);
    const change = { title: 'Plus tard', rrule: 'FREQ=WEEKLY;COUNT=2' };
    expect(await s.updateFollowing('w', rid, change, 7)).toBe(rest);
    expect(update).toHaveBeenCalledWith('w', rid, change, 7);
    const following = vi.spyOn(api.calendar, 'removeFollowing').mockResolvedValue(undefined);
    await s.removeFollowing('w', '2026-12-15T09:00:00.000Z', 8);
    expect(following).toHaveBeenCalledWith('w', '2026-12-15T09:00:00.000Z', 8);
    expect(series).not.toHaveBeenCalled();
    expect(one).not.toHaveBeenCalled();
    expect(remove).not.toHaveBeenCalled();
    expect(cancel).not.toHaveBeenCalled();
    // The range is read again after each (the series was cut).
    await vi.waitFor(() => expect(list).toHaveBeenCalledTimes(3));
    // The event already gone: done all the same.
    following.mockRejectedValue(new ApiError(404, 'not_found', 'x'));
    await expect(s.removeFollowing('w', rid, 8)).resolves.toBeUndefined();
  });

  it('brings back the event changed meanwhile when the following ones come too late (412)', async () => {
    vi.spyOn(api.calendar, 'occurrences').mockResolvedValue([]);
    const s = new CalendarStore(WS, 'me');
    const now = calendarEvent('w', { title: 'Par Bob', recurring: true, version: 9 });
    vi.spyOn(api.calendar, 'get').mockResolvedValue(now);
    const changed = new ApiError(412, 'precondition_failed', 'changed');
    vi.spyOn(api.calendar, 'updateFollowing').mockRejectedValue(changed);
    vi.spyOn(api.calendar, 'removeFollowing').mockRejectedValue(changed);
    const rid = '2026-12-08T09:00:00.000Z';
    const late = await s.updateFollowing('w', rid, { title: 'Moi' }, 7).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(EventChangedError);
    expect((late as EventChangedError).latest).toEqual(now);
    const removed = await s.removeFollowing('w', rid, 7).catch((e: unknown) => e);
    expect(removed).toBeInstanceOf(EventChangedError);
    expect((removed as EventChangedError).latest).toEqual(now);
    // Other refusals as they are.
    vi.spyOn(api.calendar, 'updateFollowing').mockRejectedValue(
      new ApiError(400, 'invalid_scope', 'x'),
    );
    await expect(s.updateFollowing('w', rid, { title: 'Moi' }, 9)).rejects.toMatchObject({
      code: 'invalid_scope',
    });
  });

  it('passes other refusals on as they are', async () => {
    const s = new CalendarStore(WS, 'me');
    vi.spyOn(api.calendar, 'update').mockRejectedValue(new ApiError(400, 'invalid_rrule', 'x'));
    await expect(s.update('m', { rrule: 'FREQ=NEVER' }, 7)).rejects.toMatchObject({
      code: 'invalid_rrule',
    });
  });
});

describe('invitations', () => {
  it('shows an answer on the event’s occurrences at once', async () => {
    const list = vi
      .spyOn(api.calendar, 'occurrences')
      .mockResolvedValue([
        { ...meeting, partstat: 'needs-action' },
        occurrence('other', '2026-12-11T08:00:00Z', '2026-12-11T09:00:00Z'),
      ]);
    const s = new CalendarStore(WS, 'me');
    await s.show(WEEK);
    let answered: (e: ReturnType<typeof calendarEvent>) => void = () => undefined;
    const reply = vi
      .spyOn(api.calendar, 'reply')
      .mockImplementation(() => new Promise((r) => (answered = r)));
    list.mockImplementation(() => new Promise(() => undefined));
    const done = s.reply('m', 'accepted');
    expect(reply).toHaveBeenCalledWith('m', 'accepted', null);
    // Not before the server took it.
    expect(s.getState().occurrences.map((o) => o.partstat)).toEqual(['needs-action', null]);
    answered(calendarEvent('m', { version: 9 }));
    expect((await done).version).toBe(9);
    expect(s.getState().occurrences.map((o) => o.partstat)).toEqual(['accepted', null]);
    // And the range is read again.
    expect(list).toHaveBeenCalledTimes(2);
  });

  it('shows an answer to one occurrence on that occurrence alone', async () => {
    const days = ['2026-12-07', '2026-12-08', '2026-12-09'];
    const daily = days.map((d) =>
      occurrence('d', `${d}T08:00:00Z`, `${d}T09:00:00Z`, {
        recurring: true,
        recurrence_id: `${d}T08:00:00.000Z`,
        partstat: 'accepted',
      }),
    );
    const list = vi.spyOn(api.calendar, 'occurrences').mockResolvedValue(daily);
    const s = new CalendarStore(WS, 'me');
    await s.show(WEEK);
    const reply = vi.spyOn(api.calendar, 'reply').mockResolvedValue(calendarEvent('d'));
    list.mockImplementation(() => new Promise(() => undefined));
    await s.reply('d', 'declined', '2026-12-08T08:00:00.000Z');
    expect(reply).toHaveBeenCalledWith('d', 'declined', '2026-12-08T08:00:00.000Z');
    expect(s.getState().occurrences.map((o) => o.partstat)).toEqual([
      'accepted',
      'declined',
      'accepted',
    ]);
    // To the series: all of them.
    await s.reply('d', 'tentative');
    expect(reply).toHaveBeenLastCalledWith('d', 'tentative', null);
    expect(s.getState().occurrences.map((o) => o.partstat)).toEqual([
      'tentative',
      'tentative',
      'tentative',
    ]);
  });

  it('keeps the workspace’s members: read once, then as their events say', async () => {
    const hear = hearLive();
    const alix = { user_id: 'u1', name: 'Alix', email: 'alix@x', rights: {} } as never;
    const members = vi
      .spyOn(api.workspaces, 'members')
      .mockResolvedValue({ members: [alix], seq: 3 });
    vi.spyOn(api.workspaces, 'get').mockResolvedValue({
      role: 'member',
      rights: {},
      archived: false,
    } as never);
    const s = new CalendarStore(WS, 'me');
    s.start();
    await vi.waitFor(() => expect(s.getState().members.map((m) => m.user_id)).toEqual(['u1']));
    hear({ ...calendarFrame('member.removed', { user_id: 'u1' }), seq: 4 });
    await vi.waitFor(() => expect(s.getState().members).toEqual([]));
    // Another screen of the workspace reads nothing again.
    const other = new CalendarStore(WS, 'me');
    await other.loadMembers();
    expect(other.getState().members).toEqual([]);
    expect(members).toHaveBeenCalledTimes(1);
    s.stop();
  });
});
