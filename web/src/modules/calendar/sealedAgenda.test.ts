// The agenda's share of armoured workspaces, with Alice's real keys:
// nothing while her keys are locked, the instances of the days asked once
// they are unlocked, only what changed read the next time, the person's
// answer on the events they are invited to (to an occurrence answered
// apart, that one), a calendar that cannot be read adding nothing, and the
// person's answers sent from the agenda (one occurrence's sealed).
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, type SealedCalendarEvent, type Workspace } from '../../api';
import { createIdentity, type CreatedIdentity } from '../../armour/crypto';
import type { WorkspaceKeys } from '../../armour/keys';
import { loadCrypto } from '../../armour/load';
import { ALICE, WS, sealedEventRecord, soloKeys } from '../../test/soloKeyServer';
import { CalendarArmour } from './sealed';
import { openedFacts } from './opened';
import { answerSealed, sealedOccurrences } from './sealedAgenda';

/** Alice's key manager, and whether her keys are unlocked in the tab. */
const current = vi.hoisted(() => ({
  keys: null as WorkspaceKeys | null,
  secrets: null as unknown,
}));
vi.mock('../../armour/keys', async (original) => ({
  ...(await original<typeof import('../../armour/keys')>()),
  workspaceKeys: () => current.keys,
}));
vi.mock('../../armour/identity', async (original) => {
  const real = await original<typeof import('../../armour/identity')>();
  return {
    ...real,
    identity: { secrets: () => current.secrets, subscribe: () => () => undefined },
  };
});

const VAULT = { id: WS, name: 'Coffre', modules: ['calendar'], armoured: true } as Workspace;
const PLAIN = { id: 'plain', name: 'Chantier', modules: ['calendar'] } as Workspace;
const DAYS = { from: '2026-12-09T23:00:00.000Z', to: '2026-12-16T23:00:00.000Z' };

let alice: CreatedIdentity;
let armour: CalendarArmour;

beforeAll(async () => {
  process.env.TZ = 'Europe/Paris';
  await loadCrypto();
  alice = createIdentity(ALICE, 'alice passphrase');
});

