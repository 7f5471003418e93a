// Small browser-state hooks of the calendar.
import { useEffect, useState } from 'react';

/** The time now, again every `everyMs` (today, and the week's "now" line, move with it). */
export function useNow(everyMs = 60_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}
