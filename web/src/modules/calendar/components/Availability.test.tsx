// The event form's availability strip (Paris time, English), the server
// mocked: shown for a timed event inviting colleagues only, a row and a
// sentence per person, who is busy at the chosen time, asked again when
// the day or the people change (an older answer dropped), a discreet line
// when it cannot be read (nothing for an external account), the event's
// own time not held against it, and "Next free slot".
import { act, useState } from 'react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, ApiError, type CalendarFreeBusy } from '../../../api';
import { mountPoint } from '../../../test/mount';
import { emptyDraft, type EventDraft } from '../logic/draft';
import type { Span } from '../logic/freebusy';
import { member } from '../logic/fixtures.test-util';
import { FREEBUSY_DELAY_MS } from './Availability';
import { EventForm } from './EventForm';

const ui = mountPoint();
const ME = { id: 'me', email: 'camille@ruche.test' };
const PEOPLE = [
  member('me', 'Camille Durand', 'camille@ruche.test'),
  member('u1', 'Alix Martin', 'alix@ruche.test'),
  member('u2', 'Bo Moreau', 'bo@ruche.test'),
];
const BO = { user_id: 'u2', email: 'bo@ruche.test', name: 'Bo Moreau' };

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});

afterEach(() => {
  vi.restoreAllMocks();
});

const plain = (s: string | null | undefined) => (s ?? '').replace(/[\u202f\u2009\u00a0]/g, ' ');
const strip = () => ui.host.querySelector('.cal-fb');
const summary = () =>
  [...ui.host.querySelectorAll('.cal-fb__summary li')].map((l) => plain(l.textContent));
const conflicts = () =>
  [...ui.host.querySelectorAll('.cal-fb__conflict')].map((p) => p.textContent);
const button = (label: string) =>
  [...ui.host.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent === label);

/** Bo busy 09:00–11:00 and 14:00–15:00 Paris time; everyone else free. */
function serve(answer?: (users: readonly string[]) => Promise<CalendarFreeBusy[]>) {
  return vi.spyOn(api.calendar, 'freeBusy').mockImplementation(
    answer ??
      (async (users) =>
        users.map((u) => ({
          user_id: u,
          busy:
            u === 'u2'
              ? [
                  { start: '2026-12-10T08:00:00.000Z', end: '2026-12-10T10:00:00.000Z' },
                  { start: '2026-12-10T13:00:00.000Z', end: '2026-12-10T14:00:00.000Z' },
                ]
              : [],
        }))),
  );
}

/** The form as a dialog holds it: its draft in state. */
function Form({ initial, own = null }: { initial: EventDraft; own?: Span | null }) {
  const [draft, setDraft] = useState(initial);
  return (
    <form>
      <EventForm
        draft={draft}
        onChange={setDraft}
        problem={null}
        timeZone="Europe/Paris"
        people={PEOPLE}
        not={{ me: ME }}
        own={own}
      />
      <output data-testid="times">{`${draft.startTime}–${draft.endTime}`}</output>
    </form>
  );
}

const at10 = (extra: Partial<EventDraft> = {}): EventDraft => ({
  ...emptyDraft('2026-12-10', { minutes: 10 * 60 }),
  attendees: [BO],
  ...extra,
});

/** The strip's pause, then its answer, within act(). */
const settle = () =>
  act(async () => {
    await new Promise((r) => setTimeout(r, FREEBUSY_DELAY_MS + 20));
  });

async function show(initial: EventDraft, own: Span | null = null) {
  await ui.render(<Form initial={initial} own={own} />);
  await settle();
}

