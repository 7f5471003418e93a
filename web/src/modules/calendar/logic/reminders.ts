// A person's reminders of an event (docs/calendar.md "Reminders"): minutes
// before each occurrence's start. The form offers one from a short list, as
// calendar applications do; a list set elsewhere (a CalDAV client's several
// alarms) is kept as it is unless another choice is made. Pure.
import type { I18n } from '../../../i18n';

/** What the form offers: at the start, minutes, hours, days and a week before. */
export const REMINDER_CHOICES: readonly number[] = [0, 5, 10, 15, 30, 60, 120, 1440, 2880, 10080];

/** The select's value for a list: '' none, one choice's minutes, or 'kept' (another list). */
export function reminderChoice(minutes: readonly number[]): string {
  if (minutes.length === 0) return '';
  const [only] = minutes;
  if (minutes.length === 1 && only !== undefined && REMINDER_CHOICES.includes(only))
    return String(only);
  return 'kept';
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

/** Several reminders in one line: "15 minutes before, 1 day before". */
export function remindersText(minutes: readonly number[], t: I18n['t']): string {
  return minutes.map((m) => reminderText(m, t)).join(', ');
}
