// Moving an occurrence by dragging it on the grid (GridProps.onMove), with
// a mouse or a pen (a finger scrolls the grid): a press on a chip or a
// block the person may move becomes a drag past a few pixels. The day it
// would land on is marked, and a label beside the pointer says where
// (in the week's hours, the day and the quarter hour its start would
// take); released there, onMove says by how much. A week's block taken by
// its bottom edge moves its end alone (longer or shorter, that day). Escape, or a release
// where it started, moves nothing; the click that ends a drag does not
// open the event. Without dragging, the event's Edit moves it (WCAG 2.5.7).
// The grid is not rendered again while dragging: the mark and the label
// are set on the page directly.
import { useEffect, useState, type MouseEvent, type PointerEvent } from 'react';
import type { CalendarOccurrence } from '../../../api';
import { useI18n } from '../../../i18n';
import { daysBetween, isDayKey, type DayKey } from '../logic/dates';
import { formatTime, shortDayLabel } from '../logic/format';
import { occurrenceKey } from '../logic/layout';
import { snappedMinutes, type Moved } from '../logic/move';
import { draggable, type GridProps } from './MonthView';

/** A press moves this far (px) before it is a drag. */
const THRESHOLD = 5;

interface Drag {
  o: CalendarOccurrence;
  el: HTMLElement;
  grid: HTMLElement;
  from: DayKey;
  /** A block of the week's hours: moved by day and time; else by day. */
  timed: boolean;
  /** Its end alone, taken by the block's bottom edge. */
  edge?: 'end';
  /** The day it was taken from. */
  cell: HTMLElement;
  x0: number;
  y0: number;
  /** Where in its day's height it was taken (timed: 0..1). */
  grab: number;
  dragging: boolean;
  moved: Moved | null;
  target: HTMLElement | null;
  label: HTMLElement | null;
}

/** What the grid gives a drag: its days' occurrences, whether and how one moves. */
type DragProps = Pick<GridProps, 'byDay' | 'canWrite' | 'onMove' | 'canMove'>;
/** Where an occurrence would go, in words (the label beside the pointer). */
type Describe = (o: CalendarOccurrence, day: DayKey, m: Moved, timed: boolean) => string;

/** One grid's drags: its handlers stay the same from one render to the next. */
class DragMover {
  private drag: Drag | null = null;
  /** The click that ends a drag is not one. */
  private swallow = false;
  private props: DragProps | null = null;
  private describe: Describe = () => '';

  /** What the grid rendered last. */
  update(props: DragProps, describe: Describe): void {
    this.props = props;
    this.describe = describe;
  }

  readonly onPointerDown = (e: PointerEvent<HTMLElement>) => {
    const cur = this.props;
    if (!cur || e.button !== 0 || e.pointerType === 'touch') return;
    const el = (e.target as HTMLElement).closest<HTMLElement>('[data-occurrence]');
    const cell = el?.closest<HTMLElement>('[data-drop-day]');
    const from = cell?.dataset.dropDay;
    if (!el || !cell || !from || !isDayKey(from)) return;
    const key = el.dataset.occurrence;
    const o = (cur.byDay.get(from) ?? []).find((x) => occurrenceKey(x) === key);
    if (!o || !draggable(cur, o)) return;
    const timed = el.classList.contains('cal-block');
    const edge =
      timed && (e.target as HTMLElement).closest('.cal-block__resize') ? 'end' : undefined;
    const box = cell.getBoundingClientRect();
    e.preventDefault(); // no text selected on the way
    this.end(false);
    this.drag = {
      o,
      el,
      grid: e.currentTarget,
      from,
      timed,
      ...(edge ? { edge } : {}),
      cell,
      x0: e.clientX,
      y0: e.clientY,
      grab: timed && box.height > 0 ? (e.clientY - box.top) / box.height : 0,
      dragging: false,
      moved: null,
      target: null,
      label: null,
    };
    window.addEventListener('pointermove', this.onPointerMove);
    window.addEventListener('pointerup', this.onPointerUp);
    window.addEventListener('pointercancel', this.onPointerCancel);
    window.addEventListener('keydown', this.onKey, true);
  };

  readonly onClickCapture = (e: MouseEvent<HTMLElement>) => {
    if (!this.swallow) return;
    this.swallow = false;
    e.preventDefault();
    e.stopPropagation();
  };

