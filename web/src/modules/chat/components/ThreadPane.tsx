// The thread pane: the first message, its latest replies (live) and the
// earlier ones on demand, and a composer for replies with "also send to the
// channel". Files dropped on it go to that composer as attachments.
import { useEffect, useRef, useState } from 'react';
import type { Channel } from '../../../api';
import { Alert, Spinner } from '../../../components/Feedback';
import { useI18n } from '../../../i18n';
import { useChat, useChatErrorText, useChatState } from '../context';
import { useFileDrop } from '../hooks';
import { continues } from '../logic/grouping';
import { EMPTY_TIMELINE } from '../logic/timeline';
import { DropHint } from './ChannelView';
import { Composer } from './Composer';
import { MessageItem, type MessagePermissions } from './MessageItem';
import { PaneFrame } from './PaneFrame';
import { useMessageActions } from './useMessageActions';

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
  const loadingOlder = useChatState((s) => s.loadingOlder[root] ?? false);
  const [active, setActive] = useState<string | null>(null);
  const { actions, error, setError, editing, setEditing, reactionPicker, deleteDialog } =
    useMessageActions(undefined, setActive);
  const list = useRef<HTMLOListElement>(null);
  const pane = useRef<HTMLDivElement>(null);
  const [dropped, setDropped] = useState<{ files: File[] } | null>(null);

  useEffect(() => {
    store.loadThread(root).catch(setError);
  }, [store, root]);

  // A new reply (or the thread opening): show the end. Older replies
  // loaded above leave the view where it is.
  const last = thread.messages[thread.messages.length - 1]?.id;
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [last]);

  const loadOlder = () => {
    store.loadOlderReplies(root).catch(setError);
  };
  const first = thread.messages[0];
  const current = active ?? thread.messages[thread.messages.length - 1]?.id ?? null;
  const replying = writable && first !== undefined && !first.deleted;
  const dragging = useFileDrop(pane, replying, (files) => setDropped({ files }));
  return (
    <PaneFrame title={t('chat.thread_title')} subtitle={title} onClose={() => setPane(null)}>
      <div ref={pane} className={dragging ? 'thread thread--dragging' : 'thread'}>
        {dragging ? <DropHint title={t('chat.this_thread')} /> : null}
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
              {i === 0 && m.reply_count > 0 ? (
                <p className="thread__count">{t('chat.replies', { count: m.reply_count })}</p>
              ) : null}
              {i === 0 && thread.hasOlder && thread.loaded ? (
                <div className="thread__older">
                  {loadingOlder ? (
                    <Spinner label={t('chat.loading_older')} />
                  ) : (
                    <button type="button" className="link-btn" onClick={loadOlder}>
                      {t('chat.earlier_replies')}
                    </button>
                  )}
                </div>
              ) : null}
            </li>
          ))}
        </ol>
        {reactionPicker}
        {replying ? (
          <Composer
            channel={channel}
            title={title}
            threadId={root}
            editing={editing}
            onEditingChange={setEditing}
            dropped={dropped}
          />
        ) : null}
      </div>
      {deleteDialog}
    </PaneFrame>
  );
}
