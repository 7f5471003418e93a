// /w/:id/calendar and /w/:id/calendar/:eid: a workspace's shared calendar,
// by month or week (?view=week&date=2026-12-10 keeps the place across a
// reload), an event's details over it. One CalendarScreen stays mounted
// while events open and close (the route's stableKey), with its store and
// live subscriptions. "Export" downloads the calendar as one .ics file,
// "Import" adds an .ics file's events (ImportButton).
// Armoured workspaces open behind the armour gate (the
// person's keys are unlocked first); their events are opened and sealed in
// the browser (sealed.ts), which works out the occurrences shown.
// CalendarScreen also shows the person's own view (workspace null,
// MyCalendarPage): the occurrences of the calendars it gathers, but those
// hidden; new events, Import and Export are the personal calendar's, an
// event of a workspace opens in that workspace's calendar, and only the
// person's own events are changed there.
import '../../styles/modules/calendar.css';
import {
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import {
  isApiError,
  type CalendarEvent,
  type CalendarOccurrence,
  type Me,
  type Workspace,
} from '../../api';
import type { PageProps } from '../../app/routes';
import { GateIfArmoured } from '../../armour/ArmourGate';
import { useArmourText } from '../../armour/i18n';
import { workspaceKeys } from '../../armour/keys';
import { KeysStatus, useAwaitingKey } from '../../armour/KeysStatus';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { Alert, Spinner } from '../../components/Feedback';
import { useI18n } from '../../i18n';
import { Page } from '../../layout/Page';
import { ModuleGate, ModuleOff } from '../../pages/ModuleGate';
import { navigate, useSearchParams } from '../../router/router';
import { useToast } from '../../notifications/toasts';
import { useMe } from '../../session';
import { DayDialog } from './components/DayDialog';
import { useCalendarErrorText } from './errors';
import { EventDialog } from './components/EventDialog';
import { ImportButton } from './components/ImportButton';
import { MonthView, type GridProps } from './components/MonthView';
import { NewEventDialog } from './components/NewEventDialog';
import { SealedBadge, UnopenedEvents } from './components/Sealed';
import { Toolbar } from './components/Toolbar';
import { WeekView } from './components/WeekView';
import { useNow } from './hooks';
import {
  dayKey,
  isDayKey,
  rangeOf,
  samePeriod,
  shiftPeriod,
  visibleDays,
  type DayKey,
  type View,
} from './logic/dates';
import { emptyDraft, type EventDraft } from './logic/draft';
import { periodTitle } from './logic/format';
import { movedDay } from './logic/keys';
import { MAX_OCCURRENCES } from './logic/expand';
import { byDay } from './logic/layout';
import type { Moved } from './logic/move';
import {
  isTaskOccurrence,
  PERSONAL,
  sourceOf,
  visibleOccurrences,
  type SourceKey,
} from './logic/sources';
import { taskPath } from '../tasks/paths';
import { calendarFileUrl, calendarPath } from './paths';
import { CalendarArmour } from './sealed';
import { CalendarStore, EventChangedError } from './store';

export default function CalendarPage({ params }: PageProps) {
  const me = useMe();
  return (
    <ModuleGate workspaceId={params.id ?? ''} module="calendar">
      {(w) => (
        <GateIfArmoured workspace={w} userId={me.id}>
          <CalendarScreen key={w.id} workspace={w} me={me} eventId={params.eid ?? null} />
        </GateIfArmoured>
      )}
    </ModuleGate>
  );
}

/** The store of a screen: armoured, with the workspace's key manager. */
function storeOf(workspace: Workspace | null, me: Me): CalendarStore {
  if (!workspace) return new CalendarStore(null, me.id);
  const armour = workspace.armoured
    ? new CalendarArmour(workspace.id, workspaceKeys(workspace.id, me.id))
    : null;
  return new CalendarStore(workspace.id, me.id, undefined, armour);
}

/** The person's own view: only their own events are changed there (not invitations, nor subscriptions). */
function ownEvent(me: Me): (e: CalendarEvent) => boolean {
  return (e) => e.workspace_id === null && !e.subscription_id && e.created_by === me.id;
}

const NONE_HIDDEN: ReadonlySet<SourceKey> = new Set();

export function CalendarScreen({
  workspace,
  me,
  eventId,
  store: given,
  hidden = NONE_HIDDEN,
  side = null,
}: {
  /** Null: the person's own view (with `store`, made for it). */
  workspace: Workspace | null;
  me: Me;
  eventId: string | null;
  store?: CalendarStore;
  /** The person's own view: the calendars not shown (logic/sources.ts). */
  hidden?: ReadonlySet<SourceKey>;
  /** Beside the grid (the person's own view: the list of calendars). */
  side?: ReactNode;
}) {
  const { t, locale } = useI18n();
  const ta = useArmourText();
  const { toast } = useToast();
  const errorText = useCalendarErrorText();
  const ws = workspace?.id ?? null;
  const [store] = useState(() => given ?? storeOf(workspace, me));
  const read = useSyncExternalStore(store.subscribe, () => store.getState().occurrences);
  const occurrences = useMemo(() => visibleOccurrences(read, hidden), [read, hidden]);
  const shown = useSyncExternalStore(store.subscribe, () => store.getState().shown);
  const loaded = useSyncExternalStore(store.subscribe, () => store.getState().loaded);
  const failed = useSyncExternalStore(store.subscribe, () => store.getState().failed);
  const right = useSyncExternalStore(store.subscribe, () => store.getState().right);
  const archived = useSyncExternalStore(store.subscribe, () => store.getState().archived);
  const rightLoaded = useSyncExternalStore(store.subscribe, () => store.getState().rightLoaded);
  const events = useSyncExternalStore(store.subscribe, () => store.getState().events);
  const members = useSyncExternalStore(store.subscribe, () => store.getState().members);
  const canWrite = right === 'write' && !archived && !workspace?.archived;
  const keys = store.armour?.keys ?? null;
  // Armoured: nothing new is sealed while the workspace's current key has not come.
  const sealBlocked = useAwaitingKey(keys) ? ta('calendar.no_key') : null;
  const names = useMemo(() => new Map(members.map((m) => [m.user_id, m.name])), [members]);
  const formerMember = t('calendar.former_member');
  const eventList = useMemo(() => Object.values(events), [events]);

  const search = useSearchParams();
  const asView = search.get('view');
  const view: View = asView === 'week' || asView === 'day' ? asView : 'month';
  const asked = search.get('date') ?? '';
  const today = dayKey(useNow());
  const cursor = isDayKey(asked) ? asked : today;

  const [creating, setCreating] = useState<EventDraft | null>(null);
  const [dayShown, setDayShown] = useState<DayKey | null>(null);
  const [picked, setPicked] = useState<CalendarOccurrence | null>(null);
  /** A day to put the focus on once it is shown (keyboard moves, after a deletion). */
  const wantFocus = useRef<DayKey | null>(null);
  const gridArea = useRef<HTMLDivElement>(null);
  const hintId = useId();

  useEffect(() => {
    store.start();
    return () => store.stop();
  }, [store]);

  const range = rangeOf(view, cursor);
  useEffect(() => {
    void store.show({ from: range.from, to: range.to });
  }, [store, range.from, range.to]);

  const days = useMemo(() => visibleDays(view, cursor), [view, cursor]);
  const perDay = useMemo(() => byDay(occurrences, days), [occurrences, days]);
  const title = periodTitle(view, cursor, locale);

  /** Moves to a day (and view); `focus` puts the focus on it once shown. */
  const go = (day: DayKey, v: View = view, focus = false) => {
    if (focus) wantFocus.current = day;
    navigate(calendarPath(ws, { eventId, view: v, day }), { replace: true });
  };

  // After every render: the day asked for gets the focus once it is there.
  useEffect(() => {
    const day = wantFocus.current;
    const cell = day && gridArea.current?.querySelector<HTMLElement>(`[data-focus-day="${day}"]`);
    if (!cell) return;
    wantFocus.current = null;
    cell.focus();
  });

  const openEvent = (o: CalendarOccurrence | null, id: string | null, day?: DayKey) => {
    // The person's own view: a task opens on its board, a workspace's
    // event in its calendar.
    if (ws === null && o && isTaskOccurrence(o)) {
      navigate(taskPath(o.workspace_id ?? '', o.task_id));
      return;
    }
    if (ws === null && o?.workspace_id) {
      navigate(calendarPath(o.workspace_id, { eventId: o.event_id, view, day: day ?? cursor }));
      return;
    }
    setPicked(o);
    navigate(calendarPath(ws, { eventId: id, view, day: asked ? cursor : null }));
  };

  const newEvent = (day: DayKey, minutes?: number) => {
    setDayShown(null);
    setCreating(
      minutes === undefined ? emptyDraft(day, { allDay: true }) : emptyDraft(day, { minutes }),
    );
  };

  // Arrows on a day's button move the focus to another day (its period shown).
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    const day = (e.target as HTMLElement).getAttribute('data-focus-day');
    if (!day || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const moved = movedDay(e.key, day, view);
    if (!moved) return;
    e.preventDefault();
    go(moved, view, true);
  };

  // Dragged to another day or time: the event moved (one occurrence of a
  // recurring event alone), as its Edit would; said in a toast.
  const move = async (o: CalendarOccurrence, m: Moved) => {
    try {
      const saved = await store.move(o, m);
      toast({
        kind: 'success',
        title: t('calendar.moved', { title: saved.title.trim() || t('calendar.untitled') }),
      });
    } catch (e) {
      toast({
        kind: 'error',
        title: e instanceof EventChangedError ? t('calendar.move_changed') : errorText(e),
      });
    }
  };

  const grid: GridProps = {
    days,
    byDay: perDay,
    cursor,
    today,
    canWrite: canWrite && !sealBlocked,
    label: title,
    hintId,
    onKeyDown,
    onFocusDay: (day) => {
      if (day !== cursor && samePeriod(view, day, cursor)) go(day);
    },
    onOpen: (o, day) => openEvent(o, o.event_id, day),
    onCreate: newEvent,
    onShowDay: setDayShown,
    onPickDay: (day) => {
      if (canWrite && !sealBlocked) newEvent(day, view === 'month' ? undefined : 9 * 60);
      else setDayShown(day);
    },
    ...(canWrite && !sealBlocked ? { onMove: (o, m) => void move(o, m) } : {}),
    // The person's own view: only their own events move there.
    ...(ws === null ? { canMove: (o) => sourceOf(o) === PERSONAL } : {}),
  };

  const inView = shown?.from === range.from && shown.to === range.to;
  const none = inView && [...perDay.values()].every((l) => l.length === 0);
  const denied = !!workspace && isApiError(failed) && failed.status === 404;

  let body;
  if (denied && workspace) {
    body = <ModuleOff workspace={workspace} />;
  } else if (!loaded) {
    body = <Spinner label={t('common.loading')} />;
  } else {
    body = (
      <>
        <Toolbar
          view={view}
          title={title}
          onPrevious={() => go(shiftPeriod(view, cursor, -1))}
          onToday={() => go(today)}
          onNext={() => go(shiftPeriod(view, cursor, 1))}
          onView={(v) => go(cursor, v)}
        />
        {failed ? (
          <Alert kind="error" title={t('calendar.load_failed')}>
            <Button size="sm" onClick={() => void store.load()}>
              {t('conn.retry')}
            </Button>
          </Alert>
        ) : null}
        {read.length >= MAX_OCCURRENCES ? (
          // The server's bound (and the browser's, armoured): the later
          // days of the period would look empty without a word.
          <Alert kind="warning">{t(`calendar.too_many.${view}`)}</Alert>
        ) : null}
        <div className={side ? 'cal-with-side' : undefined}>
          {side}
          <div ref={gridArea} className="cal-area">
            {view === 'month' ? <MonthView {...grid} /> : <WeekView {...grid} />}
          </div>
        </div>
        <UnopenedEvents events={eventList} onOpen={(id) => openEvent(null, id)} />
        <p className="cal-status muted" role="status">
          {none ? t(`calendar.none.${view}`) : ''}
        </p>
        <p id={hintId} className="cal-hint muted">
          {t(canWrite ? 'calendar.grid_hint' : 'calendar.grid_hint_read')}
        </p>
      </>
    );
  }

  return (
    <div className="calendar">
      <Page
        title={workspace ? t('module.calendar.name') : t('calendar.mine.title')}
        subtitle={workspace?.name}
        actions={
          denied ? null : (
            <>
              {workspace?.armoured ? null : (
                // Every event as one .ics file (an armoured calendar's are
                // sealed: the server has no iCalendar of them).
                <a
                  className="btn btn--secondary"
                  href={calendarFileUrl(me.id, ws)}
                  download={`${workspace?.name ?? t('calendar.personal')}.ics`}
                  title={workspace ? undefined : t('calendar.mine.export_hint')}
                >
                  <Icon name="download" size={18} />
                  {t('calendar.export')}
                </a>
              )}
              {canWrite && !workspace?.armoured ? <ImportButton workspaceId={ws} /> : null}
              {canWrite ? (
                <Button
                  variant="primary"
                  icon="plus"
                  disabled={!!sealBlocked}
                  title={sealBlocked ?? undefined}
                  onClick={() => newEvent(samePeriod(view, today, cursor) ? today : cursor, 9 * 60)}
                >
                  {t('calendar.new')}
                </Button>
              ) : null}
            </>
          )
        }
      >
        {keys ? (
          <KeysStatus
            keys={keys}
            nameOf={(id) => names.get(id) ?? formerMember}
            className="cal-keys"
          />
        ) : null}
        {workspace?.armoured ? <SealedBadge /> : null}
        {rightLoaded && loaded && !denied && !canWrite ? (
          <p className="cal-readonly">
            {archived || workspace?.archived ? t('error.archived') : t('calendar.read_only')}
          </p>
        ) : null}
        {body}
      </Page>
      {creating ? (
        <NewEventDialog
          store={store}
          me={me}
          initial={creating}
          onClose={() => setCreating(null)}
        />
      ) : null}
      {dayShown ? (
        <DayDialog
          day={dayShown}
          occurrences={perDay.get(dayShown) ?? []}
          canWrite={canWrite}
          onOpen={(o) => {
            setDayShown(null);
            openEvent(o, o.event_id, dayShown);
          }}
          onCreate={() => newEvent(dayShown)}
          onClose={() => setDayShown(null)}
        />
      ) : null}
      {eventId ? (
        <EventDialog
          key={eventId}
          store={store}
          me={me}
          id={eventId}
          occurrence={picked}
          canWrite={ws === null ? ownEvent(me) : canWrite}
          sealBlocked={sealBlocked}
          onClose={() => openEvent(null, null)}
          onDone={() => {
            wantFocus.current = cursor;
            openEvent(null, null);
          }}
          onDuplicate={(d) => {
            openEvent(null, null);
            setCreating(d);
          }}
        />
      ) : null}
    </div>
  );
}
