// The mention autocomplete shown above a text area (chat's composer, task
// comments): who matches the "@…" typed at the caret, the active one
// highlighted; a click (mouse down, the text area keeps the focus) picks.
import { Avatar } from '../components/Avatar';
import { Icon } from '../components/Icon';
import { CHANNEL_MENTION } from './mentions';

export interface MentionCandidate {
  /** A person's id, or CHANNEL_MENTION. */
  id: string;
  label: string;
  detail?: string;
}

/** The id of the menu's i-th option (the text area's aria-activedescendant). */
export const mentionOptionId = (menuId: string, i: number) => `${menuId}-opt-${i}`;

export function MentionMenu({
  id,
  label,
  candidates,
  active,
  onChoose,
}: {
  id: string;
  /** The list's accessible name. */
  label: string;
  candidates: readonly MentionCandidate[];
  active: number;
  onChoose(c: MentionCandidate): void;
}) {
  return (
    <ul className="mention-menu" id={id} role="listbox" aria-label={label}>
      {candidates.map((c, i) => (
        <li
          key={c.id}
          id={mentionOptionId(id, i)}
          role="option"
          aria-selected={i === active}
          className={
            i === active ? 'mention-menu__item mention-menu__item--active' : 'mention-menu__item'
          }
          onMouseDown={(e) => {
            e.preventDefault();
            onChoose(c);
          }}
        >
          {c.id === CHANNEL_MENTION ? (
            <span className="mention-menu__icon" aria-hidden="true">
              <Icon name="at" size={16} />
            </span>
          ) : (
            <Avatar name={c.label} seed={c.id} size="sm" />
          )}
          <span className="mention-menu__name">
            {c.id === CHANNEL_MENTION ? '@channel' : c.label}
          </span>
          {c.detail ? <span className="mention-menu__detail">{c.detail}</span> : null}
        </li>
      ))}
    </ul>
  );
}
