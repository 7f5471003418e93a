// Events of an armoured workspace's calendar: cards sealed in Alice's
// browser and opened again (round trips, the spec's bytes), what does not
// open (another event's token, another author, another domain, a changed
// byte, a card over the limits or with a rule outside the grammar), the
// limits checked before sealing, a change sealed over the facts opened,
// who is invited kept in clear beside the card (members by id, with their
// answers), and each attendee's answers to single occurrences opened with
// their keys (those that do not check, or name no instance, left out).
import sodium from 'libsodium-wrappers-sumo';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, isApiError, type SealedCalendarEvent } from '../../api';
import { createIdentity, sealEventAnswers, type CreatedIdentity } from '../../armour/crypto';
import {
  eventCardAd,
  isArmourError,
  parseBody,
  taskTextAd,
  type EventAnswer,
} from '../../armour/format';
import type { WorkspaceKeys } from '../../armour/keys';
import { loadCrypto } from '../../armour/load';
import { ALICE, WS, soloKeys } from '../../test/soloKeyServer';
import { CalendarArmour, expandedOf, isSealedEvent, openedOf, sealableCard } from './sealed';

const TOKEN = 'q5e0VJk3n1Zr7aQmYyH9xA';
const OTHER = 'Zm9vYmFyYmF6cXV4MTIzNA';
const BOB = '01HZBOB00000000000000000B0';
const JULES = '01HZJULES000000000000000J0';

let alice: CreatedIdentity;
let bob: CreatedIdentity;
let jules: CreatedIdentity;
let keys: WorkspaceKeys;
let calendar: CalendarArmour;

beforeAll(async () => {
  await loadCrypto();
  alice = createIdentity(ALICE, 'alice passphrase');
  bob = createIdentity(BOB, 'bob passphrase');
  jules = createIdentity(JULES, 'jules passphrase');
});

beforeEach(async () => {
  // Bob is a member too: what he signs checks.
  ({ keys } = await soloKeys(alice, { [BOB]: bob }));
  calendar = new CalendarArmour(WS, keys);
});

afterEach(() => {
  vi.restoreAllMocks();
});

const b64 = (bytes: Uint8Array) =>
  sodium.to_base64(bytes, sodium.base64_variants.URLSAFE_NO_PADDING);

/** A card sealed by hand, as any browser could (no limits checked), under `ad` (the event's by default). */
function sealRaw(
  plaintext: string,
  o: { token?: string; author?: string; signer?: CreatedIdentity; ad?: string } = {},
): string {
  const key = keys.key(1) as Uint8Array;
  const ad = o.ad ?? eventCardAd(WS, o.token ?? TOKEN, o.author ?? ALICE, 1);
  const nonce = sodium.randombytes_buf(24);
  const ct = b64(
    sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key),
  );
  const signed = `${ad}\n${b64(nonce)}\n${ct}`;
  const sig = b64(sodium.crypto_sign_detached(signed, (o.signer ?? alice).secrets.signSecretKey));
  return `e2e1:1:${b64(nonce)}:${ct}:${sig}`;
}

const CARD = {
  title: 'Revue',
  description: 'Le budget',
  location: 'Salle 2',
  start: '2026-12-10T08:00:00.000Z',
  end: '2026-12-10T09:00:00.000Z',
  all_day: false,
  timezone: 'Europe/Paris',
  rrule: 'FREQ=WEEKLY;COUNT=10',
};

/** An event as the server lists it in an armoured workspace: nothing in clear. */
function rawEvent(o: Partial<SealedCalendarEvent> = {}): SealedCalendarEvent {
  return {
    id: 'e1',
    workspace_id: WS,
    kind: 'event',
    token: TOKEN,
    sealed: sealRaw(JSON.stringify(CARD)),
    sealed_by: ALICE,
    created_by: ALICE,
    created_at: '2026-12-01T10:00:00.000Z',
    updated_at: '2026-12-01T10:00:00.000Z',
    version: 3,
    ...o,
  };
}

