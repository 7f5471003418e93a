// Small browser-state hooks of the files screens.
import { useCallback, useState } from 'react';

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

/**
 * A choice remembered in this browser (list or grid, the order): the
 * stored value when it is one of `allowed` (any when not given).
 */
export function usePreference<T extends string>(
  key: string,
  fallback: T,
  allowed?: readonly T[],
): [T, (v: T) => void] {
  const [value, setValue] = useState<T>(() => {
    const v = read(key);
    return v !== null && (!allowed || (allowed as readonly string[]).includes(v))
      ? (v as T)
      : fallback;
  });
  const set = useCallback(
    (v: T) => {
      setValue(v);
      try {
        window.localStorage.setItem(key, v);
      } catch {
        // Private mode: the choice lasts for this page.
      }
    },
    [key],
  );
  return [value, set];
}
