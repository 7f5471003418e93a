// How a report is worded: module and figure names (the server may report
// figures this client does not know yet: they show under their own key),
// figures as numbers or sizes, UTC days in the person's language.
import { isModuleName, MODULES } from '../../../api';
import type { I18n, MessageKey } from '../../../i18n';
import { formatBytes } from '../../files/logic/format';

type T = I18n['t'];

/** The figures this client has words for. */
const FIGURES: Readonly<Record<string, MessageKey>> = {
  messages: 'reports.figure.messages',
  authors: 'reports.figure.authors',
  channels: 'reports.figure.channels',
  files: 'reports.figure.files',
  bytes: 'reports.figure.bytes',
  versions_since: 'reports.figure.versions_since',
  tasks_created: 'reports.figure.tasks_created',
  tasks_completed: 'reports.figure.tasks_completed',
  tasks_open: 'reports.figure.tasks_open',
  overdue: 'reports.figure.overdue',
  due_this_week: 'reports.figure.due_this_week',
  unassigned: 'reports.figure.unassigned',
  assignees_total: 'reports.figure.assignees_total',
  events: 'reports.figure.events',
  events_since: 'reports.figure.events_since',
  events_created: 'reports.figure.events_created',
  events_upcoming: 'reports.figure.events_upcoming',
};

/** A module's name ("workspace": the members' and settings' changes); an unknown one as it is. */
export function moduleName(t: T, m: string): string {
  if (isModuleName(m)) return t(`module.${m}.name`);
  if (m === 'workspace') return t('reports.module.workspace');
  return m;
}

/** The modules' order everywhere on the page: the app's own order, `workspace`, then the others by name. */
export function byModuleOrder(names: Iterable<string>): string[] {
  const rank = (m: string) => {
    const i = (MODULES as readonly string[]).indexOf(m);
    if (i >= 0) return i;
    return m === 'workspace' ? MODULES.length : MODULES.length + 1;
  };
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function figureLabel(t: T, key: string): string {
  const k = FIGURES[key];
  return k ? t(k) : key;
}

/** Figures counted in bytes: shown as sizes. */
export function isBytes(key: string): boolean {
  return key === 'bytes' || key.endsWith('_bytes');
}

/** A module's figures that are numbers, in the server's order. */
export function figuresOf(figures: Readonly<Record<string, unknown>>): [string, number][] {
  return Object.entries(figures).filter(
    (e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]),
  );
}

/** A figure in the person's language: "1,234" / "1 234", sizes as "1.5 MB" / "1,5 Mo". */
export function figureValue(key: string, n: number, locale: string): string {
  return isBytes(key) ? formatBytes(n, locale) : new Intl.NumberFormat(locale).format(n);
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(locale: string, long: boolean): Intl.DateTimeFormat {
  const key = `${locale}:${long ? 'long' : 'short'}`;
  let f = dayFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(
      locale,
      long
        ? { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }
        : { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' },
    );
    dayFormats.set(key, f);
  }
  return f;
}

/**
 * A UTC day ("2026-12-04", or an instant's day) as "Dec 4, 2026" /
 * "4 déc. 2026"; `long` with the weekday. The server's days are UTC days:
 * shown as such whatever the browser's zone.
 */
export function dayLabel(day: string, locale: string, long = false): string {
  const d = new Date(day.length === 10 ? `${day}T00:00:00Z` : day);
  return Number.isNaN(d.getTime()) ? day : dayFormat(locale, long).format(d);
}
