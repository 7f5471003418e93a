// The event form's availability strip (GET /calendar/freebusy): for a
// timed event inviting colleagues, a row per person (the person writing
// first, then the colleagues invited) over the day's working hours, busy
// spans shaded and the event's time outlined; the same in words beneath
// (busy when, or free), and who is busy at the chosen time. The whole day
// is asked for, so moving the times within it asks nothing again; a moment
// after the day or the people change it is asked again (an older answer is
// dropped). When it cannot be read it says so in a line and the form goes
// on; an external account (404: the route is not for them) sees nothing.
// "Next free slot" moves the event to the first time everyone is free that
// day. An event going on past midnight is shown up to it.
import { useEffect, useId, useMemo, useState } from 'react';
import { api, isApiError, type CalendarFreeBusy, type Member } from '../../../api';
import { Button } from '../../../components/Button';
import { useI18n } from '../../../i18n';
import { dayKey, isDayKey, localToIso, timeOfDay } from '../logic/dates';
import { withStart, type EventDraft } from '../logic/draft';
import { formatTime } from '../logic/format';
import {
  busyDuring,
  colleaguesOf,
  dayRange,
  hoursIn,
  nextFreeSlot,
  placed,
  spansOf,
  stripWindow,
  summaryOf,
  withoutOwn,
  workingHours,
  type FreeBusyPerson,
  type Span,
} from '../logic/freebusy';

/** How long the form stays still before the strip is asked for again. */
export const FREEBUSY_DELAY_MS = 300;

/** What the server said for a day and its people (`key`); 404: not for this account (external ones). */
type Answer = { key: string } & (
  { kind: 'read'; list: CalendarFreeBusy[] } | { kind: 'failed' } | { kind: 'none' }
);

const percent = (n: number) => `${n}%`;

function instantOf(date: string, time: string): number {
  const iso = localToIso(date, time);
  return iso ? Date.parse(iso) : NaN;
}