  private readonly onPointerMove = (e: globalThis.PointerEvent) => {
    const d = this.drag;
    if (!d) return;
    if (!d.dragging) {
      if (Math.hypot(e.clientX - d.x0, e.clientY - d.y0) < THRESHOLD) return;
      d.dragging = true;
      d.el.classList.add('cal-dragging');
      document.body.classList.add('cal-drag-active');
      d.label = document.createElement('div');
      d.label.className = 'cal-drag-label';
      d.label.setAttribute('aria-hidden', 'true');
      document.body.append(d.label);
    }
    e.preventDefault();
    if (d.edge) {
      // Its end, on its own day: longer or shorter.
      const box = d.cell.getBoundingClientRect();
      d.moved = {
        days: 0,
        minutes: box.height > 0 ? snappedMinutes((e.clientY - d.y0) / box.height) : 0,
        edge: d.edge,
      };
      if (d.label) {
        d.label.textContent = this.describe(d.o, d.from, d.moved, true);
        d.label.style.left = `${e.clientX + 12}px`;
        d.label.style.top = `${e.clientY + 12}px`;
      }
      return;
    }
    const under = document.elementFromPoint(e.clientX, e.clientY);
    const cell = under?.closest<HTMLElement>(
      d.timed ? '.cal-week__day[data-drop-day]' : '[data-drop-day]',
    );
    const day = cell?.dataset.dropDay;
    if (cell && day && isDayKey(day) && d.grid.contains(cell)) {
      const box = cell.getBoundingClientRect();
      const minutes =
        d.timed && box.height > 0 ? snappedMinutes((e.clientY - box.top) / box.height - d.grab) : 0;
      d.moved = { days: daysBetween(d.from, day), minutes };
      if (d.target !== cell) {
        d.target?.classList.remove('is-drop-target');
        cell.classList.add('is-drop-target');
        d.target = cell;
      }
      if (d.label) d.label.textContent = this.describe(d.o, day, d.moved, d.timed);
    }
    if (d.label) {
      d.label.style.left = `${e.clientX + 12}px`;
      d.label.style.top = `${e.clientY + 12}px`;
    }
  };

  private readonly onPointerUp = () => this.end(true);
  private readonly onPointerCancel = () => this.end(false);
  private readonly onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || !this.drag) return;
    e.preventDefault();
    e.stopPropagation();
    this.end(false);
  };

  /** The drag over: moved (`commit`, and somewhere else), or not. */
  end(commit: boolean): void {
    const d = this.drag;
    this.drag = null;
    window.removeEventListener('pointermove', this.onPointerMove);
    window.removeEventListener('pointerup', this.onPointerUp);
    window.removeEventListener('pointercancel', this.onPointerCancel);
    window.removeEventListener('keydown', this.onKey, true);
    if (!d) return;
    d.el.classList.remove('cal-dragging');
    d.target?.classList.remove('is-drop-target');
    d.label?.remove();
    document.body.classList.remove('cal-drag-active');
    if (!d.dragging) return;
    this.swallow = true;
    // A release outside the grid gives no click to swallow.
    setTimeout(() => (this.swallow = false), 0);
    const m = d.moved;
    if (commit && m && (m.days !== 0 || m.minutes !== 0)) this.props?.onMove?.(d.o, m);
  }
}

/** The handlers a grid puts on its root for its occurrences to be dragged. */
export function useDragMove(p: DragProps): Pick<DragMover, 'onPointerDown' | 'onClickCapture'> {
  const { t, locale } = useI18n();
  const [mover] = useState(() => new DragMover());
  useEffect(() => {
    mover.update(p, (o, day, m, timed) => {
      const title = o.title.trim() || t('calendar.untitled');
      const date = shortDayLabel(day, locale);
      if (m.edge === 'end' && o.end) {
        const until = new Date(o.end);
        until.setMinutes(until.getMinutes() + m.minutes);
        return `${title} · ${t('calendar.drag_until', { time: formatTime(until.toISOString(), locale) })}`;
      }
      if (!timed || !o.start) return `${title} · ${date}`;
      const at = new Date(o.start);
      at.setDate(at.getDate() + m.days);
      at.setMinutes(at.getMinutes() + m.minutes);
      return `${title} · ${date}, ${formatTime(at.toISOString(), locale)}`;
    });
  });
  // A drag under way when the grid goes (another period, another page): dropped.
  useEffect(() => () => mover.end(false), [mover]);
  return mover;
}
