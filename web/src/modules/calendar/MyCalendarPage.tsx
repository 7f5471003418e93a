// /calendar and /calendar/:eid: the person's own view of their time, by
// month or week as a workspace's calendar is (CalendarScreen, workspace
// null): their personal calendar, which they write here (new events,
// Import and Export are its own), the calendars they subscribed to, every
// workspace calendar they read (an event there opens in its workspace's
// calendar) and the events they are invited to — armoured workspaces'
// calendars too, once this tab's keys are unlocked (the browser expands
// them: sealedAgenda.ts), read again when the keys change — and the open
// tasks assigned to them, on the day (or at the time) they are due, each
// opening on its board. Beside the grid, the list of calendars gives each
// its tone and shows or hides it.
import '../../styles/modules/calendar.css';
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useState,
  useSyncExternalStore,
} from 'react';
import { api, type CalendarOccurrence, type Task } from '../../api';
import type { PageProps } from '../../app/routes';
import { identity } from '../../armour/identity';
import { onKeysChange } from '../../armour/keyring';
import { workspaceKeys } from '../../armour/keys';
import { useEvent } from '../../events';
import { useMe } from '../../session';
import { useAsync } from '../../util/useAsync';
import { useWorkspaces } from '../../workspaces';
import { CalendarScreen } from './CalendarPage';
import { CalendarSources } from './components/CalendarSources';
import { ToneContext } from './components/EventChip';
import {
  readHidden,
  sourceOf,
  sourcesOf,
  taskOccurrences,
  writeHidden,
  type SourceKey,
} from './logic/sources';
import { sealedOccurrences, useArmouredCalendars } from './sealedAgenda';
import { CalendarStore } from './store';

/** Tasks read for the grid: the open ones assigned to the person, soonest due first. */
const MAX_TASKS = 1000;
const DAY_MS = 86_400_000;

/**
 * The person's open tasks due around `range` (none when they cannot be
 * read): a day more on each side, a date being due from UTC midnight
 * (taskOccurrences keeps those of the range's local days).
 */
function myOpenTasks(range: { from: string; to: string }): Promise<Task[]> {
  const due = {
    from: new Date(Date.parse(range.from) - DAY_MS).toISOString(),
    to: new Date(Date.parse(range.to) + DAY_MS).toISOString(),
  };
  return api.tasks.mine({ status: ['todo', 'doing'], limit: MAX_TASKS, due }).catch(() => []);
}

export default function MyCalendarPage({ params }: PageProps) {
  const me = useMe();
  const { workspaces } = useWorkspaces();
  const armoured = useArmouredCalendars();
  // The armoured calendars' share, read again when they come or go, when
  // the keys unlock, and when theirs change.
  const [store] = useState(() => new CalendarStore(null, me.id));
  const unlocked = useSyncExternalStore(identity.subscribe, () => identity.secrets(me.id) !== null);
  // A layout effect: set before the grid's first reading (the screen's
  // own effects), which then has them, rather than read again after it.
  useLayoutEffect(() => {
    const sealed = armoured.length > 0 && unlocked;
    store.setOthers(async (r) => {
      const [tasks, opened] = await Promise.all([
        myOpenTasks(r),
        sealed ? sealedOccurrences(armoured, me.id, r.from, r.to) : [],
      ]);
      return [...taskOccurrences(tasks, r.from, r.to), ...opened];
    });
  }, [store, armoured, me.id, unlocked]);
  // The person's tasks change with the boards': read again after a burst.
  useEvent('task.*', () => store.loadSoon());
  useEffect(() => {
    if (!unlocked) return;
    const offs = armoured.map((w) =>
      onKeysChange(workspaceKeys(w.id, me.id), () => void store.load()),
    );
    return () => offs.forEach((off) => off());
  }, [store, armoured, me.id, unlocked]);

  // The subscriptions' names, read again when one changes.
  const followed = useAsync(() => api.calendar.subscriptions.list(), []);
  useEvent('calendar.changed', (f) => {
    if ((f.data as { calendar?: unknown } | undefined)?.calendar === 'subscription')
      void followed.reload();
  });
  const subscriptions = followed.data?.subscriptions;
  const sources = useMemo(
    () => sourcesOf(workspaces, subscriptions ?? []),
    [workspaces, subscriptions],
  );
  const toneOf = useMemo(() => {
    const tones = new Map(sources.map((s) => [s.key, s.tone]));
    return (o: CalendarOccurrence) => tones.get(sourceOf(o)) ?? null;
  }, [sources]);

  const [hidden, setHidden] = useState<ReadonlySet<SourceKey>>(() => readHidden(me.id));
  const toggle = useCallback(
    (key: SourceKey, shown: boolean) => {
      setHidden((was) => {
        const next = new Set(was);
        if (shown) next.delete(key);
        else next.add(key);
        writeHidden(me.id, next);
        return next;
      });
    },
    [me.id],
  );

  return (
    <ToneContext.Provider value={toneOf}>
      <CalendarScreen
        workspace={null}
        me={me}
        eventId={params.eid ?? null}
        store={store}
        hidden={hidden}
        side={<CalendarSources sources={sources} hidden={hidden} onToggle={toggle} />}
      />
    </ToneContext.Provider>
  );
}
