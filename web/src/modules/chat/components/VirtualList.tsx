// A bottom-anchored virtualized list for chat: only the rows in (and a
// little around) the viewport are in the DOM, whatever the history length.
//
// How: every row has a height (measured by a ResizeObserver once rendered,
// estimated before); offsets are their prefix sums (logic/virtual.ts). The
// list keeps, instead of a raw scroll position, either "at the bottom"
// (new rows follow) or an anchor: the first visible row and its distance to
// the viewport's top. Each render derives the scroll position from it, so
// rows prepended above (older pages) or re-measured above leave the rows
// under the reader's eyes where they were; a layout effect applies the
// position before the browser paints. Spacing: the inner box is as tall as
// all rows, its top padding the offset of the first rendered row.
import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
  type UIEvent,
} from 'react';
import { flushSync } from 'react-dom';
import {
  HeightCache,
  RowLayout,
  anchorAt,
  bottomScrollTop,
  isAtBottom,
  scrollTopForAnchor,
  totalHeight,
  visibleRange,
  type Anchor,
} from '../logic/virtual';

interface View {
  /** The last known scroll position (when there is no anchor). */
  scrollTop: number;
  /** The viewport's height (0 until measured). */
  height: number;
  atBottom: boolean;
  anchor: Anchor | null;
}

export interface ScrollRequest {
  key: string;
  /** A new token asks again (the same key twice). */
  token: number;
  /** 'center': a jump (search result); 'nearest': keep it in view (keyboard). */
  align: 'center' | 'nearest';
}

export interface VirtualListProps<T> {
  items: readonly T[];
  itemKey(item: T): string;
  estimateHeight(item: T): number;
  renderItem(item: T, index: number): ReactNode;
  /** Heights measured so far (kept by the caller to survive a remount). */
  cache?: HeightCache;
  /** Pixels rendered beyond the viewport on each side. */
  overscan?: number;
  /** Called (again and again) while the viewport is near the first row. */
  onNearTop?(): void;
  onBottomChange?(atBottom: boolean): void;
  scrollTo?: ScrollRequest | null;
  /** When false, new rows at the end do not pull the view down. */
  follow?: boolean;
  className?: string;
  label: string;
  onKeyDown?(e: KeyboardEvent<HTMLDivElement>): void;
  /** The class of each row's wrapper. */
  rowClassName?: string;
  /** Rows never used as the scroll anchor (a loader that stays first). */
  notAnchor?(key: string): boolean;
}

const NEAR_TOP_SCREENS = 1.5;
const DEFAULT_VIEWPORT = 800;

