// "Agenda" on the workspaces page: the next 7 days (today included) of
// every calendar the person reads and of the events they are invited to,
// in one call (GET /me/calendar/events), by day, each entry a link to its
// workspace's calendar at that day (the personal calendar's and the
// subscriptions', to the person's own calendar page); an invitation
// not accepted says its answer ("Not answered", "Maybe", "Declined").
// Every invitation has the answers (Accept, Maybe, Decline), shown at once
// on its entry (an entry's answer is the one to that occurrence; on an
// occurrence of a recurring event, an answer clicked asks first whether it
// is for that occurrence or for the whole series, which would also replace
// the answers given to single occurrences); one
// whose calendar the person cannot open (another workspace's, the
// organizer's personal calendar) opens its details here (InvitationDialog),
// where one occurrence of a recurring event can be answered alone. Kept
// fresh by the live calendar events, the workspaces' and the notices to
// this person alike (invited, no longer, answered: they name no workspace).
// Armoured workspaces' calendars are not in that call: the browser adds
// their instances itself once this tab's keys are unlocked (sealedAgenda.ts),
// again when the keys change; an answer to one occurrence there is sealed
// by the person, with their other answers apart.
// A subscription's entries (a calendar published elsewhere, read only)
// name their subscription.
// Shown by the workspaces page; nothing if the calendars cannot be read,
// nor where no workspace has the calendar, nobody invites the person and
// they follow no calendar.
import '../../../styles/modules/calendar.css';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import {
  api,
  type CalendarAnswer,
  type CalendarEvent,
  type CalendarOccurrence,
  type Workspace,
} from '../../../api';
import { identity } from '../../../armour/identity';
import { onKeysChange } from '../../../armour/keyring';
import { workspaceKeys } from '../../../armour/keys';
import { Tag } from '../../../components/Feedback';
import { useEvent } from '../../../events';
import { useI18n } from '../../../i18n';
import { Section } from '../../../layout/Page';
import { useToast } from '../../../notifications/toasts';
import { Link } from '../../../router/router';
import { useMe } from '../../../session';
import { useAsync } from '../../../util/useAsync';
import { useWorkspaces } from '../../../workspaces';
import { useCalendarErrorText } from '../errors';
import { addDays, dayKey, dayStart, type DayKey } from '../logic/dates';
import { capitalized, formatTimeRange, shortDayLabel } from '../logic/format';
import { answerClass, knownPartstat, withAnswer } from '../logic/invitations';
import { compareOccurrences, daysOf, inAllDayRow } from '../logic/layout';
import { calendarsOpened } from '../logic/notices';
import { calendarPath } from '../paths';
import { answerSealed, sealedOccurrences, useArmouredCalendars } from '../sealedAgenda';
import { PartstatTag, ReplyButtons } from './Attendance';
import { InvitationDialog } from './InvitationDialog';

/** Days shown, today included. */
export const AGENDA_DAYS = 7;
/** Entries listed; the rest are counted. */
export const AGENDA_SHOWN = 10;

/** The first `max` entries of the days, and how many were left out. */
export function firstEntries<T extends { items: readonly unknown[] }>(
  days: readonly T[],
  max: number,
): { days: T[]; left: number } {
  const out: T[] = [];
  let room = max;
  let left = 0;
  for (const d of days) {
    const items = d.items.slice(0, Math.max(0, room));
    room -= items.length;
    left += d.items.length - items.length;
    if (items.length) out.push({ ...d, items });
  }
  return { days: out, left };
}

/** The occurrences of the days from `today`, each on the first of them it covers, by day. */
export function agendaDays(
  list: readonly CalendarOccurrence[],
  today: DayKey,
  days = AGENDA_DAYS,
): { day: DayKey; items: CalendarOccurrence[] }[] {
  const last = addDays(today, days - 1);
  const out = new Map<DayKey, CalendarOccurrence[]>();
  for (const o of list) {
    const span = daysOf(o);
    if (!span || span.last < today || span.first > last) continue;
    const day = span.first < today ? today : span.first;
    out.set(day, [...(out.get(day) ?? []), o]);
  }
  return [...out.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([day, items]) => ({ day, items: items.sort(compareOccurrences) }));
}