beforeEach(async () => {
  current.keys = (await soloKeys(alice)).keys;
  current.secrets = alice.secrets;
  armour = new CalendarArmour(WS, current.keys);
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function weekly(id: string, title: string, version: number): Promise<SealedCalendarEvent> {
  const b = await armour.sealNew({
    title,
    start: '2026-12-01T09:00:00.000Z',
    end: '2026-12-01T10:00:00.000Z',
    timezone: 'Europe/Paris',
    rrule: 'FREQ=WEEKLY',
  });
  return sealedEventRecord(id, b, version);
}

describe('the agenda’s armoured calendars', () => {
  it('adds nothing while the keys are locked, nor for plain workspaces', async () => {
    const list = vi.spyOn(api.calendar.sealed, 'list');
    current.secrets = null;
    expect(await sealedOccurrences([VAULT, PLAIN], ALICE, DAYS.from, DAYS.to)).toEqual([]);
    current.secrets = alice.secrets;
    expect(await sealedOccurrences([PLAIN], ALICE, DAYS.from, DAYS.to)).toEqual([]);
    expect(list).not.toHaveBeenCalled();
  });

  it('adds the instances of the days asked, then reads only what changed', async () => {
    const a = await weekly('a', 'Point hebdo', 2);
    const list = vi
      .spyOn(api.calendar.sealed, 'list')
      .mockResolvedValueOnce({ events: [a], deleted: [], version: 2, more: false })
      .mockResolvedValueOnce({
        events: [await weekly('b', 'Revue', 3)],
        deleted: ['a'],
        version: 3,
        more: false,
      });
    const first = await sealedOccurrences([VAULT, PLAIN], ALICE, DAYS.from, DAYS.to);
    expect(first.map((o) => [o.event_id, o.workspace_id, o.title, o.start])).toEqual([
      ['a', WS, 'Point hebdo', '2026-12-15T09:00:00.000Z'],
    ]);
    const next = await sealedOccurrences([VAULT], ALICE, DAYS.from, DAYS.to);
    expect(list.mock.calls.map((c) => c[1])).toEqual([0, 2]);
    expect(next.map((o) => o.title)).toEqual(['Revue']);
  });

  it('answers for the notices of the events it holds (their cards as it last read them)', async () => {
    vi.spyOn(api.calendar.sealed, 'list').mockResolvedValueOnce({
      events: [await weekly('n', 'Comité', 20)],
      deleted: [],
      version: 20,
      more: false,
    });
    expect(openedFacts(WS, 'n')).toBeUndefined();
    await sealedOccurrences([VAULT], ALICE, DAYS.from, DAYS.to);
    expect(openedFacts(WS, 'n')).toEqual({
      title: 'Comité',
      start: '2026-12-01T09:00:00.000Z',
      end: '2026-12-01T10:00:00.000Z',
      all_day: false,
    });
    expect(openedFacts(WS, 'other')).toBeUndefined();
    expect(openedFacts('elsewhere', 'n')).toBeUndefined();
  });

  it('opens each card once: a reading with nothing new opens none, a change only its card', async () => {
    const keys = current.keys;
    if (!keys) throw new Error('no keys');
    const opens = vi.spyOn(keys, 'openEventCard');
    const c = await weekly('c', 'Atelier', 10);
    vi.spyOn(api.calendar.sealed, 'list')
      .mockResolvedValueOnce({ events: [c], deleted: [], version: 10, more: false })
      .mockResolvedValueOnce({ events: [], deleted: [], version: 10, more: false })
      .mockResolvedValueOnce({
        events: [await weekly('c', 'Atelier renommé', 11)],
        deleted: [],
        version: 11,
        more: false,
      });
    await sealedOccurrences([VAULT], ALICE, DAYS.from, DAYS.to);
    const first = opens.mock.calls.length;
    expect(first).toBeGreaterThan(0);
    await sealedOccurrences([VAULT], ALICE, DAYS.from, DAYS.to);
    expect(opens.mock.calls.length).toBe(first);
    const changed = await sealedOccurrences([VAULT], ALICE, DAYS.from, DAYS.to);
    expect(opens.mock.calls.length).toBe(first + 1);
    expect(changed.map((o) => o.title)).toContain('Atelier renommé');
  });

  it('says the person’s answer on the events they are invited to, declined ones included', async () => {
    const bob = { user_id: 'bob', email: 'bob@ruche.test', name: 'Bob' };
    const alice = { user_id: ALICE, email: 'alice@ruche.test', name: 'Alice Martin' };
    const invited = (id: string, partstat: 'needs-action' | 'declined', version: number) =>
      weekly(id, id, version).then((e) => ({
        ...e,
        organizer: bob,
        attendees: [{ ...alice, partstat }],
      }));
    vi.spyOn(api.calendar.sealed, 'list').mockResolvedValue({
      events: [
        await invited('asked', 'needs-action', 2),
        await invited('declined', 'declined', 3),
        // Bob's, inviting someone else; and her own, inviting Bob.
        { ...(await weekly('other', 'other', 4)), attendees: [{ ...bob, partstat: 'accepted' }] },
        { ...(await weekly('mine', 'mine', 5)), organizer: alice },
      ],
      deleted: [],
      version: 5,
      more: false,
    });
    const list = await sealedOccurrences([VAULT], ALICE, DAYS.from, DAYS.to);
    expect(Object.fromEntries(list.map((o) => [o.event_id, o.partstat]))).toEqual({
      asked: 'needs-action',
      declined: 'declined',
      other: null,
      mine: null,
    });
  });

  const aliceAt = { user_id: ALICE, email: 'alice@ruche.test', name: 'Alice Martin' };
  const bobAt = { user_id: 'bob', email: 'bob@ruche.test', name: 'Bob' };
  /** A daily event at 10:00 in Paris from 10 December, Alice invited (accepted), her answers apart `apart`. */
  async function daily(apart: { recurrence_id: string; partstat: 'declined' | 'tentative' }[]) {
    const b = await armour.sealNew({
      title: 'Café',
      start: '2026-12-10T09:00:00.000Z',
      end: '2026-12-10T09:15:00.000Z',
      timezone: 'Europe/Paris',
      rrule: 'FREQ=DAILY',
    });
    const keys = current.keys as WorkspaceKeys;
    const sealed_answers = apart.length ? await keys.sealEventAnswers(b.token, apart) : undefined;
    return {
      ...sealedEventRecord('d', b, 2),
      organizer: bobAt,
      attendees: [{ ...aliceAt, partstat: 'accepted' as const, sealed_answers }],
    };
  }

  it('says the person’s answer to an occurrence they answered apart on that one', async () => {
    const d = await daily([{ recurrence_id: '2026-12-12T09:00:00.000Z', partstat: 'declined' }]);
    vi.spyOn(api.calendar.sealed, 'list').mockResolvedValue({
      events: [d],
      deleted: [],
      version: 2,
      more: false,
    });
    const list = await sealedOccurrences([VAULT], ALICE, DAYS.from, '2026-12-13T23:00:00.000Z');
    expect(list.map((o) => [o.start, o.partstat])).toEqual([
      ['2026-12-10T09:00:00.000Z', 'accepted'],
      ['2026-12-11T09:00:00.000Z', 'accepted'],
      ['2026-12-12T09:00:00.000Z', 'declined'],
      ['2026-12-13T09:00:00.000Z', 'accepted'],
    ]);
  });

  it('answers from the agenda: the series in clear, one occurrence sealed with the answers apart the server has', async () => {
    const keys = current.keys as WorkspaceKeys;
    const d = await daily([{ recurrence_id: '2026-12-12T09:00:00.000Z', partstat: 'declined' }]);
    const get = vi.spyOn(api.calendar.sealed, 'get').mockResolvedValue(d);
    const reply = vi.spyOn(api.calendar.sealed, 'reply').mockImplementation(async (_id, b) => ({
      ...d,
      version: 3,
      attendees: [
        { ...aliceAt, partstat: 'accepted', sealed_answers: b.sealed_answers ?? undefined },
      ],
    }));

    const answered = await answerSealed(WS, ALICE, 'd', 'tentative', '2026-12-14T09:00:00.000Z');
    expect(get).toHaveBeenCalledExactlyOnceWith('d');
    const [id, body] = reply.mock.lastCall ?? [];
    expect([id, Object.keys(body ?? {})]).toEqual(['d', ['sealed_answers']]);
    expect(keys.openEventAnswers(d.token, body?.sealed_answers ?? '', ALICE)).toMatchObject({
      kind: 'open',
      value: [
        { recurrence_id: '2026-12-12T09:00:00.000Z', partstat: 'declined' },
        { recurrence_id: '2026-12-14T09:00:00.000Z', partstat: 'tentative' },
      ],
    });
    expect(answered).toMatchObject({ id: 'd', title: 'Café', version: 3 });
    expect(answered.instance_answers).toHaveLength(2);

    await answerSealed(WS, ALICE, 'd', 'declined', null);
    expect(reply.mock.lastCall).toEqual(['d', { partstat: 'declined' }]);
    expect(get).toHaveBeenCalledTimes(1);
  });

  it('a calendar that cannot be read adds nothing', async () => {
    vi.spyOn(api.calendar.sealed, 'list').mockRejectedValue(new ApiError(404, 'not_found', ''));
    const other = { ...VAULT, id: 'other' };
    expect(await sealedOccurrences([other], ALICE, DAYS.from, DAYS.to)).toEqual([]);
  });
});
