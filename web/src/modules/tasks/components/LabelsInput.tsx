// Labels as chips: typed in a field (Enter or a comma adds one, Backspace
// in the empty field takes the last back), the board's labels suggested.
import { useId, useState, type KeyboardEvent } from 'react';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { cleanLabels } from '../logic/board';

/** The server's limits (docs/tasks.md). */
export const MAX_LABELS = 20;
const MAX_LABEL_CHARS = 40;

export function LabelsInput({
  labels,
  onChange,
  suggestions,
}: {
  labels: readonly string[];
  onChange(labels: string[]): void;
  suggestions: readonly string[];
}) {
  const { t } = useI18n();
  const id = useId();
  const [text, setText] = useState('');

  const add = (typed: string) => {
    const next = cleanLabels([...labels, ...typed.split(',')]).slice(0, MAX_LABELS);
    if (next.length !== labels.length) onChange(next);
    setText('');
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if ((e.key === 'Enter' || e.key === ',') && text.trim()) {
      e.preventDefault();
      add(text);
    } else if (e.key === 'Enter') {
      // An empty field does not submit the form.
      e.preventDefault();
    } else if (e.key === 'Backspace' && !text && labels.length) {
      onChange(labels.slice(0, -1));
    }
  };

  const unused = suggestions.filter((s) => !labels.includes(s));
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {t('tasks.labels')}
      </label>
      <div className="tasks-labels">
        {labels.length ? (
          <ul className="tasks-labels__chips">
            {labels.map((l) => (
              <li key={l} className="tag tasks-labels__chip">
                {l}
                <button
                  type="button"
                  className="tasks-labels__remove"
                  aria-label={t('tasks.label_remove', { label: l })}
                  title={t('tasks.label_remove', { label: l })}
                  onClick={() => onChange(labels.filter((x) => x !== l))}
                >
                  <Icon name="close" size={12} />
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        <input
          id={id}
          className="input tasks-labels__input"
          value={text}
          maxLength={MAX_LABEL_CHARS}
          list={unused.length ? `${id}-known` : undefined}
          placeholder={t('tasks.label_add')}
          aria-describedby={`${id}-hint`}
          disabled={labels.length >= MAX_LABELS}
          onChange={(e) => {
            if (e.target.value.includes(',')) add(e.target.value);
            else setText(e.target.value);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => {
            if (text.trim()) add(text);
          }}
        />
        {unused.length ? (
          <datalist id={`${id}-known`}>
            {unused.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        ) : null}
      </div>
      <p id={`${id}-hint`} className="field__hint">
        {t('tasks.label_hint')}
      </p>
    </div>
  );
}
