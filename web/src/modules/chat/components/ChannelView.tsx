// An open channel: header, messages, who is typing, composer. Marks the
// channel read while the person reads it (window focused, at the end).
// Files dropped on it go to the composer as attachments.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Channel } from '../../../api';
import { Button } from '../../../components/Button';
import { Alert } from '../../../components/Feedback';
import { liveEvents } from '../../../events';
import { messageExcerpt, readableBody } from '../../../notifications/live';
import { useI18n } from '../../../i18n';
import { KeysStatus } from '../../../armour/KeysStatus';
import { useChannelKeys, useChat, useChatErrorText, useChatState } from '../context';
import { channelTitle, typingText } from '../format';
import { useFileDrop, useWindowFocused } from '../hooks';
import { HeightCache } from '../logic/virtual';
import { ChannelHeader } from './ChannelHeader';
import { Composer } from './Composer';
import type { MessagePermissions } from './MessageItem';
import { MessageList } from './MessageList';
import { useMessageActions } from './useMessageActions';

export function ChannelView({
  channel,
  jumpTo,
  focusToken,
}: {
  channel: Channel;
  /** A message to show (from a search result or a pin). */
  jumpTo: string | null;
  /** Changes when the channel is opened again: focus moves in. */
  focusToken: number;
}) {
  const { t } = useI18n();
  const errorText = useChatErrorText();
  const { store, labelOf, canWrite, canManage, setPane, displayName, me, armour } = useChat();
  const cid = channel.id;
  const channelKeys = useChannelKeys(channel);
  const title = channelTitle(channel.kind, labelOf(channel));
  const loaded = useChatState((s) => s.timelines[cid]?.loaded ?? false);
  const typingMap = useChatState((s) => s.typing[cid]);
  // The "new messages" line stays where it was when the channel was opened.
  const [unreadAfter] = useState(() =>
    channel.unread > 0 || channel.mentions > 0 ? channel.last_read_seq : undefined,
  );
  const [cache] = useState(() => new HeightCache());
  const openThread = useCallback((root: string) => setPane({ kind: 'thread', root }), [setPane]);
  const { actions, error, setError, editing, setEditing, reactionPicker, deleteDialog } =
    useMessageActions(openThread);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [atBottom, setAtBottom] = useState(true);
  const [jump, setJump] = useState<{ id: string; token: number } | null>(null);
  const [announce, setAnnounce] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  const section = useRef<HTMLElement>(null);
  const focused = useWindowFocused();
  const [dropped, setDropped] = useState<{ files: File[] } | null>(null);

  useEffect(() => {
    store.loadLatest(cid).catch(setLoadError);
  }, [store, cid]);

  // A search result or a pin: load back until the message is there.
  useEffect(() => {
    if (!jumpTo) return;
    let cancelled = false;
    store.loadUntil(cid, jumpTo).then(
      (found) => {
        if (cancelled) return;
        if (found) setJump((j) => ({ id: jumpTo, token: (j?.token ?? 0) + 1 }));
        else setError(new Error('missing'));
      },
      (e: unknown) => !cancelled && setError(e),
    );
    return () => {
      cancelled = true;
    };
  }, [store, cid, jumpTo]);

  // Reading: new messages are read as they come; the server is told (debounced).
  const reading = focused && atBottom && loaded;
  // A channel marked unread stays so until the person leaves it.
  useEffect(() => () => store.releaseUnread(cid), [store, cid]);
  useEffect(() => {
    store.setReading(reading ? cid : null);
    return () => {
      if (store.isReading(cid)) store.setReading(null);
    };
  }, [store, cid, reading]);
  const behind =
    channel.joined &&
    (channel.unread > 0 || channel.mentions > 0 || channel.last_read_seq < channel.last_seq);
  useEffect(() => {
    if (reading && behind) store.markReadSoon(cid);
  }, [store, cid, reading, behind, channel.last_seq]);

  // Screen readers hear new messages from others.
  useEffect(
    () =>
      liveEvents().subscribe('message.created', (e) => {
        const d = e.data ?? {};
        if (d.channel_id !== cid || d.author_id === me.id || typeof d.body !== 'string') return;
        if (d.thread_id && d.in_channel !== true) return;
        const name = displayName(String(d.author_id));
        // Armoured: decrypted (nothing is read out when it cannot be).
        const body = readableBody(e.workspace_id, d) ?? '';
        setAnnounce(
          t('chat.new_message_from', {
            name,
            text: messageExcerpt(body, (id) => displayName(id)),
          }),
        );
      }),
    [cid, me.id, displayName, t],
  );

  // Opening a channel: the focus goes to the composer (or the heading).
  useEffect(() => {
    if (!focusToken) return;
    const composer = document.querySelector<HTMLTextAreaElement>('.chat-channel .composer__input');
    (composer ?? heading.current)?.focus({ preventScroll: true });
  }, [focusToken, cid]);

  const writable = canWrite && !channel.archived;
  const permissions: MessagePermissions = useMemo(
    () => ({ write: writable, manage: canManage }),
    [writable, canManage],
  );

  const typingNames = Object.keys(typingMap ?? {}).map((u) => displayName(u));
  const missing = error instanceof Error && error.message === 'missing';

  const dragging = useFileDrop(section, writable && channel.joined, (files) =>
    setDropped({ files }),
  );

  return (
    <section
      ref={section}
      className={dragging ? 'chat-channel chat-channel--dragging' : 'chat-channel'}
      aria-labelledby={`chat-title-${cid}`}
    >
      {dragging ? <DropHint title={title} /> : null}
      <ChannelHeader channel={channel} title={title} headingRef={heading} />
      {armour ? (
        <KeysStatus
          keys={armour}
          channel={channelKeys}
          nameOf={displayName}
          className="chat-channel__notice"
        />
      ) : null}
      {channel.archived ? <Alert kind="info">{t('chat.archived_notice')}</Alert> : null}
      {loadError ? (
        <div className="chat-channel__notice">
          <Alert kind="error" title={t('chat.load_failed')}>
            <Button
              size="sm"
              onClick={() => {
                setLoadError(null);
                store.loadLatest(cid).catch(setLoadError);
              }}
            >
              {t('chat.retry')}
            </Button>
          </Alert>
        </div>
      ) : null}
      <MessageList
        key={cid}
        channel={channel}
        title={title}
        unreadAfterSeq={unreadAfter}
        actions={actions}
        permissions={permissions}
        jumpTo={jump}
        cache={cache}
        onBottomChange={setAtBottom}
      />
      <div className="chat-channel__below">
        {reactionPicker}
        <p className="typing" aria-live="polite">
          {typingNames.length ? typingText(typingNames, t) : ''}
        </p>
        {error ? (
          <Alert kind="error">{missing ? t('chat.message_missing') : errorText(error)}</Alert>
        ) : null}
        {!canWrite ? <p className="chat-channel__readonly">{t('chat.read_only')}</p> : null}
        {writable && !channel.joined ? (
          <div className="chat-channel__join">
            <p>{t('chat.not_joined')}</p>
            <Button
              size="sm"
              variant="primary"
              onClick={() => void store.join(cid).catch(setError)}
            >
              {t('chat.join')}
            </Button>
          </div>
        ) : null}
        {writable ? (
          <Composer
            channel={channel}
            title={title}
            editing={editing}
            onEditingChange={setEditing}
            dropped={dropped}
          />
        ) : null}
      </div>
      <p className="visually-hidden" aria-live="polite">
        {announce}
      </p>
      {deleteDialog}
    </section>
  );
}

/** Over the channel (or a thread) while files are dragged onto it. */
export function DropHint({ title }: { title: string }) {
  const { t } = useI18n();
  return (
    <div className="chat-channel__drop" aria-hidden="true">
      <p>{t('chat.drop_files', { channel: title })}</p>
    </div>
  );
}
