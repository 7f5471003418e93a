// The thread pane: the first message, its replies (live), and a composer
// for replies with "also send to the channel".
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Channel, Message } from '../../../api';
import { Alert, Spinner } from '../../../components/Feedback';
import { useI18n } from '../../../i18n';
import { DeleteMessageDialog } from './DeleteMessageDialog';
import { useChat, useChatErrorText, useChatState } from '../context';
import { continues } from '../logic/grouping';
import { EMPTY_TIMELINE } from '../logic/timeline';
import { Composer } from './Composer';
import { EmojiPicker } from './EmojiPicker';
import { MessageItem, type MessageActions, type MessagePermissions } from './MessageItem';
import { PaneFrame } from './PaneFrame';

export function ThreadPane({
  root,
  channel,
  title,
  permissions,
  writable,
}: {
  root: string;
  channel: Channel;
  title: string;
  permissions: MessagePermissions;
  writable: boolean;
}) {
  const { t } = useI18n();
  const errorText = useChatErrorText();
  const { store, setPane } = useChat();
  const thread = useChatState((s) => s.threads[root]) ?? EMPTY_TIMELINE;
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<Message | null>(null);
  const [picker, setPicker] = useState<{ message: Message; trigger: HTMLElement } | null>(null);
  const [removing, setRemoving] = useState<Message | null>(null);
  const [active, setActive] = useState<string | null>(null);
  const list = useRef<HTMLOListElement>(null);

  useEffect(() => {
    store.loadThread(root).catch(setError);
  }, [store, root]);

  // New replies: show the end.
  const count = thread.messages.length;
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [count]);

  const actions: MessageActions = useMemo(
    () => ({
      openThread: () => undefined,
      pickReaction: (message, trigger) => setPicker({ message, trigger }),
      toggleReaction: (m, emoji) => void store.toggleReaction(m, emoji).catch(setError),
      edit: (m) => setEditing(m),
      remove: (m) => setRemoving(m),
      togglePin: (m) => void store.togglePin(m).catch(setError),
      activate: (id) => setActive(id),
    }),
    [store],
  );

  const first = thread.messages[0];
  const current = active ?? thread.messages[thread.messages.length - 1]?.id ?? null;
  return (
    <PaneFrame title={t('chat.thread_title')} subtitle={title} onClose={() => setPane(null)}>
      <div className="thread">
        {!thread.loaded && !error ? <Spinner label={t('common.loading')} /> : null}
        {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
        <ol ref={list} className="thread__list" aria-label={t('chat.thread_title')}>
          {thread.messages.map((m, i) => (
            <li key={m.id} className={i === 0 ? 'thread__root' : 'thread__reply'}>
              <MessageItem
                message={m}
                continued={i > 1 && continues(thread.messages[i - 1], m)}
                actions={actions}
                permissions={permissions}
                active={m.id === current}
                inThread
              />
              {i === 0 && thread.messages.length > 1 ? (
                <p className="thread__count">
                  {t('chat.replies', { count: thread.messages.length - 1 })}
                </p>
              ) : null}
            </li>
          ))}
        </ol>
        {picker ? (
          <EmojiPicker
            title={t('chat.react')}
            quick
            onPick={(emoji) => {
              void store.toggleReaction(picker.message, emoji).catch(setError);
              setPicker(null);
              if (picker.trigger.isConnected) picker.trigger.focus();
            }}
            onClose={() => {
              setPicker(null);
              if (picker.trigger.isConnected) picker.trigger.focus();
            }}
          />
        ) : null}
        {writable && first && !first.deleted ? (
          <Composer
            channel={channel}
            title={title}
            threadId={root}
            editing={editing}
            onEditingChange={setEditing}
          />
        ) : null}
      </div>
      <DeleteMessageDialog
        message={removing}
        onClose={() => setRemoving(null)}
        onError={setError}
      />
    </PaneFrame>
  );
}
