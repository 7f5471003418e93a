// The period a report covers: the last N days (the server takes 1 to 366).

/** The periods offered, in days. */
export const PERIODS = [7, 30, 90, 365] as const;
export const DEFAULT_DAYS = 30;
export const MAX_DAYS = 366;

/** `?days=` as the server takes it (a whole number, 1 to 366); the default period otherwise. */
export function parseDays(s: string | null): number {
  if (!s || !/^\d{1,3}$/.test(s)) return DEFAULT_DAYS;
  const n = Number(s);
  return n >= 1 && n <= MAX_DAYS ? n : DEFAULT_DAYS;
}
