// Every field of an event, for a new one and an edit: title, all day,
// start and end (dates, and times on the browser's clock; all day: the
// last day, inclusive), location, the people invited, description, and the
// repeat with its end. An armoured workspace's events invite its members
// only (`not.membersOnly`: no address typed; docs/armoured.md,
// "Calendar"). A timed event inviting colleagues shows when they are free
// that day (Availability; an armoured event's own time is not in what the
// server knows of them). One occurrence of a recurring event has its texts
// and times alone (all day, people and repeat are the series'; the
// availability of those invited shows). The person's own reminder, where
// the server keeps it (not an armoured event's, nor one occurrence's apart).
import { useState } from 'react';
import type { Member } from '../../../api';
import { Checkbox, SelectField, TextArea, TextField } from '../../../components/Field';
import { useI18n } from '../../../i18n';
import {
  withAllDay,
  withStart,
  type DraftProblem,
  type EventDraft,
  type Uninvitable,
} from '../logic/draft';
import type { Span } from '../logic/freebusy';
import { formatTime } from '../logic/format';
import {
  choiceText,
  REMINDER_HOUR,
  reminderChoice,
  reminderChoices,
  remindersOf,
  remindersText,
} from '../logic/reminders';
import { MAX_COUNT, REPEATS, repeatOf } from '../logic/rrule';
import { AttendeesField } from './AttendeesField';
import { Availability } from './Availability';

