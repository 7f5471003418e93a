// A person's reminders of an event (docs/calendar.md "Reminders"): minutes
// before each occurrence's start. The form offers one from a short list, as
// calendar applications do; a list set elsewhere (a CalDAV client's several
// alarms) is kept as it is unless another choice is made. An all-day event's
// are days before at 9:00, in minutes before its day begins on the person's
// clock (the server keeps their time zone: "the day before at 9:00" is 900
// minutes, as calendar applications write it, -PT15H).
import type { I18n } from '../../../i18n';

/** A timed event's: at the start, minutes, hours, days and a week before. */
export const REMINDER_CHOICES: readonly number[] = [0, 5, 10, 15, 30, 60, 120, 1440, 2880, 10080];

/** An all-day event's: days before, at REMINDER_HOUR. */
export const ALL_DAY_REMINDER_DAYS: readonly number[] = [1, 2, 7];
export const REMINDER_HOUR = 9;

/** Minutes before an all-day event's day begins of REMINDER_HOUR `days` before. */
export function allDayMinutes(days: number): number {
  return days * 1440 - REMINDER_HOUR * 60;
}

/** A choice of the form: what the select holds and the list it stands for. */
export interface ReminderChoice {
  value: string;
  minutes: number;
  /** All day: the days before (else a timed event's choice). */
  days?: number;
}

/** The form's choices: a timed event's, or an all-day event's. */
export function reminderChoices(allDay: boolean): ReminderChoice[] {
  return allDay
    ? ALL_DAY_REMINDER_DAYS.map((days) => {
        const minutes = allDayMinutes(days);
        return { value: String(minutes), minutes, days };
      })
    : REMINDER_CHOICES.map((minutes) => ({ value: String(minutes), minutes }));
}

/** The select's value for a list: '' none, one choice's, or 'kept' (another list). */
export function reminderChoice(
  minutes: readonly number[],
  choices: readonly ReminderChoice[],
): string {
  if (minutes.length === 0) return '';
  const [only] = minutes;
  const found = minutes.length === 1 ? choices.find((c) => c.minutes === only) : undefined;
  return found ? found.value : 'kept';
}

/** The list a select's value stands for (`kept`: the one the event has). */
export function remindersOf(choice: string, kept: readonly number[]): number[] {
  if (choice === 'kept') return [...kept];
  if (choice === '') return [];
  const n = Number(choice);
  return Number.isInteger(n) && n >= 0 ? [n] : [];
}

/** "15 minutes before", "1 hour before", "2 days before", "At the start". */
export function reminderText(minutes: number, t: I18n['t']): string {
  if (minutes === 0) return t('calendar.reminder.at_start');
  if (minutes % 10080 === 0) return t('calendar.reminder.weeks', { count: minutes / 10080 });
  if (minutes % 1440 === 0) return t('calendar.reminder.days', { count: minutes / 1440 });
  if (minutes % 60 === 0) return t('calendar.reminder.hours', { count: minutes / 60 });
  return t('calendar.reminder.minutes', { count: minutes });
}

/** What a choice says: a timed event's as reminderText, an all-day one's "The day before at 9:00". */
export function choiceText(c: ReminderChoice, t: I18n['t'], time: string): string {
  return c.days === undefined
    ? reminderText(c.minutes, t)
    : t('calendar.reminder.days_at', { count: c.days, time });
}

/** Several reminders in one line: "15 minutes before, 1 day before". */
export function remindersText(minutes: readonly number[], t: I18n['t']): string {
  return minutes.map((m) => reminderText(m, t)).join(', ');
}
