// /calendar and /calendar/:eid: the person's own view of their time, by
// month or week as a workspace's calendar is (CalendarScreen, workspace
// null): their personal calendar, which they write here (new events,
// Import and Export are its own), the calendars they subscribed to, every
// workspace calendar they read (an event there opens in its workspace's
// calendar) and the events they are invited to — armoured workspaces'
// calendars too, once this tab's keys are unlocked (the browser expands
// them: sealedAgenda.ts), read again when the keys change. Beside the
// grid, the list of calendars gives each its tone and shows or hides it.
import '../../styles/modules/calendar.css';
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { api, type CalendarOccurrence } from '../../api';
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
import { readHidden, sourceOf, sourcesOf, writeHidden, type SourceKey } from './logic/sources';
import { sealedOccurrences, useArmouredCalendars } from './sealedAgenda';
import { CalendarStore } from './store';

export default function MyCalendarPage({ params }: PageProps) {
  const me = useMe();
  const { workspaces } = useWorkspaces();
  const armoured = useArmouredCalendars();
  // The armoured calendars' share, read again when they come or go, when
  // the keys unlock, and when theirs change.
  const [store] = useState(() => new CalendarStore(null, me.id));
  const unlocked = useSyncExternalStore(identity.subscribe, () => identity.secrets(me.id) !== null);
  useEffect(() => {
    store.setOthers(
      armoured.length && unlocked ? (r) => sealedOccurrences(armoured, me.id, r.from, r.to) : null,
    );
  }, [store, armoured, me.id, unlocked]);
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