export function EventForm({
  draft,
  onChange,
  problem,
  timeZone,
  people,
  not,
  directory = false,
  own = null,
  occurrence = false,
  autoFocus = false,
}: {
  draft: EventDraft;
  onChange(d: EventDraft): void;
  /** What the form refuses now (shown by the field it is about; the title's is not said). */
  problem: DraftProblem | null;
  timeZone: string | null;
  /** The workspace's members, who may be invited (but for `not`). */
  people: readonly Member[];
  not: Uninvitable;
  /** Colleagues are looked up in the directory too (the personal calendar has no members). */
  directory?: boolean;
  /** The event being edited, as saved, when timed (its time is not busy against itself). */
  own?: Span | null;
  /** One occurrence of a recurring event: no all day, people or repeat. */
  occurrence?: boolean;
  autoFocus?: boolean;
}) {
  const { t } = useI18n();
  const set = <K extends keyof EventDraft>(k: K, v: EventDraft[K]) =>
    onChange({ ...draft, [k]: v });
  const custom = !!draft.rrule && repeatOf(draft.rrule).repeat === 'custom';
  const repeating = draft.repeat !== 'none' && draft.repeat !== 'custom';
  const endError =
    problem === 'end_before_start'
      ? t('calendar.problem.end_before_start')
      : problem === 'time'
        ? t('calendar.problem.time')
        : null;

  return (
    <>
      <TextField
        label={t('calendar.title')}
        value={draft.title}
        required
        maxLength={300}
        autoFocus={autoFocus}
        onChange={(e) => set('title', e.target.value)}
      />
      {occurrence ? null : (
        <Checkbox
          label={t('calendar.all_day')}
          checked={draft.allDay}
          onChange={(e) => onChange(withAllDay(draft, e.target.checked))}
        />
      )}
      <div className="form__row cal-form__times">
        <TextField
          label={t('calendar.start_date')}
          type="date"
          required
          value={draft.startDate}
          onChange={(e) => onChange(withStart(draft, e.target.value))}
        />
        {draft.allDay ? null : (
          <TextField
            label={t('calendar.start_time')}
            type="time"
            required
            value={draft.startTime}
            onChange={(e) => onChange(withStart(draft, draft.startDate, e.target.value))}
          />
        )}
      </div>
      <div className="form__row cal-form__times">
        <TextField
          label={t(draft.allDay ? 'calendar.last_day' : 'calendar.end_date')}
          type="date"
          required
          value={draft.endDate}
          min={draft.startDate || undefined}
          hint={draft.allDay ? t('calendar.last_day_hint') : undefined}
          error={draft.allDay ? endError : null}
          onChange={(e) => set('endDate', e.target.value)}
        />
        {draft.allDay ? null : (
          <TextField
            label={t('calendar.end_time')}
            type="time"
            required
            value={draft.endTime}
            error={endError}
            onChange={(e) => set('endTime', e.target.value)}
          />
        )}
      </div>
      {!draft.allDay && timeZone ? (
        <p className="field__hint cal-form__zone">{t('calendar.time_hint', { zone: timeZone })}</p>
      ) : null}
      <TextField
        label={t('calendar.location')}
        value={draft.location}
        maxLength={300}
        onChange={(e) => set('location', e.target.value)}
      />
      {occurrence ? null : (
        <AttendeesField
          draft={draft}
          onChange={onChange}
          people={people}
          not={not}
          directory={directory}
        />
      )}
      <Availability draft={draft} onChange={onChange} people={people} me={not.me} own={own} />
      {occurrence || draft.reminders === null ? null : (
        <ReminderField
          minutes={draft.reminders}
          onChange={(m) => set('reminders', m)}
          allDayOn={draft.allDay ? draft.startDate : null}
        />
      )}
      <TextArea
        label={t('calendar.description')}
        value={draft.description}
        rows={4}
        onChange={(e) => set('description', e.target.value)}
      />
      {occurrence ? null : (
        <div className="form__row">
          <SelectField
            label={t('calendar.repeat')}
            value={draft.repeat}
            hint={
              draft.repeat === 'custom' && draft.rrule
                ? t('calendar.repeat_custom_hint', { rule: draft.rrule })
                : undefined
            }
            onChange={(e) => set('repeat', e.target.value as EventDraft['repeat'])}
          >
            {REPEATS.map((r) => (
              <option key={r} value={r}>
                {t(`calendar.repeat.${r}`)}
              </option>
            ))}
            {custom ? <option value="custom">{t('calendar.repeat.custom')}</option> : null}
          </SelectField>
          {repeating ? (
            <SelectField
              label={t('calendar.repeat_end')}
              value={draft.repeatEnd}
              onChange={(e) => set('repeatEnd', e.target.value as EventDraft['repeatEnd'])}
            >
              {(['never', 'until', 'count'] as const).map((k) => (
                <option key={k} value={k}>
                  {t(`calendar.repeat_end.${k}`)}
                </option>
              ))}
            </SelectField>
          ) : null}
          {repeating && draft.repeatEnd === 'until' ? (
            <TextField
              label={t('calendar.until')}
              type="date"
              required
              value={draft.until}
              min={draft.startDate || undefined}
              error={problem === 'until' ? t('calendar.problem.until') : null}
              onChange={(e) => set('until', e.target.value)}
            />
          ) : null}
          {repeating && draft.repeatEnd === 'count' ? (
            <TextField
              label={t('calendar.count')}
              type="number"
              required
              min={1}
              max={MAX_COUNT}
              inputMode="numeric"
              className="cal-form__count"
              value={draft.count}
              error={problem === 'count' ? t('calendar.problem.count', { max: MAX_COUNT }) : null}
              onChange={(e) => set('count', e.target.value)}
            />
          ) : null}
        </div>
      )}
    </>
  );
}

/**
 * The person's reminder: none, or one of the choices — a timed event's
 * (minutes to a week before), an all-day event's (days before at 9:00 on
 * this browser's clock: `allDayOn`, its first day); a list set elsewhere (a
 * calendar application's several alarms) shows as it is, and stays offered
 * when another choice is made.
 */
export function ReminderField({
  minutes,
  onChange,
  allDayOn = null,
}: {
  minutes: readonly number[];
  onChange(m: number[]): void;
  allDayOn?: string | null;
}) {
  const { t, locale } = useI18n();
  const [first] = useState(minutes);
  const choices = reminderChoices(allDayOn !== null);
  const nine = new Date(2000, 0, 1, REMINDER_HOUR);
  const kept = reminderChoice(first, choices) === 'kept' ? first : null;
  return (
    <SelectField
      label={t('calendar.reminder')}
      value={reminderChoice(minutes, choices)}
      hint={t('calendar.reminder_hint')}
      onChange={(e) => onChange(remindersOf(e.target.value, kept ?? []))}
    >
      <option value="">{t('calendar.reminder.none')}</option>
      {choices.map((c) => (
        <option key={c.value} value={c.value}>
          {choiceText(c, t, formatTime(nine, locale))}
        </option>
      ))}
      {kept ? <option value="kept">{remindersText(kept, t)}</option> : null}
    </SelectField>
  );
}
