// Arrows in the calendar's grid: the focused day moves by a day, a week, to
// the week's ends, or by a period (Page Up/Down), as in the ARIA date grid
// pattern. Pure; a day outside the view shown moves the view.
import { addDays, shiftPeriod, startOfWeek, type DayKey, type View } from './dates';

/** The day a key moves the focus to, or null for a key the grid does not take. */
export function movedDay(key: string, day: DayKey, view: View): DayKey | null {
  switch (key) {
    case 'ArrowLeft':
      return addDays(day, -1);
    case 'ArrowRight':
      return addDays(day, 1);
    case 'ArrowUp':
      return addDays(day, -7);
    case 'ArrowDown':
      return addDays(day, 7);
    case 'Home':
      return startOfWeek(day);
    case 'End':
      return addDays(startOfWeek(day), 6);
    case 'PageUp':
      return shiftPeriod(view, day, -1);
    case 'PageDown':
      return shiftPeriod(view, day, 1);
    default:
      return null;
  }
}
