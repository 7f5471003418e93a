// A task's checklist in its details: how far along it is (a bar and
// "3/5"), each item a checkbox. Writers tick and untick, rewrite an item
// in place (Enter saves, Escape cancels), delete it, move it (its up and
// down buttons, or Alt+↑ and Alt+↓ from any of its controls), and add
// items one after the other (the field stays ready). Each change shows at
// once and goes away, the error said, if the server refuses it (the
// store). Readers see the list as it is. In an armoured workspace an item
// whose text does not open here says why (it can be ticked, moved and
// deleted, not rewritten), and no text is written without the workspace's
// current key.
import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ChecklistItem, Task } from '../../../api';
import { Button } from '../../../components/Button';
import { Checkbox, TextField } from '../../../components/Field';
import { Alert } from '../../../components/Feedback';
import { Icon } from '../../../components/Icon';
import { useArmourText } from '../../../armour/i18n';
import { useI18n } from '../../../i18n';
import { useChecklist, useTasks, useTasksErrorText } from '../context';
import { MAX_CHECKLIST_ITEMS, MAX_ITEM_BYTES, isPendingItem, progressOf } from '../logic/checklist';
import { itemState } from '../sealed';
import { checklistOf } from '../store';
import { SealedNote } from './Sealed';
import { clipUtf8 } from '../../../util/text';

type Direction = 'up' | 'down';

const KEY_MOVES: Record<string, Direction> = { ArrowUp: 'up', ArrowDown: 'down' };

/**
 * After the list re-renders (an item moved, deleted, edited), the focus
 * goes to one of an item's controls, else its checkbox, else the add field.
 */
function refocus(root: HTMLElement | null, itemId: string | null, control: string) {
  requestAnimationFrame(() => {
    const item = [...(root?.querySelectorAll('[data-item-id]') ?? [])].find(
      (el) => el.getAttribute('data-item-id') === itemId,
    );
    const wanted = item?.querySelector<HTMLElement>(`[data-control="${control}"]`);
    const target =
      wanted && !(wanted as HTMLButtonElement).disabled
        ? wanted
        : (item?.querySelector<HTMLElement>('[data-control="check"]') ??
          root?.querySelector<HTMLElement>('[data-control="add"]'));
    target?.focus();
  });
}

