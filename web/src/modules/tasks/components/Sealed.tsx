// What an armoured workspace's tasks show of their sealed texts
// (docs/armoured.md, "Tasks"): the board's badge, a task's title or why it
// does not show (its keys are not here yet, it does not open, it is not
// signed by its author), the same for a checklist item or a comment, and
// "author not verified" where the author's keys are not known here.
import { useCallback } from 'react';
import type { Task } from '../../../api';
import { useArmourText } from '../../../armour/i18n';
import { Icon } from '../../../components/Icon';
import { openedOf, type SealState } from '../sealed';

/** The board's mark of an armoured workspace, with what the server still sees. */
export function SealedBadge() {
  const ta = useArmourText();
  return (
    <p className="tasks-armoured" title={ta('tasks.badge_hint')}>
      <span className="tag tag--success">
        <Icon name="lock" size={12} />
        {ta('tasks.badge')}
      </span>
      <span className="visually-hidden"> {ta('tasks.badge_hint')}</span>
    </p>
  );
}

type What = 'task' | 'item' | 'comment';

const UNREADABLE = {
  task: 'tasks.unreadable',
  item: 'tasks.unreadable_item',
  comment: 'tasks.unreadable_comment',
} as const;

/** The words for a sealed text that does not show (null: it shows). */
function useWhyNot(): (state: SealState, what: What) => string | null {
  const ta = useArmourText();
  return useCallback(
    (state, what) => {
      switch (state.kind) {
        case 'open':
          return null;
        case 'pending':
          return ta('tasks.pending');
        case 'bad_signature':
          return ta('tasks.bad_signature');
        case 'unreadable':
          return ta(UNREADABLE[what]);
      }
    },
    [ta],
  );
}

/**
 * A task's title as the screens say it: its own, or (armoured, its card
 * not opened) why it does not show.
 */
export function useTitleOf(): (task: Task) => string {
  const whyNot = useWhyNot();
  return useCallback(
    (task) => {
      const card = openedOf(task)?.card;
      return (card && whyNot(card, 'task')) ?? task.title;
    },
    [whyNot],
  );
}

/**
 * Why a sealed text does not show (it did not open, or is not signed by
 * its author), with the reason on hover and for screen readers; or, opened
 * but its author's keys unknown here, "author not verified". Nothing for a
 * verified text or a plain one (`state` undefined).
 */
export function SealedNote({ state, what }: { state: SealState | undefined; what: What }) {
  const ta = useArmourText();
  const whyNot = useWhyNot();
  if (!state || (state.kind === 'open' && state.verified)) return null;
  if (state.kind === 'open') {
    return (
      <span className="task-sealed sealed-state--unverified" title={ta('tasks.unverified_hint')}>
        {ta('tasks.unverified')}
        <span className="visually-hidden"> {ta('tasks.unverified_hint')}</span>
      </span>
    );
  }
  const hint =
    state.kind === 'bad_signature'
      ? ta('tasks.bad_signature_hint')
      : state.kind === 'unreadable'
        ? ta('tasks.unreadable_hint')
        : null;
  return (
    <span className={`task-sealed sealed-state--${state.kind}`} title={hint ?? undefined}>
      {whyNot(state, what)}
      {hint ? <span className="visually-hidden"> {hint}</span> : null}
    </span>
  );
}