export function VirtualList<T>({
  items,
  itemKey,
  estimateHeight,
  renderItem,
  cache: givenCache,
  overscan = 480,
  onNearTop,
  onBottomChange,
  scrollTo,
  follow = true,
  className,
  label,
  onKeyDown,
  rowClassName = 'vlist__row',
  notAnchor,
}: VirtualListProps<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const [ownCache] = useState(() => new HeightCache());
  const cache = givenCache ?? ownCache;
  const [version, setVersion] = useState(0);
  const [view, setView] = useState<View>({
    scrollTop: 0,
    height: 0,
    atBottom: true,
    anchor: null,
  });
  const [lastRequest, setLastRequest] = useState<number | null>(null);

  const keys = useMemo(() => items.map(itemKey), [items, itemKey]);
  // Heights kept from render to render: see RowLayout.
  const [layout] = useState(() => new RowLayout());
  const indexOfKey = (key: string) => layout.indexOf(keys, key);
  const offsets = useMemo(
    () =>
      layout.offsets(keys, (i) => cache.get(keys[i] ?? '') ?? estimateHeight(items[i] as T), [
        cache,
        estimateHeight,
      ]),
    // `version` changes when a measured height does.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [items, keys, cache, estimateHeight, version, layout],
  );
  const total = totalHeight(offsets);
  const height = view.height || DEFAULT_VIEWPORT;

  // A scroll request (a jump or keyboard focus) becomes the anchor, once per token.
  if (scrollTo && scrollTo.token !== lastRequest) {
    setLastRequest(scrollTo.token);
    const i = indexOfKey(scrollTo.key);
    if (i >= 0) {
      const rowTop = offsets[i] ?? 0;
      const rowBottom = offsets[i + 1] ?? rowTop;
      const current = view.atBottom ? bottomScrollTop(total, height) : derivedTop(view);
      let top = current;
      if (scrollTo.align === 'center') top = rowTop - height / 3;
      else if (rowTop < current) top = rowTop - 8;
      else if (rowBottom > current + height) top = rowBottom - height + 8;
      top = Math.max(0, Math.min(top, bottomScrollTop(total, height)));
      if (top !== current || scrollTo.align === 'center') {
        const atBottom = isAtBottom(top, height, total, 2) && scrollTo.align !== 'center';
        setView({
          ...view,
          scrollTop: top,
          atBottom,
          anchor: anchorAt(offsets, keys, top, notAnchor),
        });
      }
    }
  }

  function derivedTop(v: View): number {
    if (v.anchor) {
      const t = scrollTopForAnchor(offsets, indexOfKey, v.anchor);
      if (t !== null) return t;
    }
    return v.scrollTop;
  }

  const wantBottom = view.atBottom && follow;
  const wanted = wantBottom ? bottomScrollTop(total, height) : derivedTop(view);
  const top = Math.max(0, Math.min(wanted, bottomScrollTop(total, height)));
  // The anchor asked for a place the list cannot scroll to (above its top:
  // rows above it were measured shorter than estimated). The anchor is now
  // where it really shows; later rows prepended above keep it there.
  if (!wantBottom && view.anchor && Math.abs(wanted - top) >= 1) {
    const i = indexOfKey(view.anchor.key);
    if (i >= 0) {
      setView({
        ...view,
        scrollTop: top,
        anchor: { key: view.anchor.key, delta: (offsets[i] ?? 0) - top },
      });
    }
  }
  const range = visibleRange(offsets, top, height, overscan);

  // Apply the derived position before paint.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (Math.abs(el.scrollTop - top) >= 1) el.scrollTop = top;
  }, [top, total]);

  // Row heights: one observer for the rendered rows; `register` is stable
  // so a row is observed once while it stays rendered.
  const observer = useRef<ResizeObserver | null>(null);
  const register = useCallback(
    (el: HTMLElement) => {
      if (!observer.current) {
        observer.current = new ResizeObserver((entries) => {
          let changed = false;
          for (const entry of entries) {
            const key = (entry.target as HTMLElement).dataset.key;
            if (!key) continue;
            const box = entry.borderBoxSize?.[0];
            const h = box ? box.blockSize : entry.target.getBoundingClientRect().height;
            if (h > 0 && cache.set(key, h)) {
              layout.measured(key);
              changed = true;
            }
          }
          if (changed) setVersion((v) => v + 1);
        });
      }
      const ro = observer.current;
      ro.observe(el);
      return () => ro.unobserve(el);
    },
    [cache, layout],
  );
  useEffect(
    () => () => {
      observer.current?.disconnect();
      observer.current = null;
    },
    [],
  );

  // The viewport's height.
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      const h = el.clientHeight;
      setView((v) => (v.height === h ? v : { ...v, height: h }));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const nearTop = top < height * NEAR_TOP_SCREENS;
  useEffect(() => {
    if (nearTop && items.length > 0) onNearTop?.();
  }, [nearTop, items.length, onNearTop]);

  useEffect(() => {
    onBottomChange?.(view.atBottom);
  }, [view.atBottom, onBottomChange]);

  const onScroll = (e: UIEvent<HTMLDivElement>) => {
    const el = e.currentTarget;
    const scrollTop = el.scrollTop;
    const h = el.clientHeight;
    // The position we set ourselves: nothing to learn.
    if (Math.abs(scrollTop - top) < 1 && h === view.height) return;
    const atBottom = isAtBottom(scrollTop, h, total);
    const next: View = {
      scrollTop,
      height: h,
      atBottom,
      anchor: atBottom ? null : anchorAt(offsets, keys, scrollTop, notAnchor),
    };
    // Scrolled past the rows rendered (a fling, a drag of the scroll bar):
    // render now, before this frame is painted, or it shows an empty box.
    // Within them, React batches the update as usual.
    const covered =
      scrollTop >= (offsets[range.start] ?? 0) && scrollTop + h <= (offsets[range.end] ?? 0);
    if (covered) setView(next);
    else flushSync(() => setView(next));
  };

  const rows: ReactNode[] = [];
  for (let i = range.start; i < range.end; i++) {
    const item = items[i] as T;
    const key = keys[i] as string;
    rows.push(
      <Measured key={key} rowKey={key} className={rowClassName} register={register}>
        {renderItem(item, i)}
      </Measured>,
    );
  }

  return (
    <div
      ref={scroller}
      className={className ? `vlist ${className}` : 'vlist'}
      onScroll={onScroll}
      onKeyDown={onKeyDown}
      tabIndex={0}
      role="region"
      aria-label={label}
    >
      <div
        className="vlist__inner"
        // Sizes from measurements: set through the CSSOM (allowed by the CSP).
        style={{ height: total, paddingTop: offsets[range.start] ?? 0 }}
      >
        {rows}
      </div>
    </div>
  );
}

/** A rendered row, observed for its height from mount to unmount. */
const Measured = memo(function Measured({
  rowKey,
  className,
  register,
  children,
}: {
  rowKey: string;
  className: string;
  register(el: HTMLElement): () => void;
  children: ReactNode;
}) {
  const ref = useCallback(
    (el: HTMLDivElement | null) => (el ? register(el) : undefined),
    [register],
  );
  return (
    <div data-key={rowKey} className={className} ref={ref}>
      {children}
    </div>
  );
});
