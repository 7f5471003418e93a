// Checkboxes over a list (people to assign, tasks to wait for) with a
// filter, in the shape of the chat's people picker.
import { useId, useMemo, useState, type ReactNode } from 'react';
import { Checkbox } from '../../../components/Field';
import { fold } from '../../../mentions/mentions';

export interface CheckItem {
  id: string;
  label: string;
  hint?: string;
  /** Before the checkbox (an avatar). */
  lead?: ReactNode;
}

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
  const shown = useMemo(() => {
    const q = fold(filter.trim());
    return q ? items.filter((x) => fold(`${x.label} ${x.hint ?? ''}`).includes(q)) : items;
  }, [items, filter]);
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
            onChange={(e) => setFilter(e.target.value)}
          />
        </>
      ) : null}
      {items.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul className="tasks-checklist__list">
          {shown.map((x) => {
            const on = selected.includes(x.id);
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
    </fieldset>
  );
}