/**
 * The next days' occurrences: the server's, and those of the armoured
 * calendars opened here; with the names of the subscriptions they come
 * from, when some do.
 */
async function nextDays(
  armoured: readonly Workspace[],
  me: string,
): Promise<{ today: DayKey; list: CalendarOccurrence[]; subscriptions: Map<string, string> }> {
  const today = dayKey(new Date());
  const from = dayStart(today).toISOString();
  const to = dayStart(addDays(today, AGENDA_DAYS)).toISOString();
  const [mine, sealed] = await Promise.all([
    api.calendar.mine(from, to),
    sealedOccurrences(armoured, me, from, to),
  ]);
  const subscriptions = new Map<string, string>();
  if (mine.some((o) => o.subscription_id)) {
    const followed = await api.calendar.subscriptions.list().catch(() => null);
    for (const s of followed?.subscriptions ?? []) subscriptions.set(s.id, s.name);
  }
  return { today, list: [...mine, ...sealed], subscriptions };
}

/** The answer being sent to an invitation. */
interface Replying {
  id: string;
  answer: CalendarAnswer;
}

export default function Agenda() {
  const { t, locale } = useI18n();
  const me = useMe();
  const { toast } = useToast();
  const errorText = useCalendarErrorText();
  const { workspaces } = useWorkspaces();
  const armoured = useArmouredCalendars();
  const unlocked = useSyncExternalStore(identity.subscribe, () => identity.secrets(me.id) !== null);
  const { data, reload, setData } = useAsync(
    () => nextDays(armoured, me.id),
    [armoured, me.id, unlocked],
  );
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [replying, setReplying] = useState<Replying | null>(null);
  const [opened, setOpened] = useState<CalendarOccurrence | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  // Bursts of changes cause one reading.
  const soon = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      void reload();
    }, 300);
  };
  // calendar.* includes the notices to this person (calendar.invited…).
  useEvent('calendar.*', soon);
  useEvent('hello', soon);
  // Armoured calendars' keys coming (or changing) open what did not.
  useEffect(() => {
    if (!unlocked) return;
    const offs = armoured.map((w) => onKeysChange(workspaceKeys(w.id, me.id), soon));
    return () => offs.forEach((off) => off());
    // eslint-disable-next-line react-hooks/exhaustive-deps -- soon only reads refs
  }, [armoured, me.id, unlocked]);

  /**
   * The caller's answer to the invitation of occurrence `o` (with
   * `recurrenceId`, to that occurrence alone; armoured, sealed by them):
   * shown on the occurrences answered at once, the days read again.
   */
  const answer = async (
    o: CalendarOccurrence,
    partstat: CalendarAnswer,
    recurrenceId: string | null = null,
  ): Promise<CalendarEvent> => {
    const id = o.event_id;
    setReplying({ id, answer: partstat });
    try {
      const answered =
        o.workspace_id && armoured.some((w) => w.id === o.workspace_id)
          ? await answerSealed(o.workspace_id, me.id, id, partstat, recurrenceId)
          : await api.calendar.reply(id, partstat, recurrenceId);
      setData((d) => d && { ...d, list: withAnswer(d.list, id, partstat, recurrenceId) });
      soon();
      toast({
        kind: 'success',
        title: t(recurrenceId ? 'calendar.replied_occurrence' : 'calendar.replied', {
          answer: t(`calendar.partstat.${partstat}`),
        }),
      });
      return answered;
    } finally {
      setReplying(null);
    }
  };
  const busy = (id: string) => (replying?.id === id ? replying.answer : null);

  if (!data) return null;
  const names = new Map(workspaces.map((w) => [w.id, w.name]));
  // The workspaces whose calendar the person opens (the notices' toasts lead there by the same rule).
  const opens = calendarsOpened(workspaces);
  // An invitation is listed wherever its event is; other entries, of the workspaces known.
  const known = data.list.filter(
    (o) => o.workspace_id === null || names.has(o.workspace_id) || knownPartstat(o.partstat),
  );
  if (opens.size === 0 && !known.some((o) => knownPartstat(o.partstat) || o.subscription_id))
    return null;

  const { days, left } = firstEntries(agendaDays(known, data.today), AGENDA_SHOWN);
  const dayTitle = (day: DayKey) =>
    day === data.today
      ? t('calendar.agenda_today')
      : day === addDays(data.today, 1)
        ? t('calendar.agenda_tomorrow')
        : capitalized(shortDayLabel(day, locale), locale);

  return (
    <Section
      title={t('calendar.agenda_title')}
      description={t('calendar.agenda_label')}
      id="agenda"
    >
      {days.length === 0 ? (
        <p className="muted">{t('calendar.agenda_empty')}</p>
      ) : (
        <ul className="agenda">
          {days.map(({ day, items: shown }) => (
            <li key={day}>
              <h3 className="agenda__day-title">{dayTitle(day)}</h3>
              <ul className="agenda__items">
                {shown.map((o) => {
                  const title = o.title.trim() || t('calendar.untitled');
                  const invited = knownPartstat(o.partstat);
                  const where = o.workspace_id
                    ? names.get(o.workspace_id)
                    : o.subscription_id
                      ? (data.subscriptions.get(o.subscription_id) ?? t('calendar.subscribed'))
                      : undefined;
                  return (
                    <li
                      key={`${o.event_id}|${o.recurrence_id ?? o.start ?? ''}`}
                      className={['agenda__item', answerClass(o)].filter(Boolean).join(' ')}
                    >
                      <span className="agenda__time">
                        {inAllDayRow(o) || !o.start || !o.end
                          ? t('calendar.all_day')
                          : formatTimeRange(o.start, o.end, locale)}
                      </span>
                      <div className="agenda__what">
                        {o.workspace_id && opens.has(o.workspace_id) ? (
                          <Link
                            className="agenda__title"
                            to={calendarPath(o.workspace_id, { eventId: o.event_id, day })}
                          >
                            {title}
                          </Link>
                        ) : !o.workspace_id && (o.subscription_id || !invited) ? (
                          <Link
                            className="agenda__title"
                            to={calendarPath(null, { eventId: o.event_id, day })}
                          >
                            {title}
                          </Link>
                        ) : invited ? (
                          <button
                            type="button"
                            className="link-btn agenda__title"
                            aria-haspopup="dialog"
                            onClick={() => setOpened(o)}
                          >
                            {title}
                          </button>
                        ) : (
                          <span className="agenda__title">{title}</span>
                        )}{' '}
                        {where ? (
                          <span className="agenda__where">{where}</span>
                        ) : (
                          <Tag>{t(invited ? 'calendar.invitation' : 'calendar.personal')}</Tag>
                        )}
                        {invited && invited !== 'accepted' ? (
                          <PartstatTag partstat={invited} />
                        ) : null}
                        {invited && o.kind === 'event' ? (
                          <ReplyButtons
                            compact
                            title={title}
                            current={invited}
                            busy={busy(o.event_id)}
                            askScope={o.recurring && o.recurrence_id !== null}
                            onReply={(p, scope) =>
                              void answer(o, p, scope === 'one' ? o.recurrence_id : null).catch(
                                (e: unknown) => toast({ kind: 'error', title: errorText(e) }),
                              )
                            }
                          />
                        ) : null}
                      </div>
                    </li>
                  );
                })}
              </ul>
            </li>
          ))}
        </ul>
      )}
      {left > 0 ? <p className="muted">{t('calendar.agenda_more', { count: left })}</p> : null}
      {opened ? (
        <InvitationDialog
          occurrence={opened}
          me={me}
          busy={busy(opened.event_id)}
          onReply={(p, recurrenceId) => answer(opened, p, recurrenceId)}
          onClose={() => setOpened(null)}
        />
      ) : null}
    </Section>
  );
}
