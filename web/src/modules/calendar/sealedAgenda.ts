// The person's agenda's share of armoured workspaces (docs/armoured.md,
// "Calendar"): the server leaves their calendars out of
// /me/calendar/events (it does not know when their events are), so the
// browser adds their instances itself, once this tab's keys are unlocked.
// Each calendar is read whole the first time, then only what changed
// after the version held (kept for the tab's life, forgotten at sign-out);
// its events are opened with the workspace's keys (each card once, until it
// or the keys change) and expanded for the range asked, those the person
// is invited to with their answer (as the server's occurrences have it:
// declined ones too; to an occurrence answered apart, that answer). A
// calendar that cannot be read (no read right, offline) adds nothing. The
// person answers its invitations from the agenda too (answerSealed). What
// a notice says of an armoured event (opened.ts) may come from the cards
// held here, as the agenda last read them, when no calendar shows it.
import {
  api,
  type CalendarAnswer,
  type CalendarEvent,
  type CalendarOccurrence,
  type SealedCalendarEvent,
  type Workspace,
} from '../../api';
import { useMemo } from 'react';
import { forgetOnSignOut, identity } from '../../armour/identity';
import { workspaceKeys } from '../../armour/keys';
import { useWorkspaces } from '../../workspaces';
import { expandEvents, type ExpandedEvent } from './logic/expand';
import { holdOpened } from './opened';
import { CalendarArmour, expandedOf, factsOf, readSealedChanges } from './sealed';

/**
 * An armoured calendar as read so far: its events by id, the version they
 * are at, and what opens them (which keeps each card opened until it or
 * the keys change: a burst of changes reopens only what changed).
 */
interface Held {
  me: string;
  version: number;
  events: Map<string, SealedCalendarEvent>;
  armour?: CalendarArmour;
}

const held = new Map<string, Held>();
const forgetHeld = () => held.clear();

/** Whether the cards held here answer for notices (once, for the tab's life). */
let holding = false;
function holdForNotices(): void {
  if (holding) return;
  holding = true;
  holdOpened((workspaceId, id) => {
    const h = held.get(workspaceId);
    const raw = h?.events.get(id);
    return raw && h?.armour ? factsOf(h.armour.open(raw)) : undefined;
  });
}

/** The armoured workspaces whose calendar the person may add to their agenda. */
export function armouredCalendars(workspaces: readonly Workspace[]): Workspace[] {
  return workspaces.filter((w) => w.armoured && w.modules.includes('calendar'));
}

/**
 * armouredCalendars() of the person's workspaces, the same list from one
 * render to the next while the same calendars are in it (whatever else of
 * the workspaces changed): what depends on it reads again only then.
 */
export function useArmouredCalendars(): Workspace[] {
  const { workspaces } = useWorkspaces();
  const ids = armouredCalendars(workspaces)
    .map((w) => w.id)
    .join(' ');
  return useMemo(
    () => armouredCalendars(workspaces),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the same calendars, whatever else changed
    [ids],
  );
}

/** One calendar brought up to date (read after the version held). */
async function update(workspaceId: string, me: string): Promise<Held> {
  let h = held.get(workspaceId);
  if (!h || h.me !== me) {
    h = { me, version: 0, events: new Map() };
    held.set(workspaceId, h);
  }
  const events = h.events;
  const version = await readSealedChanges(workspaceId, h.version, {
    onPage: (page) => {
      for (const e of page.events) {
        const was = events.get(e.id);
        if (!was || was.version < e.version) events.set(e.id, e);
      }
      for (const id of page.deleted) events.delete(id);
    },
    onReset: () => events.clear(),
  });
  if (version !== null) h.version = version;
  return h;
}

/**
 * The instances overlapping [from, to) (ISO instants) of the armoured
 * calendars of `workspaces` this tab can open: none while its keys are
 * locked.
 */
export async function sealedOccurrences(
  workspaces: readonly Workspace[],
  me: string,
  from: string,
  to: string,
): Promise<CalendarOccurrence[]> {
  const calendars = armouredCalendars(workspaces);
  if (calendars.length === 0 || identity.secrets(me) === null) return [];
  forgetOnSignOut(forgetHeld);
  holdForNotices();
  const lists = await Promise.all(
    calendars.map(async (w) => {
      try {
        const keys = workspaceKeys(w.id, me);
        if (!keys.getState().synced) await keys.sync();
        const h = await update(w.id, me);
        if (h.armour?.keys !== keys) h.armour = new CalendarArmour(w.id, keys);
        const armour = h.armour;
        await armour.checkAhead([...h.events.values()]);
        const opened: ExpandedEvent[] = [];
        for (const raw of h.events.values()) {
          const x = expandedOf(armour.open(raw), me);
          if (x) opened.push(x);
        }
        return expandEvents(opened, from, to);
      } catch {
        return [];
      }
    }),
  );
  return lists.flat();
}

/**
 * The person's answer to the invitation `eventId` of an armoured calendar:
 * to the series, or with `recurrenceId` to that occurrence alone, sealed
 * by them with their other answers apart as the server has them now
 * (CalendarArmour.answerApart). The event answered, as opened. Rejects
 * with the server's errors and answerApart's.
 */
export async function answerSealed(
  workspaceId: string,
  me: string,
  eventId: string,
  partstat: CalendarAnswer,
  recurrenceId: string | null,
): Promise<CalendarEvent> {
  const armour = new CalendarArmour(workspaceId, workspaceKeys(workspaceId, me));
  const answered =
    recurrenceId === null
      ? await api.calendar.sealed.reply(eventId, { partstat })
      : await armour.answerApart(
          armour.open(await api.calendar.sealed.get(eventId)),
          partstat,
          recurrenceId,
        );
  return armour.open(answered);
}
