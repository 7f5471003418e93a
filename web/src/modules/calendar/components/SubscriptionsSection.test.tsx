// "Calendar subscriptions" on the profile page: hidden where the server
// reads no calendars from elsewhere; a subscription made from an address
// (the server's refusal said in words, the form kept), each one read again,
// renamed and removed (after a confirmation), and a failing one saying why.
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, type CalendarSubscription } from '../../../api';
import { mountPoint, typeInto } from '../../../test/mount';
import SubscriptionsSection from './SubscriptionsSection';

const ui = mountPoint();

afterEach(() => vi.restoreAllMocks());

const sub = (id: string, name: string, more: Partial<CalendarSubscription> = {}) =>
  ({
    id,
    name,
    url: `https://mairie.example.org/${id}.ics`,
    refresh_minutes: 720,
    refreshed_at: new Date(Date.now() - 3_600_000).toISOString(),
    next_refresh_at: new Date(Date.now() + 3_600_000).toISOString(),
    error: null,
    created_at: '2026-12-01T10:00:00.000Z',
    ...more,
  }) satisfies CalendarSubscription;

/** The server's side: a list that create, rename and remove change. */
function serve(available: boolean, initial: CalendarSubscription[] = []) {
  let list = initial;
  const calls = {
    list: vi
      .spyOn(api.calendar.subscriptions, 'list')
      .mockImplementation(async () => ({ available, subscriptions: list })),
    create: vi.spyOn(api.calendar.subscriptions, 'create').mockImplementation(async (b) => {
      if (b.url.includes('intranet')) throw new ApiError(403, 'address_refused', 'refused');
      const made = sub(`s${list.length + 1}`, b.name ?? 'Agenda de la mairie', { url: b.url });
      list = [...list, made];
      return made;
    }),
    rename: vi.spyOn(api.calendar.subscriptions, 'rename').mockImplementation(async (id, name) => {
      list = list.map((s) => (s.id === id ? { ...s, name } : s));
      return found(list.find((s) => s.id === id));
    }),
    refresh: vi
      .spyOn(api.calendar.subscriptions, 'refresh')
      .mockImplementation(async (id) => found(list.find((s) => s.id === id))),
    remove: vi.spyOn(api.calendar.subscriptions, 'remove').mockImplementation(async (id) => {
      list = list.filter((s) => s.id !== id);
      return undefined;
    }),
  };
  return calls;
}

/** `v`, or the test fails here. */
function found<T>(v: T | null | undefined): T {
  if (v === null || v === undefined) throw new Error('not found');
  return v;
}
const button = (label: string, within: ParentNode = ui.host) =>
  [...within.querySelectorAll<HTMLButtonElement>('button')].find(
    (b) => b.textContent === label || b.getAttribute('aria-label') === label,
  );
const field = (label: string) => {
  const l = [...ui.host.querySelectorAll('label')].find((x) => x.textContent?.startsWith(label));
  return document.getElementById(l?.htmlFor ?? '') as HTMLInputElement | null;
};
const names = () =>
  [...ui.host.querySelectorAll('.cred__name')].map((n) => n.firstChild?.textContent ?? '');
const click = async (b: HTMLElement | undefined) => {
  expect(b).toBeDefined();
  await act(async () => b?.click());
};

describe('calendar subscriptions', () => {
  it('shows nothing where the server reads no calendars from elsewhere', async () => {
    const calls = serve(false);
    await ui.render(<SubscriptionsSection />);
    await vi.waitFor(() => expect(calls.list).toHaveBeenCalled());
    expect(ui.host.textContent).toBe('');
  });

  it('subscribes to an address, says why the server refused one, and keeps what was typed', async () => {
    const calls = serve(true);
    await ui.render(<SubscriptionsSection />);
    await vi.waitFor(() => expect(ui.host.textContent).toContain('No subscriptions.'));
    expect(button('Subscribe')?.disabled).toBe(true);

    typeInto(found(field('Calendar address')), 'https://intranet.local/agenda.ics');
    await click(button('Subscribe'));
    expect(ui.host.querySelector('[role="alert"], .alert')?.textContent).toContain(
      'may not read addresses of private networks',
    );
    expect(field('Calendar address')?.value).toBe('https://intranet.local/agenda.ics');

    typeInto(found(field('Calendar address')), '  webcal://mairie.example.org/agenda.ics ');
    await click(button('Subscribe'));
    expect(calls.create).toHaveBeenLastCalledWith({
      url: 'webcal://mairie.example.org/agenda.ics',
    });
    await vi.waitFor(() => expect(names()).toEqual(['Agenda de la mairie']));
    expect(field('Calendar address')?.value).toBe('');
    expect(ui.host.textContent).toContain('Updated');
  });

  it('reads one again, renames it, and removes it once confirmed', async () => {
    const calls = serve(true, [
      sub('s1', 'Vacances scolaires'),
      sub('s2', 'Mairie', { error: 'unreachable', refreshed_at: null }),
    ]);
    await ui.render(<SubscriptionsSection />);
    await vi.waitFor(() => expect(names()).toEqual(['Vacances scolaires', 'Mairie']));
    // The failing one says so, and why.
    const failing = found(ui.host.querySelectorAll('.cred')[1]);
    expect(failing.textContent).toContain('Not updated');
    expect(failing.textContent).toContain('could not be reached');
    expect(failing.textContent).toContain('Not read yet');

    await click(button('Update Mairie now'));
    expect(calls.refresh).toHaveBeenCalledWith('s2');

    await click(button('Rename Vacances scolaires'));
    typeInto(found(field('Name')), ' Vacances ');
    await click(button('Save'));
    expect(calls.rename).toHaveBeenCalledWith('s1', 'Vacances');
    await vi.waitFor(() => expect(names()).toEqual(['Vacances', 'Mairie']));

    await click(button('Unsubscribe from Mairie'));
    expect(calls.remove).not.toHaveBeenCalled();
    const dialog = found(document.querySelector<HTMLDialogElement>('dialog[open]'));
    expect(dialog.textContent).toContain('Unsubscribe from “Mairie”?');
    await click(button('Unsubscribe', dialog));
    expect(calls.remove).toHaveBeenCalledWith('s2');
    await vi.waitFor(() => expect(names()).toEqual(['Vacances']));
  });
});
