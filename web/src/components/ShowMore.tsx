// Long lists shown a part at a time: the first `step` items, and `step`
// more at each click of "Show more", so that a workspace of 20,000 people
// renders 100 rows, not 20,000; and lists read from the server a page at
// a time, whose next page one button asks for (ReadMore).
import { useCallback, useState } from 'react';
import { useI18n } from '../i18n';
import { Button } from './Button';

/** How many items to show, the click that shows more, and the return to the first step (a new filter). */
export function useShown(step = 100): { shown: number; more(): void; reset(): void } {
  const [shown, setShown] = useState(step);
  const more = useCallback(() => setShown((n) => n + step), [step]);
  const reset = useCallback(() => setShown(step), [step]);
  return { shown, more, reset };
}

/** The button under a list cut at `shown` of `total` items; nothing once all are shown. */
export function ShowMore({
  total,
  shown,
  onMore,
}: {
  total: number;
  shown: number;
  onMore(): void;
}) {
  const { t } = useI18n();
  if (total <= shown) return null;
  return <ReadMore label={t('common.show_more', { count: total - shown })} onMore={onMore} />;
}

/** The button under a list that asks for more of it ("Older messages"), busy while they come. */
export function ReadMore({
  label,
  busy = false,
  onMore,
}: {
  label: string;
  busy?: boolean;
  onMore(): void;
}) {
  return (
    <div className="form__actions">
      <Button variant="ghost" busy={busy} onClick={onMore}>
        {label}
      </Button>
    </div>
  );
}
