// The emoji picker: a search field and a grid of buttons (arrow keys move
// between them, Escape closes and gives the focus back). Bundled list only.
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { QUICK_REACTIONS, searchEmoji } from '../logic/emoji';

const COLUMNS = 8;

export function EmojiPicker({
  title,
  onPick,
  onClose,
  quick = false,
}: {
  /** What the picker is for ("Ajouter une réaction"). */
  title: string;
  onPick(emoji: string): void;
  onClose(): void;
  /** Shows the one-click reactions first. */
  quick?: boolean;
}) {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const search = useRef<HTMLInputElement>(null);
  const grid = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const list = useMemo(() => searchEmoji(query, 200), [query]);

  useEffect(() => {
    search.current?.focus();
  }, []);

  const focusAt = (i: number) => {
    const n = Math.max(0, Math.min(list.length - 1, i));
    setActive(n);
    grid.current?.querySelectorAll<HTMLButtonElement>('button')[n]?.focus();
  };

  const onGridKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: COLUMNS,
      ArrowUp: -COLUMNS,
    };
    if (e.key in moves) {
      e.preventDefault();
      const next = active + (moves[e.key] ?? 0);
      if (next < 0 && e.key === 'ArrowUp') search.current?.focus();
      else focusAt(next);
    } else if (e.key === 'Home') {
      e.preventDefault();
      focusAt(0);
    } else if (e.key === 'End') {
      e.preventDefault();
      focusAt(list.length - 1);
    }
  };

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
    }
  };

  return (
    <div className="emoji-picker" role="dialog" aria-labelledby={titleId} onKeyDown={onKey}>
      <div className="emoji-picker__head">
        <p id={titleId} className="emoji-picker__title">
          {title}
        </p>
        <button
          type="button"
          className="icon-btn"
          aria-label={t('common.dismiss')}
          onClick={onClose}
        >
          <Icon name="close" size={16} />
        </button>
      </div>
      {quick ? (
        <div className="emoji-picker__quick">
          {QUICK_REACTIONS.map((e) => (
            <button key={e} type="button" className="emoji-picker__emoji" onClick={() => onPick(e)}>
              {e}
            </button>
          ))}
        </div>
      ) : null}
      <label className="visually-hidden" htmlFor={`${titleId}-search`}>
        {t('chat.emoji_search')}
      </label>
      <input
        id={`${titleId}-search`}
        ref={search}
        className="input emoji-picker__search"
        type="search"
        placeholder={t('chat.emoji_search')}
        value={query}
        autoComplete="off"
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && list.length) {
            e.preventDefault();
            focusAt(0);
          } else if (e.key === 'Enter' && list[0]) {
            e.preventDefault();
            onPick(list[0].char);
          }
        }}
      />
      {list.length === 0 ? (
        <p className="emoji-picker__none">{t('chat.emoji_none')}</p>
      ) : (
        <div
          ref={grid}
          className="emoji-picker__grid"
          role="group"
          aria-label={t('chat.emoji_list')}
          onKeyDown={onGridKey}
        >
          {list.map((e, i) => (
            <button
              key={e.char}
              type="button"
              className="emoji-picker__emoji"
              tabIndex={i === active ? 0 : -1}
              title={e.words.split(' ').slice(0, 3).join(', ')}
              onFocus={() => setActive(i)}
              onClick={() => onPick(e.char)}
            >
              {e.char}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