describe('the spec’s bytes (docs/armoured.md, "Calendar")', () => {
  it('a card is e2e1 under the workspace key, its AD and signature the spec’s, its plaintext the JSON', async () => {
    const b = await calendar.sealNew(
      {
        title: ' Revue ',
        location: ' Salle 2 ',
        description: 'Le budget',
        start: CARD.start,
        end: CARD.end,
        all_day: false,
        timezone: 'Europe/Paris',
        rrule: 'FREQ=WEEKLY;COUNT=10',
      },
      TOKEN,
    );
    expect(b.token).toBe(TOKEN);
    const p = parseBody(b.sealed);
    expect(p).toMatchObject({ version: 1, key: 1 });
    const ad = `ruche-calendar-event-v1\n${WS}\n${TOKEN}\n${ALICE}\n1`;
    expect(eventCardAd(WS, TOKEN, ALICE, 1)).toBe(ad);
    const from = (s: string) => sodium.from_base64(s, sodium.base64_variants.URLSAFE_NO_PADDING);
    const signed = `${ad}\n${p?.nonce}\n${p?.ciphertext}`;
    expect(
      sodium.crypto_sign_verify_detached(from(p?.signature ?? ''), signed, from(alice.sign_public)),
    ).toBe(true);
    const plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      from(p?.ciphertext ?? ''),
      ad,
      from(p?.nonce ?? ''),
      keys.key(1) as Uint8Array,
      'text',
    );
    expect(JSON.parse(plain)).toEqual(CARD);
    expect(Object.keys(JSON.parse(plain))).toEqual([
      'title',
      'description',
      'location',
      'start',
      'end',
      'all_day',
      'timezone',
      'rrule',
    ]);
  });
});

describe('round trips', () => {
  it('a new event: a fresh token, its card sealed, opened as a plain event without invitations', async () => {
    const b = await calendar.sealNew({
      title: 'Inventaire',
      start: '2026-12-14',
      end: '2026-12-16',
      all_day: true,
      rrule: 'FREQ=YEARLY',
    });
    expect(b.token).toMatch(/^[A-Za-z0-9_-]{21}[AQgw]$/);
    expect(Object.keys(b).sort()).toEqual(['sealed', 'token']);
    expect(JSON.stringify(b)).not.toMatch(/Inventaire|2026-12-14|YEARLY/);
    const shown = calendar.open(rawEvent({ token: b.token, sealed: b.sealed }));
    expect(shown).toMatchObject({
      id: 'e1',
      kind: 'event',
      title: 'Inventaire',
      description: '',
      location: '',
      start: '2026-12-14',
      end: '2026-12-16',
      all_day: true,
      timezone: null,
      rrule: 'FREQ=YEARLY',
      recurring: true,
      organizer: null,
      attendees: [],
      version: 3,
      opened: { token: b.token, card: { kind: 'open', verified: true } },
    });
  });

  it('opens an event once per key change, and keeps the server’s event inside', () => {
    const raw = rawEvent();
    const shown = calendar.open(raw);
    expect(calendar.open(raw)).toBe(shown);
    expect(openedOf(shown)?.raw).toBe(raw);
    expect(isSealedEvent(raw)).toBe(true);
    expect(isSealedEvent({ id: 'e1', title: 'Revue' })).toBe(false);
  });

  it('a change seals a new card over the facts opened, for the same token', async () => {
    const shown = calendar.open(rawEvent());
    const sealed = await calendar.sealChange(shown, { title: 'Revue annuelle', rrule: null });
    const again = calendar.open(rawEvent({ sealed, version: 4 }));
    expect(again).toMatchObject({
      title: 'Revue annuelle',
      description: 'Le budget',
      location: 'Salle 2',
      start: CARD.start,
      timezone: 'Europe/Paris',
      rrule: null,
      recurring: false,
    });
  });
});

