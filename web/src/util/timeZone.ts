// Time zones by IANA name ("Europe/Paris"): the browser's, and those it
// knows, to offer in a person's profile (the server keeps theirs: an
// all-day event's reminders go off on its clock, emails tell times on it).

/** The IANA zone of this browser ("Europe/Paris"), or null when it names none. */
export function browserTimeZone(): string | null {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}

/** The zones this browser knows, sorted, with `keep` among them (the one set). */
export function timeZoneNames(keep: readonly string[] = []): string[] {
  let names: string[] = [];
  try {
    names = Intl.supportedValuesOf('timeZone');
  } catch {
    // An older browser: the zones to keep alone.
  }
  const all = new Set([...names, ...keep.filter((z) => z !== '')]);
  return [...all].sort();
}
