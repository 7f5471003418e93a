// Loads data for a screen: {data, error, loading, reload}; stale answers
// (after the inputs changed) are dropped.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): Promise<void>;
  setData(update: T | ((prev: T | undefined) => T | undefined)): void;
}

export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const [data, setDataState] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });

  // Runs the loader; only the latest call may update the state.
  const run = useCallback((): Promise<void> => {
    const g = ++generation.current;
    return loadRef.current().then(
      (v) => {
        if (g !== generation.current) return;
        setDataState(v);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (g !== generation.current) return;
        setError(e);
        setLoading(false);
      },
    );
  }, []);

  const reload = useCallback((): Promise<void> => {
    setLoading(true);
    return run();
  }, [run]);

  // Pages remount per URL, so a change of inputs needs no reset of the data.
  useEffect(() => {
    void run();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  const setData = useCallback((update: T | ((prev: T | undefined) => T | undefined)) => {
    setDataState((prev) =>
      typeof update === 'function' ? (update as (p: T | undefined) => T | undefined)(prev) : update,
    );
  }, []);

  return { data, error, loading, reload, setData };
}