describe('what does not open', () => {
  const kind = (raw: SealedCalendarEvent) => openedOf(calendar.open(raw))?.card.kind;

  it('another event’s card, moved here', () => {
    expect(kind(rawEvent({ sealed: sealRaw(JSON.stringify(CARD), { token: OTHER }) }))).toBe(
      'bad_signature',
    );
  });

  it('a card said to be someone else’s, or signed by someone else', () => {
    expect(kind(rawEvent({ sealed_by: BOB }))).not.toBe('open');
    const forged = sealRaw(JSON.stringify(CARD), { signer: bob });
    expect(kind(rawEvent({ sealed: forged }))).toBe('bad_signature');
  });

  it('a task’s card (another domain), a changed byte', () => {
    const task = sealRaw(JSON.stringify(CARD), { ad: taskTextAd('card', WS, TOKEN, ALICE, 1) });
    expect(kind(rawEvent({ sealed: task }))).toBe('bad_signature');
    const raw = rawEvent();
    const ct = parseBody(raw.sealed)?.ciphertext ?? '';
    const flipped = `${ct.slice(0, 3)}${ct[3] === 'A' ? 'B' : 'A'}${ct.slice(4)}`;
    expect(kind(rawEvent({ sealed: raw.sealed.replace(ct, flipped) }))).toBe('bad_signature');
  });

  it('a card over the limits, or whose rule or times are not the grammar’s', () => {
    const bad = (o: object) =>
      kind(rawEvent({ sealed: sealRaw(JSON.stringify({ ...CARD, ...o })) }));
    expect(bad({ title: '' })).toBe('unreadable');
    expect(bad({ title: 'x'.repeat(301) })).toBe('unreadable');
    expect(bad({ location: 'a\nb' })).toBe('unreadable');
    expect(bad({ description: 'x'.repeat(20_001) })).toBe('unreadable');
    expect(bad({ rrule: 'FREQ=WEEKLY;BYDAY=MO' })).toBe('unreadable');
    expect(bad({ rrule: 'FREQ=HOURLY' })).toBe('unreadable');
    expect(bad({ rrule: 'FREQ=DAILY;COUNT=2;UNTIL=20261231' })).toBe('unreadable');
    expect(bad({ rrule: 'FREQ=DAILY;INTERVAL=1001' })).toBe('unreadable');
    expect(bad({ end: '2026-12-10T07:00:00.000Z' })).toBe('unreadable');
    expect(bad({ all_day: true })).toBe('unreadable');
    expect(bad({ timezone: 'Europe Paris' })).toBe('unreadable');
    expect(bad({ start: '2026-02-30T08:00:00.000Z' })).toBe('unreadable');
    expect(kind(rawEvent({ sealed: sealRaw('{"title":"Revue"}') }))).toBe('unreadable');
    // A card from a later browser: its other fields ignored, the missing texts empty.
    const later = { ...CARD, colour: 'red', description: undefined };
    expect(bad(later)).toBe('open');
  });
});

describe('what is sealed', () => {
  const base = { title: 'Revue', start: CARD.start, end: CARD.end };
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return isApiError(e) ? e.code : String(e);
    }
    return null;
  };

  it('is checked first, with the server’s codes', () => {
    expect(code(() => sealableCard({ ...base, title: '  ' }))).toBe('invalid_title');
    expect(code(() => sealableCard({ ...base, location: 'x'.repeat(301) }))).toBe(
      'invalid_location',
    );
    expect(code(() => sealableCard({ ...base, end: '2026-12-10T07:00:00.000Z' }))).toBe(
      'invalid_time',
    );
    expect(code(() => sealableCard({ ...base, timezone: '' }))).toBe('invalid_timezone');
    expect(code(() => sealableCard({ ...base, rrule: 'FREQ=WEEKLY;BYDAY=MO,WE' }))).toBe(
      'invalid_rrule',
    );
    expect(
      sealableCard({ ...base, rrule: 'FREQ=DAILY;INTERVAL=2;UNTIL=20261231T225959Z' }),
    ).toMatchObject({ title: 'Revue', description: '', location: '', timezone: null });
  });

  it('a change of an event whose card does not open is refused (it would lose what it holds)', async () => {
    const shown = calendar.open(rawEvent({ sealed_by: BOB }));
    await expect(calendar.sealChange(shown, { title: 'x' })).rejects.toSatisfy((e) =>
      isArmourError(e, 'unreadable'),
    );
  });
});

