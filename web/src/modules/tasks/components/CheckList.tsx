// Checkboxes over a list (people to assign, tasks to wait for) with a
// filter, in the shape of the chat's people picker. A hundred rows at a
// time (a workspace may have 20,000 people), and the ticked ones past them
// too: what is chosen stays in sight.
import { useId, useMemo, useState, type ReactNode } from 'react';
import { Checkbox } from '../../../components/Field';
import { ShowMore, useShown } from '../../../components/ShowMore';
import { wordMatcher } from '../../../workspaces/memberSearch';

export interface CheckItem {
  id: string;
  label: string;
  hint?: string;
  /** Before the checkbox (an avatar). */
  lead?: ReactNode;
}

const matching = wordMatcher<CheckItem>((x) => `${x.label} ${x.hint ?? ''}`);

export function CheckList({
  legend,
  hint,
  items,
  selected,
  onChange,
  filterLabel,
  empty,
}: {
  legend: string;
  hint?: string;
  items: readonly CheckItem[];
  selected: readonly string[];
  onChange(ids: string[]): void;
  filterLabel: string;
  /** Said when there is nothing to pick. */
  empty: string;
}) {
  const [filter, setFilter] = useState('');
  const id = useId();
  const { shown, more, reset } = useShown();
  const found = useMemo(() => matching(items, filter), [items, filter]);
  const ticked = useMemo(() => new Set(selected), [selected]);
  const rows = useMemo(
    () =>
      found.length <= shown
        ? found
        : [...found.slice(0, shown), ...found.slice(shown).filter((x) => ticked.has(x.id))],
    [found, shown, ticked],
  );
  return (
    <fieldset className="tasks-checklist" aria-describedby={hint ? `${id}-hint` : undefined}>
      <legend className="field__label">{legend}</legend>
      {hint ? (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      ) : null}
      {items.length > 6 ? (
        <>
          <label className="visually-hidden" htmlFor={`${id}-filter`}>
            {filterLabel}
          </label>
          <input
            id={`${id}-filter`}
            className="input"
            type="search"
            placeholder={filterLabel}
            value={filter}
            onChange={(e) => {
              setFilter(e.target.value);
              reset();
            }}
          />
        </>
      ) : null}
      {items.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul className="tasks-checklist__list">
          {rows.map((x) => {
            const on = ticked.has(x.id);
            return (
              <li key={x.id} className="tasks-checklist__item">
                {x.lead}
                <Checkbox
                  label={x.label}
                  hint={x.hint}
                  checked={on}
                  onChange={(e) =>
                    onChange(
                      e.target.checked ? [...selected, x.id] : selected.filter((s) => s !== x.id),
                    )
                  }
                />
              </li>
            );
          })}
        </ul>
      )}
      <ShowMore total={found.length} shown={shown} onMore={more} />
    </fieldset>
  );
}