describe('the availability strip', () => {
  it('shows each person’s day and says Bo is busy at the chosen time', async () => {
    const asked = serve();
    await show(at10({ attendees: [BO, { email: 'someone@example.org', name: '' }] }));
    // The whole local day, the person writing first, then the colleague (not the outsider).
    expect(asked).toHaveBeenCalledTimes(1);
    expect(asked.mock.calls[0]?.slice(0, 3)).toEqual([
      ['me', 'u2'],
      '2026-12-09T23:00:00.000Z',
      '2026-12-10T23:00:00.000Z',
    ]);
    expect(strip()?.querySelector('h3')?.textContent).toBe('Availability');
    expect([...ui.host.querySelectorAll('.cal-fb__name')].map((n) => n.textContent)).toEqual([
      '',
      'Camille Durand (you)',
      'Bo Moreau',
    ]);
    expect(summary()).toEqual([
      'Camille Durand (you): free',
      'Bo Moreau: busy 9:00 – 11:00 AM, 2:00 – 3:00 PM',
    ]);
    expect(conflicts()).toEqual(['Bo Moreau is busy then']);
    // The graphic repeats the words: hidden from screen readers.
    expect(strip()?.querySelector('.cal-fb__strip')?.getAttribute('aria-hidden')).toBe('true');
    const rows = ui.host.querySelectorAll('.cal-fb__row:not(.cal-fb__row--hours)');
    // 07:00–21:00: Bo's 09:00 is at 2/14 of the width.
    const busy = rows[1]?.querySelectorAll<HTMLElement>('.cal-fb__busy') ?? [];
    expect(busy).toHaveLength(2);
    expect(parseFloat(busy[0]?.style.left ?? '')).toBeCloseTo((2 / 14) * 100, 3);
    expect(rows[1]?.querySelector('.cal-fb__event--conflict')).not.toBeNull();
    expect(rows[0]?.querySelector('.cal-fb__event--conflict')).toBeNull();
    expect(rows[0]?.querySelector('.cal-fb__event')).not.toBeNull();
  });

  it('is not shown all day, nor without colleagues', async () => {
    const asked = serve();
    await show(at10({ allDay: true }));
    await show(at10({ attendees: [{ email: 'someone@example.org', name: '' }] }));
    expect(strip()).toBeNull();
    expect(asked).not.toHaveBeenCalled();
  });

  it('moves to the next time everyone is free', async () => {
    serve();
    await show(at10());
    act(() => button('Next free slot')?.click());
    expect(ui.host.querySelector('[data-testid="times"]')?.textContent).toBe('11:00–12:00');
    expect(conflicts()).toEqual([]);
    expect(button('Next free slot')).toBeUndefined();
  });

  it('does not hold the event’s own saved time against it', async () => {
    // Bo is invited to this very event, 10:00–11:00: the server counts it.
    serve(async (users) =>
      users.map((u) => ({
        user_id: u,
        busy: [{ start: '2026-12-10T09:00:00.000Z', end: '2026-12-10T10:00:00.000Z' }],
      })),
    );
    await show(at10(), {
      start: Date.parse('2026-12-10T09:00:00Z'),
      end: Date.parse('2026-12-10T10:00:00Z'),
    });
    expect(summary()).toEqual(['Camille Durand (you): free', 'Bo Moreau: free']);
    expect(conflicts()).toEqual([]);
  });

  it('says discreetly when availability cannot be read, the form going on', async () => {
    serve(() => Promise.reject(new ApiError(500, 'internal', 'boom')));
    await show(at10());
    await vi.waitFor(() =>
      expect(ui.host.querySelector('.cal-fb__failed')?.textContent).toBe(
        'Availability unavailable',
      ),
    );
    expect(ui.host.querySelector('input')).not.toBeNull();
  });

  it('is not shown to an external account, for whom the route is not', async () => {
    serve(() => Promise.reject(new ApiError(404, 'not_found', 'no such route')));
    await show(at10());
    expect(strip()).toBeNull();
  });

  it('says when nobody is free together later that day', async () => {
    serve(async (users) =>
      users.map((u) => ({
        user_id: u,
        busy: [{ start: '2026-12-10T08:00:00.000Z', end: '2026-12-10T20:00:00.000Z' }],
      })),
    );
    await show(at10());
    act(() => button('Next free slot')?.click());
    expect(ui.host.querySelector('[data-testid="times"]')?.textContent).toBe('10:00–11:00');
    expect(ui.host.querySelector('.cal-fb__conflicts')?.textContent).toContain(
      'No time later that day when everyone is free.',
    );
  });

  it('asks again once the people change, an older answer dropped', async () => {
    let release: (v: CalendarFreeBusy[]) => void = () => undefined;
    const asked = serve(
      (users) =>
        new Promise((resolve) => {
          if (users.length === 2) release = resolve;
          else resolve(users.map((u) => ({ user_id: u, busy: [] })));
        }),
    );
    await show(at10());
    expect(asked).toHaveBeenCalledTimes(1);
    // Alix added: the first question is dropped.
    const input = ui.host.querySelector<HTMLInputElement>('input[role="combobox"]');
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
    act(() => {
      setter?.call(input, 'alix@ruche.test');
      input?.dispatchEvent(new Event('input', { bubbles: true }));
    });
    act(() => button('Invite')?.click());
    await settle();
    expect(asked).toHaveBeenCalledTimes(2);
    expect(asked.mock.calls[1]?.[0]).toEqual(['me', 'u2', 'u1']);
    const signal = asked.mock.calls[0]?.[3]?.signal;
    expect(signal?.aborted).toBe(true);
    expect(summary()).toHaveLength(3);
    await act(async () =>
      release([
        { user_id: 'me', busy: [] },
        {
          user_id: 'u2',
          busy: [{ start: '2026-12-10T09:00:00.000Z', end: '2026-12-10T10:00:00.000Z' }],
        },
      ]),
    );
    expect(summary()).toEqual([
      'Camille Durand (you): free',
      'Bo Moreau: free',
      'Alix Martin: free',
    ]);
  });
});
