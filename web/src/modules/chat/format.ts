// Times and names as the chat shows them.
import type { MessageKey } from '../../i18n';
import type { Vars } from '../../i18n/core';
import { localDay } from './logic/grouping';

type T = (key: MessageKey, vars?: Vars) => string;

const timeFormats = new Map<string, Intl.DateTimeFormat>();
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** "14:05" / "2:05 PM". */
export function timeOf(iso: string, locale: string): string {
  let f = timeFormats.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeStyle: 'short' });
    timeFormats.set(locale, f);
  }
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : f.format(d);
}

/** "Aujourd’hui", "Hier", or "lundi 29 novembre 2026". */
export function dayLabel(day: string, at: string, locale: string, t: T, now = new Date()): string {
  if (day === localDay(now.toISOString())) return t('chat.today');
  const y = new Date(now);
  y.setDate(y.getDate() - 1);
  if (day === localDay(y.toISOString())) return t('chat.yesterday');
  let f = dayFormats.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { dateStyle: 'full' });
    dayFormats.set(locale, f);
  }
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? day : f.format(d);
}

/** "Alice est en train d’écrire…", for the people typing (already named). */
export function typingText(names: readonly string[], t: T): string {
  if (names.length === 0) return '';
  if (names.length === 1) return t('chat.typing_one', { name: names[0] ?? '' });
  if (names.length === 2) return t('chat.typing_two', { a: names[0] ?? '', b: names[1] ?? '' });
  return t('chat.typing_many');
}

/** The prefix a channel's name is shown with ("#général"); direct conversations have none. */
export function channelTitle(kind: string, label: string): string {
  return kind === 'direct' ? label : `#${label}`;
}
