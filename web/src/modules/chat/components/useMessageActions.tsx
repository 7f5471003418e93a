// What a list of messages offers on each message (react, edit, delete, pin,
// mark unread, open its thread) and the dialogs these open: one for the channel view and
// the thread pane.
import { useMemo, useState, type ReactNode } from 'react';
import type { Message } from '../../../api';
import { useI18n } from '../../../i18n';
import { useChat } from '../context';
import { DeleteMessageDialog } from './DeleteMessageDialog';
import { EmojiPicker } from './EmojiPicker';
import type { MessageActions } from './MessageItem';

const ignore = () => undefined;

export interface MessageActionsState {
  actions: MessageActions;
  /** The last failed action (shown by the caller). */
  error: unknown;
  setError(e: unknown): void;
  /** The message being edited in the composer. */
  editing: Message | null;
  setEditing(m: Message | null): void;
  /** The reaction picker while open, where the caller places it. */
  reactionPicker: ReactNode;
  /** The delete confirmation (renders nothing while closed). */
  deleteDialog: ReactNode;
}

/** `openThread` and `activate` must be stable (useCallback). */
export function useMessageActions(
  openThread: (root: string) => void = ignore,
  activate: (id: string) => void = ignore,
): MessageActionsState {
  const { t } = useI18n();
  const { store } = useChat();
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<Message | null>(null);
  const [picker, setPicker] = useState<{ message: Message; trigger: HTMLElement } | null>(null);
  const [removing, setRemoving] = useState<Message | null>(null);

  const actions: MessageActions = useMemo(
    () => ({
      openThread,
      pickReaction: (message, trigger) => setPicker({ message, trigger }),
      toggleReaction: (m, emoji) => void store.toggleReaction(m, emoji).catch(setError),
      edit: (m) => setEditing(m),
      remove: (m) => setRemoving(m),
      togglePin: (m) => void store.togglePin(m).catch(setError),
      markUnread: (m) => void store.markUnread(m).catch(setError),
      activate,
    }),
    [store, openThread, activate],
  );

  const closePicker = (trigger: HTMLElement) => {
    setPicker(null);
    if (trigger.isConnected) trigger.focus();
  };
  const reactionPicker = picker ? (
    <EmojiPicker
      title={t('chat.react')}
      quick
      onPick={(emoji) => {
        void store.toggleReaction(picker.message, emoji).catch(setError);
        closePicker(picker.trigger);
      }}
      onClose={() => closePicker(picker.trigger)}
    />
  ) : null;
  const deleteDialog = (
    <DeleteMessageDialog message={removing} onClose={() => setRemoving(null)} onError={setError} />
  );
  return { actions, error, setError, editing, setEditing, reactionPicker, deleteDialog };
}