describe('who is invited', () => {
  const people = {
    organizer: { user_id: ALICE, email: 'alice@ruche.test', name: 'Alice Martin' },
    attendees: [
      { user_id: BOB, email: 'bob@ruche.test', name: 'Bob', partstat: 'accepted' as const },
      { user_id: JULES, email: 'jules@ruche.test', name: '', partstat: 'declined' as const },
    ],
  };

  it('a new event names the members it invites by id beside its card, never the caller', async () => {
    const b = await calendar.sealNew({
      title: 'Revue',
      start: CARD.start,
      end: CARD.end,
      attendees: [{ user_id: BOB }, { user_id: ALICE }, { user_id: JULES }],
    });
    expect(b.attendees).toEqual([{ user_id: BOB }, { user_id: JULES }]);
    await expect(
      calendar.sealNew({ ...CARD, attendees: [{ email: 'guest@example.org' }] }),
    ).rejects.toSatisfy((e) => isApiError(e, 'invalid_attendees'));
  });

  it('a change of the people alone seals nothing; with a fact changed, both go', async () => {
    const shown = calendar.open(rawEvent(people));
    expect(await calendar.changeOf(shown, { attendees: [{ user_id: JULES }] })).toEqual({
      attendees: [{ user_id: JULES }],
    });
    const both = await calendar.changeOf(shown, { title: 'Revue 2', attendees: [] });
    expect(both).toEqual({ attendees: [], sealed: expect.stringMatching(/^e2e1:1:/) });
    expect(calendar.open(rawEvent({ sealed: both.sealed, version: 4 })).title).toBe('Revue 2');
    expect(await calendar.changeOf(shown, { location: 'Salle 3' })).toEqual({
      sealed: expect.any(String),
    });
  });

  it('an event is shown with its organizer and attendees and their answers; the caller’s answer is on its occurrences', () => {
    const shown = calendar.open(rawEvent(people));
    expect(shown).toMatchObject({ organizer: people.organizer, attendees: people.attendees });
    expect(expandedOf(shown, JULES)).toMatchObject({ id: 'e1', partstat: 'declined' });
    expect(expandedOf(shown, ALICE)?.partstat).toBeNull();
    expect(expandedOf(calendar.open(rawEvent({ ...people, sealed_by: BOB })), BOB)).toBeNull();
  });
});