export function Availability({
  draft,
  onChange,
  people,
  me,
  own,
}: {
  draft: EventDraft;
  onChange(d: EventDraft): void;
  /** The workspace's members (the colleagues invited are found among them). */
  people: readonly Member[];
  me: { id: string; email: string };
  /** The event being edited, as saved (not counted as busy against itself). */
  own: Span | null;
}) {
  const { t, locale } = useI18n();
  const id = useId();
  const colleagues = useMemo(
    () => colleaguesOf(draft.attendees, people, me.id),
    [draft.attendees, people, me.id],
  );
  const day = draft.startDate;
  const shown = !draft.allDay && colleagues.length > 0 && isDayKey(day);
  const everyone = useMemo<FreeBusyPerson[]>(() => {
    const self = people.find((p) => p.user_id === me.id);
    const name = t('calendar.you', { name: self?.name.trim() || me.email });
    return [{ user_id: me.id, name }, ...colleagues];
  }, [people, me, colleagues, t]);
  const users = everyone.map((p) => p.user_id).join(',');
  const key = shown ? `${day}|${users}` : '';
  const [answer, setAnswer] = useState<Answer | null>(null);
  /** "Next free slot" found none for these times and people. */
  const [noneFreeFor, setNoneFreeFor] = useState<string | null>(null);

  useEffect(() => {
    if (!key) return;
    const range = dayRange(day);
    const ask = new AbortController();
    const timer = setTimeout(() => {
      api.calendar
        .freeBusy(
          users.split(','),
          new Date(range.start).toISOString(),
          new Date(range.end).toISOString(),
          { signal: ask.signal },
        )
        .then(
          (list) => !ask.signal.aborted && setAnswer({ key, kind: 'read', list }),
          (e: unknown) => {
            if (ask.signal.aborted) return;
            const none = isApiError(e) && e.status === 404;
            setAnswer({ key, kind: none ? 'none' : 'failed' });
          },
        );
    }, FREEBUSY_DELAY_MS);
    return () => {
      clearTimeout(timer);
      ask.abort();
    };
  }, [key, day, users]);

  const current = answer?.key === key ? answer : null;
  if (!shown || current?.kind === 'none') return null;

  const start = instantOf(draft.startDate, draft.startTime);
  const end = instantOf(draft.endDate, draft.endTime);
  const event = end >= start ? { start, end } : null;
  const view = stripWindow(day, event);
  const read = current?.kind === 'read' ? current.list : null;
  const asked = `${start}|${end}|${users}`;
  const ticks = hoursIn(view);
  /** About six hours named, so that they fit. */
  const labelEvery = Math.max(1, Math.ceil(ticks.length / 6));
  const rows = everyone.map((p) => {
    const busy = read?.find((b) => b.user_id === p.user_id)?.busy;
    const spans = busy ? withoutOwn(spansOf(busy), own) : null;
    return { ...p, spans, conflict: !!spans && !!event && busyDuring(spans, event) };
  });
  const conflicts = rows.filter((r) => r.conflict);

  const toNextFree = () => {
    if (!event) return;
    const slot = nextFreeSlot(
      rows.map((r) => r.spans ?? []),
      event,
      workingHours(day),
    );
    if (!slot) {
      setNoneFreeFor(asked);
      return;
    }
    const at = new Date(slot.start);
    onChange(withStart(draft, dayKey(at), timeOfDay(at)));
  };

  return (
    <section className="cal-fb" aria-labelledby={`${id}-title`} aria-busy={!current || undefined}>
      <h3 id={`${id}-title`} className="field__label">
        {t('calendar.freebusy.title')}
      </h3>
      <div className="cal-fb__strip" aria-hidden="true">
        <div className="cal-fb__row cal-fb__row--hours">
          <span className="cal-fb__name" />
          <div className="cal-fb__track">
            {ticks.map((h, i) => (
              <span
                key={h}
                className="cal-fb__hour"
                style={{ left: percent(placed({ start: h, end: h + 1 }, view)?.left ?? 100) }}
              >
                {i % labelEvery ? null : formatTime(new Date(h), locale)}
              </span>
            ))}
          </div>
        </div>
        {rows.map((r) => {
          const box = event ? placed(event, view) : null;
          return (
            <div key={r.user_id} className="cal-fb__row">
              <span className="cal-fb__name">{r.name}</span>
              <div className="cal-fb__track">
                {(r.spans ?? []).map((s) => {
                  const at = placed(s, view);
                  return at ? (
                    <span
                      key={s.start}
                      className="cal-fb__busy"
                      style={{ left: percent(at.left), width: percent(at.width) }}
                    />
                  ) : null;
                })}
                {box ? (
                  <span
                    className={
                      r.conflict ? 'cal-fb__event cal-fb__event--conflict' : 'cal-fb__event'
                    }
                    style={{ left: percent(box.left), width: percent(box.width) }}
                  />
                ) : null}
              </div>
            </div>
          );
        })}
      </div>
      {current?.kind === 'failed' ? (
        <p className="field__hint cal-fb__failed">{t('calendar.freebusy.failed')}</p>
      ) : read ? (
        <ul className="cal-fb__summary">
          {rows.map((r) => (
            <li key={r.user_id}>{summaryOf(r.name, r.spans ?? [], t, locale)}</li>
          ))}
        </ul>
      ) : null}
      <div className="cal-fb__conflicts" aria-live="polite">
        {conflicts.map((r) => (
          <p key={r.user_id} className="cal-fb__conflict">
            {t('calendar.freebusy.conflict', { name: r.name })}
          </p>
        ))}
        {noneFreeFor === asked ? (
          <p className="field__hint">{t('calendar.freebusy.none_free')}</p>
        ) : null}
      </div>
      {conflicts.length ? (
        <div>
          <Button size="sm" icon="clock" onClick={toNextFree}>
            {t('calendar.freebusy.next')}
          </Button>
        </div>
      ) : null}
    </section>
  );
}