export function TaskChecklist({ task }: { task: Task }) {
  const { t } = useI18n();
  const { store, canWrite, sealBlocked } = useTasks();
  const errorText = useTasksErrorText();
  const items = useChecklist(task);
  const ta = useArmourText();
  /** An item as its buttons and announcements name it. */
  const textOf = (item: ChecklistItem) =>
    textOpen(item) ? item.text : ta('tasks.unreadable_item');
  const { done, total } = progressOf(items);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [announced, setAnnounced] = useState('');
  const root = useRef<HTMLElement>(null);
  const id = useId();

  /** Sends a change; a refusal is said under the list (the change already taken back). */
  const run = (p: Promise<void>) => {
    setError(null);
    p.catch(setError);
  };

  const move = (item: ChecklistItem, dir: Direction, control: string) => {
    const i = items.findIndex((x) => x.id === item.id);
    const neighbour = items[dir === 'up' ? i - 1 : i + 1];
    if (i < 0 || !neighbour || isPendingItem(neighbour)) return;
    run(
      store.moveItem(
        task.id,
        item.id,
        dir === 'up' ? { before: neighbour.id } : { after: neighbour.id },
      ),
    );
    // The move shows at once: say where the item is now.
    const held = store.getState().board.byId[task.id] ?? task;
    const now = checklistOf(store.getState(), held);
    setAnnounced(
      t('tasks.checklist_moved', {
        text: textOf(item),
        position: now.findIndex((x) => x.id === item.id) + 1,
        count: now.length,
      }),
    );
    refocus(root.current, item.id, control);
  };

  const remove = (item: ChecklistItem) => {
    const i = items.findIndex((x) => x.id === item.id);
    const next = items[i + 1] ?? items[i - 1];
    run(store.removeItem(task.id, item.id));
    refocus(root.current, next?.id ?? null, 'check');
  };

  const saveText = (item: ChecklistItem, text: string | null, fromKey: boolean) => {
    setEditing(null);
    if (text !== null) run(store.changeItem(task.id, item.id, { text }));
    // Left with Enter or Escape: back to its edit button (not when the person clicked elsewhere).
    if (fromKey) refocus(root.current, item.id, 'edit');
  };

  const onKeyDown = (item: ChecklistItem) => (e: KeyboardEvent) => {
    const dir = KEY_MOVES[e.key];
    if (!dir || !e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    const control = (e.target as HTMLElement).getAttribute('data-control') ?? 'check';
    move(item, dir, control);
  };

  return (
    <section ref={root} className="task-checklist" aria-labelledby={`${id}-title`}>
      <div className="task-checklist__head">
        <h3 id={`${id}-title`} className="task-section__title">
          {t('tasks.checklist')}
        </h3>
        {total ? (
          <span className="task-checklist__count" aria-hidden="true">
            {done}/{total}
          </span>
        ) : null}
      </div>
      {total ? (
        <progress
          className={
            done === total ? 'task-checklist__bar task-checklist__bar--done' : 'task-checklist__bar'
          }
          max={total}
          value={done}
          aria-labelledby={`${id}-title`}
          aria-valuetext={t('tasks.checklist_progress', { count: done, total })}
        />
      ) : null}
      {total === 0 ? (
        <p className="muted">{t('tasks.checklist_empty')}</p>
      ) : (
        <ul
          className="task-checklist__list"
          aria-labelledby={`${id}-title`}
          aria-describedby={canWrite ? `${id}-keys` : undefined}
        >
          {items.map((item, i) => {
            const pending = isPendingItem(item);
            const next = items[i + 1];
            return (
              <li
                key={item.id}
                className={
                  item.done
                    ? 'task-checklist__item task-checklist__item--done'
                    : 'task-checklist__item'
                }
                data-item-id={item.id}
                aria-busy={pending || undefined}
                onKeyDown={canWrite && editing !== item.id ? onKeyDown(item) : undefined}
              >
                {editing === item.id ? (
                  <ItemEditor
                    item={item}
                    onDone={(text, fromKey) => saveText(item, text, fromKey)}
                  />
                ) : (
                  <>
                    <ItemCheck
                      item={item}
                      disabled={!canWrite || pending}
                      onToggle={(on) => run(store.changeItem(task.id, item.id, { done: on }))}
                    />
                    {canWrite ? (
                      <div className="task-checklist__actions">
                        <ItemButton
                          control="up"
                          icon="arrowUp"
                          label={t('tasks.checklist_move_up', { text: textOf(item) })}
                          disabled={pending || i === 0 || isPendingItem(items[i - 1] ?? item)}
                          onClick={() => move(item, 'up', 'up')}
                        />
                        <ItemButton
                          control="down"
                          icon="arrowDown"
                          label={t('tasks.checklist_move_down', { text: textOf(item) })}
                          disabled={pending || !next || isPendingItem(next)}
                          onClick={() => move(item, 'down', 'down')}
                        />
                        <ItemButton
                          control="edit"
                          icon="edit"
                          label={t('tasks.checklist_edit', { text: textOf(item) })}
                          disabled={pending || !!sealBlocked || !textOpen(item)}
                          onClick={() => setEditing(item.id)}
                        />
                        <ItemButton
                          control="delete"
                          icon="trash"
                          label={t('tasks.checklist_delete', { text: textOf(item) })}
                          disabled={pending}
                          onClick={() => remove(item)}
                        />
                      </div>
                    ) : null}
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {canWrite && total ? (
        <p id={`${id}-keys`} className="visually-hidden">
          {t('tasks.checklist_keys')}
        </p>
      ) : null}
      {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
      {canWrite ? (
        <AddItem
          full={total >= MAX_CHECKLIST_ITEMS}
          blocked={sealBlocked}
          onAdd={(text) => run(store.addItem(task.id, text))}
        />
      ) : null}
      <p className="visually-hidden" aria-live="polite">
        {announced}
      </p>
    </section>
  );
}

/** Whether an item's text shows (a plain one, or opened): it can be rewritten. */
function textOpen(item: ChecklistItem): boolean {
  const s = itemState(item);
  return !s || s.kind === 'open';
}

/** An item's checkbox; ticked, by whom and when. */
function ItemCheck({
  item,
  disabled,
  onToggle,
}: {
  item: ChecklistItem;
  disabled: boolean;
  onToggle(on: boolean): void;
}) {
  const { t, dateTime } = useI18n();
  const { nameOf } = useTasks();
  // Armoured: its text opened, or why not.
  const state = itemState(item);
  const hint =
    item.done && item.done_by && item.done_at
      ? t('tasks.checklist_done_by', { name: nameOf(item.done_by), date: dateTime(item.done_at) })
      : undefined;
  return (
    <Checkbox
      className="task-checklist__check"
      label={
        state && !(state.kind === 'open' && state.verified) ? (
          <>
            {state.kind === 'open' ? `${item.text} ` : null}
            <SealedNote state={state} what="item" />
          </>
        ) : (
          item.text
        )
      }
      hint={hint}
      checked={item.done}
      disabled={disabled}
      data-control="check"
      onChange={(e) => onToggle(e.target.checked)}
    />
  );
}

function ItemButton({
  control,
  icon,
  label,
  disabled,
  onClick,
}: {
  control: string;
  icon: 'arrowUp' | 'arrowDown' | 'edit' | 'trash';
  label: string;
  disabled: boolean;
  onClick(): void;
}) {
  return (
    <button
      type="button"
      className="icon-btn"
      data-control={control}
      aria-label={label}
      title={label}
      disabled={disabled}
      onClick={onClick}
    >
      <Icon name={icon} size={16} />
    </button>
  );
}

/** An item's text being rewritten: Enter (or leaving the field) saves, Escape cancels. */
function ItemEditor({
  item,
  onDone,
}: {
  item: ChecklistItem;
  /** The new text (null: unchanged, or cancelled); `fromKey`: Enter or Escape, not a blur. */
  onDone(text: string | null, fromKey: boolean): void;
}) {
  const { t } = useI18n();
  const [text, setText] = useState(item.text);
  const finished = useRef(false);

  const finish = (save: boolean, fromKey: boolean) => {
    if (finished.current) return;
    finished.current = true;
    const v = text.trim();
    onDone(save && v && v !== item.text ? v : null, fromKey);
  };

  return (
    <TextField
      className="task-checklist__editor"
      label={t('tasks.checklist_text')}
      hideLabel
      hint={t('tasks.checklist_text_hint')}
      value={text}
      maxLength={MAX_ITEM_BYTES}
      autoFocus
      data-control="text"
      onChange={(e) => setText(clipUtf8(e.target.value, MAX_ITEM_BYTES))}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          finish(true, true);
        } else if (e.key === 'Escape') {
          // Escape here cancels the edit, not the details pane.
          e.preventDefault();
          finish(false, true);
        }
      }}
      onBlur={() => finish(true, false)}
    />
  );
}

/** "Add an item": Enter or the button adds it, and the field stays ready for the next. */
function AddItem({
  full,
  blocked,
  onAdd,
}: {
  full: boolean;
  /** Armoured: why no text can be sealed now, else null. */
  blocked: string | null;
  onAdd(text: string): void;
}) {
  const { t } = useI18n();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = text.trim();
    if (!v || full || blocked) return;
    onAdd(v);
    setText('');
    input.current?.focus();
  };

  return (
    <form className="task-checklist__add" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        {t('tasks.checklist_add')}
      </label>
      <input
        ref={input}
        id={id}
        className="input"
        value={text}
        maxLength={MAX_ITEM_BYTES}
        placeholder={t('tasks.checklist_add')}
        aria-describedby={`${id}-hint`}
        disabled={full || !!blocked}
        data-control="add"
        onChange={(e) => setText(clipUtf8(e.target.value, MAX_ITEM_BYTES))}
      />
      <Button type="submit" size="sm" icon="plus" disabled={full || !!blocked || !text.trim()}>
        {t('tasks.checklist_add_button')}
      </Button>
      <p id={`${id}-hint`} className="field__hint">
        {full ? t('tasks.checklist_full') : (blocked ?? t('tasks.checklist_add_hint'))}
      </p>
    </form>
  );
}
