// Invitations as people read them (English and French): each attendee's
// answer to the occurrence shown, said so where it differs from the
// series'; for the series, who answered some occurrences apart; and the
// invitee's choice of answering one occurrence or all of them (the same
// choice a writer makes for a change or a deletion).
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { CalendarAttendee, CalendarInstanceAnswer } from '../../../api';
import { mountPoint } from '../../../test/mount';
import type { OccurrenceScope } from '../logic/invitations';
import { EventPeople, ReplyButtons, ScopeChoice } from './Attendance';

const ui = mountPoint();

const MARCH_8 = '2027-03-08T09:00:00.000Z';
const MARCH_15 = '2027-03-15T09:00:00.000Z';
const ATTENDEES: CalendarAttendee[] = [
  { email: 'bob@ruche.test', name: 'Bob Durand', partstat: 'accepted' },
  { email: 'eve@example.org', name: '', partstat: 'tentative' },
  { email: 'zoe@ruche.test', name: 'Zoé Petit', partstat: 'needs-action' },
];
const APART: CalendarInstanceAnswer[] = [
  { recurrence_id: MARCH_8, email: 'bob@ruche.test', partstat: 'declined' },
  { recurrence_id: MARCH_15, email: 'bob@ruche.test', partstat: 'tentative' },
  { recurrence_id: MARCH_8, email: 'EVE@example.org', partstat: 'accepted' },
];

const people = () => [...ui.host.querySelectorAll('.cal-person')].map((p) => p.textContent?.trim());

async function showPeople(recurrenceId: string | null, locale: 'en' | 'fr' = 'en') {
  localStorage.setItem('ruche.locale', locale);
  await ui.render(
    <dl>
      <EventPeople
        organizer={null}
        attendees={ATTENDEES}
        apart={APART}
        recurrenceId={recurrenceId}
      />
    </dl>,
  );
}

describe('the attendees of a recurring event', () => {
  it('says each one’s answer to the occurrence shown, and where it differs from the series', async () => {
    await showPeople(MARCH_8);
    expect(people()).toEqual([
      'Bob Durand bob@ruche.test Declined this occurrence',
      'eve@example.org Accepted this occurrence',
      'Zoé Petit zoe@ruche.test Not answered',
    ]);
  });

  it('says the series’ answer for an occurrence nobody answered apart', async () => {
    await showPeople('2027-03-22T09:00:00.000Z');
    expect(people()).toEqual([
      'Bob Durand bob@ruche.test Accepted',
      'eve@example.org Maybe',
      'Zoé Petit zoe@ruche.test Not answered',
    ]);
  });

  it('counts, for the series, the occurrences each one answered apart', async () => {
    await showPeople(null);
    expect(people()).toEqual([
      'Bob Durand bob@ruche.test Accepted 2 occurrences answered apart',
      'eve@example.org Maybe 1 occurrence answered apart',
      'Zoé Petit zoe@ruche.test Not answered',
    ]);
  });

  it('says it in French too', async () => {
    await showPeople(MARCH_8, 'fr');
    expect(people()).toEqual([
      'Bob Durand bob@ruche.test A refusé cette occurrence',
      'eve@example.org A accepté cette occurrence',
      'Zoé Petit zoe@ruche.test Sans réponse',
    ]);
    await showPeople(null, 'fr');
    expect(people()).toEqual([
      'Bob Durand bob@ruche.test Accepté Réponses à part pour 2 occurrences',
      'eve@example.org Peut-être Réponse à part pour 1 occurrence',
      'Zoé Petit zoe@ruche.test Sans réponse',
    ]);
  });
});

describe('answering one occurrence or all of them', () => {
  it('offers the choice as labelled radios under a legend, and says which is chosen', async () => {
    const onChange = vi.fn<(s: OccurrenceScope) => void>();
    await ui.render(
      <ReplyButtons
        current="accepted"
        busy={null}
        onReply={() => undefined}
        scope={{ value: 'all', onChange }}
      />,
    );
    const scope = ui.host.querySelector('fieldset');
    expect(scope?.querySelector('legend')?.textContent).toBe('Answer for');
    const radios = [...(scope?.querySelectorAll<HTMLInputElement>('input[type="radio"]') ?? [])];
    expect(radios.map((r) => [r.closest('label')?.textContent, r.checked])).toEqual([
      ['This occurrence', false],
      ['All occurrences', true],
    ]);
    expect(new Set(radios.map((r) => r.name)).size).toBe(1);
    act(() => radios[0]?.click());
    expect(onChange).toHaveBeenCalledWith('one');
  });

  it('asks what a change is for under its own legend, among the scopes given, the choice made focused', async () => {
    const onChange = vi.fn<(s: OccurrenceScope) => void>();
    await ui.render(
      <ScopeChoice
        legend="Change"
        scopes={['one', 'following', 'all']}
        value="following"
        onChange={onChange}
        autoFocus
      />,
    );
    const scope = ui.host.querySelector('fieldset');
    expect(scope?.querySelector('legend')?.textContent).toBe('Change');
    const radios = [...(scope?.querySelectorAll<HTMLInputElement>('input[type="radio"]') ?? [])];
    expect(radios.map((r) => [r.closest('label')?.textContent, r.checked])).toEqual([
      ['This occurrence', false],
      ['This and following occurrences', true],
      ['All occurrences', false],
    ]);
    expect(new Set(radios.map((r) => r.name)).size).toBe(1);
    expect(document.activeElement).toBe(radios[1]);
    act(() => radios[2]?.click());
    expect(onChange).toHaveBeenCalledWith('all');
    act(() => radios[0]?.click());
    expect(onChange).toHaveBeenLastCalledWith('one');
  });

  it('says the scopes in French', async () => {
    localStorage.setItem('ruche.locale', 'fr');
    await ui.render(
      <ScopeChoice
        legend="Modifier"
        scopes={['one', 'following', 'all']}
        value="one"
        onChange={() => undefined}
      />,
    );
    expect([...ui.host.querySelectorAll('label')].map((l) => l.textContent)).toEqual([
      'Cette occurrence',
      'Celle-ci et les suivantes',
      'Toutes les occurrences',
    ]);
  });

  it('is not offered without an occurrence to answer apart', async () => {
    await ui.render(<ReplyButtons current="accepted" busy={null} onReply={() => undefined} />);
    expect(ui.host.querySelector('fieldset')).toBeNull();
    expect(ui.host.querySelectorAll('button')).toHaveLength(3);
  });
});
