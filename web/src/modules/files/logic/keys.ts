// Arrow-key movement in the list (one column) and the grid (`columns`).

/** The index to move to from `i` for `key`, or null when the key does not move. */
export function moveIndex(i: number, key: string, count: number, columns = 1): number | null {
  if (count <= 0) return null;
  const last = count - 1;
  const cols = Math.max(1, columns);
  const from = Math.min(Math.max(i, -1), last);
  switch (key) {
    case 'ArrowDown':
      return from < 0 ? 0 : Math.min(last, from + cols);
    case 'ArrowUp':
      return from < 0 ? 0 : Math.max(0, from - cols);
    case 'ArrowRight':
      return cols === 1 ? null : Math.min(last, from + 1);
    case 'ArrowLeft':
      return cols === 1 ? null : Math.max(0, from - 1);
    case 'Home':
      return 0;
    case 'End':
      return last;
    case 'PageDown':
      return from < 0 ? 0 : Math.min(last, from + cols * 10);
    case 'PageUp':
      return from < 0 ? 0 : Math.max(0, from - cols * 10);
    default:
      return null;
  }
}
