// One person out of many, found by typing: the best few whose name (any
// word of it) or address starts with what is typed (matchPeople), picked
// with the arrows and Enter, or a click. Focused and empty, it offers the
// first few by name, as a list would. A workspace of 20,000 people costs a
// keystroke what one of 20 does: no option per person is ever drawn. What a
// pick does, and how the chosen person shows, is the caller's.
import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import { matchPeople, type Person } from '../mentions/mentions';
import { Avatar } from './Avatar';

/** Suggestions shown at once. */
const SUGGESTED = 8;

export function PersonPicker<P extends Person>({
  people,
  onPick,
  label,
  placeholder,
  className,
}: {
  /** Keep the same objects from one render to the next: their names are folded once. */
  people: readonly P[];
  onPick(p: P): void;
  /** The field's name, for screen readers. */
  label: string;
  placeholder?: string;
  className?: string;
}) {
  const [text, setText] = useState('');
  const [focused, setFocused] = useState(false);
  const matches = useMemo(
    () => (focused ? matchPeople(people, text, SUGGESTED) : []),
    [focused, people, text],
  );
  const keys = useSuggestionKeys(matches);
  const pick = (p: P) => {
    onPick(p);
    setText('');
    keys.reset();
    setFocused(false);
  };
  const { id, current, optionId } = keys;

  return (
    <div className={className ? `person-picker ${className}` : 'person-picker'}>
      <label className="visually-hidden" htmlFor={`${id}-input`}>
        {label}
      </label>
      <input
        {...keys.combobox}
        className="input"
        type="text"
        placeholder={placeholder}
        value={text}
        onFocus={() => setFocused(true)}
        onClick={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        onChange={(e) => {
          setText(e.target.value);
          keys.reset();
          setFocused(true);
        }}
        onKeyDown={(e) =>
          keys.onKeyDown(e, {
            pick,
            escape: () => {
              setText('');
              setFocused(false);
            },
            escapable: !!text,
          })
        }
      />
      <PeopleSuggestions
        id={`${id}-list`}
        optionId={optionId}
        label={label}
        people={matches}
        current={current}
        onPick={pick}
      />
    </div>
  );
}

/**
 * The suggestions under a field that finds people (the field is a combobox
 * whose aria-controls is `id`, its active option `optionId(current)`): a
 * click picks and keeps the focus in the field. Hidden when empty.
 */
export function PeopleSuggestions<P extends Person>({
  id,
  optionId,
  label,
  people,
  current,
  onPick,
}: {
  id: string;
  optionId(i: number): string;
  label: string;
  people: readonly P[];
  current: number;
  onPick(p: P): void;
}) {
  return (
    <ul
      id={id}
      role="listbox"
      className="person-picker__list"
      aria-label={label}
      hidden={!people.length}
    >
      {people.map((p, i) => (
        <li
          key={p.id}
          id={optionId(i)}
          role="option"
          aria-selected={i === current}
          className={
            i === current
              ? 'person-picker__option person-picker__option--active'
              : 'person-picker__option'
          }
          onMouseDown={(e) => {
            // Keeps the focus in the field.
            e.preventDefault();
            onPick(p);
          }}
        >
          <Avatar name={p.name} seed={p.id} size="sm" />
          <span className="person-picker__name">{p.name}</span>
          {p.email ? (
            <>
              {' '}
              <span className="person-picker__detail">{p.email}</span>
            </>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/**
 * The keys of a field that suggests (a combobox): the arrows move among
 * `options`, Enter picks the active one and never submits a form, Escape
 * closes (the suggestions, or the typed text when `escapable`: not a dialog
 * around them). `reset` goes back to the first as the text changes. The
 * field's, its list's and its options' ids (from `id`) tie them for screen
 * readers.
 */
export function useSuggestionKeys<P>(options: readonly P[]) {
  const id = useId();
  const [active, setActive] = useState(0);
  const current = Math.min(active, Math.max(0, options.length - 1));
  const open = options.length > 0;
  const onKeyDown = (
    e: KeyboardEvent<HTMLInputElement>,
    on: { pick(p: P): void; escape(): void; escapable?: boolean },
  ) => {
    if (open && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      const n = options.length;
      setActive((current + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
    } else if (e.key === 'Enter' && open) {
      e.preventDefault();
      const p = options[current];
      if (p !== undefined) {
        setActive(0);
        on.pick(p);
      }
    } else if (e.key === 'Escape' && (open || on.escapable)) {
      e.preventDefault();
      e.stopPropagation();
      setActive(0);
      on.escape();
    }
  };
  const optionId = (i: number) => `${id}-o${i}`;
  return {
    current,
    onKeyDown,
    reset: () => setActive(0),
    /** The base of the ids: the field is `${id}-input`, its list `${id}-list`. */
    id,
    optionId,
    /** What makes the field a combobox tied to its list (spread on the input). */
    combobox: {
      id: `${id}-input`,
      role: 'combobox',
      autoComplete: 'off',
      'aria-expanded': open,
      'aria-controls': `${id}-list`,
      'aria-activedescendant': open ? optionId(current) : undefined,
      'aria-autocomplete': 'list' as const,
    },
  };
}
