// A passing notice in the call view (who declined, whom it rings).
import { useCallback, useEffect, useState } from 'react';

/** How long a notice stays in the call view. */
const NOTICE_MS = 8000;

/**
 * A passing notice about the call `scope` (its id): shown for NOTICE_MS,
 * each one said anew, and only in that call — leaving it and starting
 * another within NOTICE_MS does not carry it over.
 */
export function useNotice(scope: string | null): [string, (text: string) => void] {
  const [notice, setNotice] = useState<{ text: string; n: number; scope: string | null } | null>(
    null,
  );
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);
  const say = useCallback(
    (text: string) => setNotice((prev) => ({ text, n: (prev?.n ?? 0) + 1, scope })),
    [scope],
  );
  return [notice && notice.scope === scope ? notice.text : '', say];
}