describe('answers to single occurrences', () => {
  const bobAt = { user_id: BOB, email: 'bob@ruche.test', name: 'Bob' };
  const aliceAt = { user_id: ALICE, email: 'alice@ruche.test', name: 'Alice Martin' };
  /** Answers sealed by `who` (by default the attendee `attendee`) for the event `token`. */
  const answers = (
    attendee: string,
    list: EventAnswer[],
    o: { who?: CreatedIdentity; token?: string } = {},
  ) =>
    sealEventAnswers(
      keys.key(1) as Uint8Array,
      1,
      WS,
      o.token ?? TOKEN,
      attendee,
      list,
      (o.who ?? (attendee === ALICE ? alice : bob)).secrets.signSecretKey,
    );
  const DEC17 = '2026-12-17T08:00:00.000Z';
  const DEC24 = '2026-12-24T08:00:00.000Z';

  it('shows each attendee’s answers opened with their keys, and the caller’s on their occurrences', () => {
    const shown = calendar.open(
      rawEvent({
        organizer: { user_id: JULES, email: 'jules@ruche.test', name: 'Jules' },
        attendees: [
          {
            ...bobAt,
            partstat: 'accepted',
            sealed_answers: answers(BOB, [{ recurrence_id: DEC17, partstat: 'declined' }]),
          },
          {
            ...aliceAt,
            partstat: 'tentative',
            sealed_answers: answers(ALICE, [
              // However the instant is written.
              { recurrence_id: '2026-12-24T09:00:00+01:00', partstat: 'accepted' },
            ]),
          },
        ],
      }),
    );
    expect(shown.instance_answers).toEqual([
      { recurrence_id: DEC17, email: 'bob@ruche.test', partstat: 'declined' },
      {
        recurrence_id: '2026-12-24T09:00:00+01:00',
        email: 'alice@ruche.test',
        partstat: 'accepted',
      },
    ]);
    const mine = expandedOf(shown, ALICE);
    expect(mine?.partstat).toBe('tentative');
    expect([...(mine?.answers ?? [])]).toEqual([[Date.parse(DEC24), 'accepted']]);
    expect(expandedOf(shown, BOB)?.answers?.get(Date.parse(DEC17))).toBe('declined');
    expect(expandedOf(shown, JULES)?.answers).toBeUndefined();
  });

  it('leaves out answers that do not check, are another event’s, or name no instance', () => {
    const attendee = (sealed_answers: string, who = bobAt) => ({
      ...who,
      partstat: 'accepted' as const,
      sealed_answers,
    });
    const one = [{ recurrence_id: DEC17, partstat: 'declined' as const }];
    const shown = calendar.open(
      rawEvent({
        attendees: [
          // Sealed by Alice in Bob's name; another event's; a member's whose keys are not known.
          attendee(answers(BOB, one, { who: alice })),
          attendee(answers(BOB, one, { token: OTHER })),
          attendee(answers(JULES, one, { who: jules }), {
            user_id: JULES,
            email: 'jules@ruche.test',
            name: 'Jules',
          }),
          // 09:30 is no start of the rule; the eleventh week is past COUNT; a date is not an instant.
          attendee(
            answers(ALICE, [
              { recurrence_id: '2026-12-17T08:30:00.000Z', partstat: 'declined' },
              { recurrence_id: '2027-02-18T08:00:00.000Z', partstat: 'declined' },
              { recurrence_id: '2026-12-24', partstat: 'declined' },
              { recurrence_id: DEC24, partstat: 'tentative' },
            ]),
            aliceAt,
          ),
        ],
      }),
    );
    expect(shown.instance_answers).toEqual([
      { recurrence_id: DEC24, email: 'alice@ruche.test', partstat: 'tentative' },
    ]);
    expect([...(expandedOf(shown, ALICE)?.answers?.keys() ?? [])]).toEqual([Date.parse(DEC24)]);
    expect(expandedOf(shown, BOB)?.answers).toBeUndefined();
    // The answers held, by attendee: only what checked and names an instance.
    expect(openedOf(shown)?.answers).toEqual({
      [ALICE]: [{ recurrence_id: DEC24, partstat: 'tentative' }],
    });
  });

  it('refuses to send more answers apart than a text holds: 1,000, and 64 KiB sealed', async () => {
    const daily = await calendar.sealNew(
      { title: 'Café', start: CARD.start, end: CARD.end, rrule: 'FREQ=DAILY' },
      TOKEN,
    );
    const day = (n: number) => new Date(Date.parse(CARD.start) + n * 86_400_000).toISOString();
    const mine = (n: number) =>
      calendar.open(
        rawEvent({
          sealed: daily.sealed,
          attendees: [
            {
              ...aliceAt,
              partstat: 'accepted',
              sealed_answers: answers(
                ALICE,
                Array.from({ length: n }, (_, i) => ({
                  recurrence_id: day(i),
                  partstat: 'declined',
                })),
              ),
            },
          ],
        }),
      );
    const reply = vi.spyOn(api.calendar.sealed, 'reply');
    for (const n of [1000, 900]) {
      const shown = mine(n);
      expect(shown.instance_answers).toHaveLength(n);
      await expect(calendar.answerApart(shown, 'tentative', day(n))).rejects.toSatisfy((e) =>
        isApiError(e, 'too_many_answers'),
      );
    }
    expect(reply).not.toHaveBeenCalled();
  });
});
