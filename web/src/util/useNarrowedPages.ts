// A list an administration tab reads a page at a time under filters the
// person edits in a form (the audit log, the accounts): the filters applied
// and the form's draft, the first page read again when they change, and the
// next page joined to the list it follows — dropped if the filters changed
// while it came.
import { useState, type FormEvent } from 'react';
import { useErrorText } from './errors';
import { useAsync, type AsyncState } from './useAsync';

export interface NarrowedPages<F, D> {
  /** The filters applied, and the form's. */
  filters: F;
  draft: F;
  setDraft(draft: F): void;
  /** Applies `change` over the filters (the form shows them). */
  narrow(change: Partial<F>): void;
  /** The form's submit: its draft applied. */
  submit(e: FormEvent): void;
  /** The list as read so far. */
  list: AsyncState<D>;
  /** Reads the next page; its error in `moreError`. */
  more(): Promise<void>;
  loadingMore: boolean;
  moreError: string | null;
}

export function useNarrowedPages<F extends object, D>(o: {
  initial: F;
  /** The first page under `filters`. */
  first(filters: F): Promise<D>;
  /** The list `data` with the page after it; null when there is none to read. */
  next(filters: F, data: D): Promise<D> | null;
}): NarrowedPages<F, D> {
  const errorText = useErrorText();
  const [filters, setFilters] = useState<F>(o.initial);
  const [draft, setDraft] = useState<F>(o.initial);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const list = useAsync(() => o.first(filters), [JSON.stringify(filters)]);

  const narrow = (change: Partial<F>) => {
    const next = { ...filters, ...change };
    setFilters(next);
    setDraft(next);
    setMoreError(null);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    narrow(draft);
  };
  const more = async () => {
    const from = list.data;
    const reading = from === undefined ? null : o.next(filters, from);
    if (!reading) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const joined = await reading;
      list.setData((now) => (now === from ? joined : now));
    } catch (err) {
      setMoreError(errorText(err));
    } finally {
      setLoadingMore(false);
    }
  };
  return { filters, draft, setDraft, narrow, submit, list, more, loadingMore, moreError };
}
