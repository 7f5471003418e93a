// A channel's messages: rows (day separators, "new messages", groups) in
// the virtualized list; older pages load when the reader nears the top;
// ↑/↓ move the keyboard focus from message to message.
import { useCallback, useMemo, useState, type KeyboardEvent } from 'react';
import type { Channel } from '../../../api';
import { Spinner } from '../../../components/Feedback';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { useChat, useChatState } from '../context';
import { dayLabel } from '../format';
import { RowBuilder, type Row } from '../logic/grouping';
import { EMPTY_TIMELINE } from '../logic/timeline';
import type { HeightCache } from '../logic/virtual';
import { MessageItem, type MessageActions, type MessagePermissions } from './MessageItem';
import { VirtualList, type ScrollRequest } from './VirtualList';

const rowKey = (r: Row) => r.key;
/** Only messages anchor the scroll position: separators move when older messages arrive. */
const notMessage = (key: string) => key === 'start' || key === 'new' || key.startsWith('day:');

function estimate(r: Row): number {
  switch (r.kind) {
    case 'start':
      return 96;
    case 'day':
      return 40;
    case 'new':
      return 28;
    case 'message': {
      const lines = Math.max(1, Math.ceil(r.message.body.length / 90));
      const extra = (r.message.reactions.length ? 32 : 0) + (r.message.reply_count ? 30 : 0);
      return (r.continued ? 8 : 32) + lines * 22 + extra;
    }
  }
}

export function MessageList({
  channel,
  title,
  unreadAfterSeq,
  actions,
  permissions,
  jumpTo,
  cache,
  onBottomChange,
}: {
  channel: Channel;
  title: string;
  /** The read position when the channel was opened ("new messages" line). */
  unreadAfterSeq: number | undefined;
  actions: Omit<MessageActions, 'activate'>;
  permissions: MessagePermissions;
  /** A message to bring into view (search result). */
  jumpTo: { id: string; token: number } | null;
  cache: HeightCache;
  onBottomChange(atBottom: boolean): void;
}) {
  const { t, locale } = useI18n();
  const { store, me } = useChat();
  const cid = channel.id;
  const timeline = useChatState((s) => s.timelines[cid]) ?? EMPTY_TIMELINE;
  const loadingOlder = useChatState((s) => s.loadingOlder[cid] ?? false);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [focus, setFocus] = useState<{ id: string; token: number } | null>(null);
  const [atBottom, setAtBottom] = useState(true);

  // Built on the previous rows: a page of older messages costs the page.
  const [builder] = useState(() => new RowBuilder());
  const rows = useMemo(
    () => builder.rows(timeline.messages, { unreadAfterSeq, me: me.id }),
    [builder, timeline.messages, unreadAfterSeq, me.id],
  );
  const messages = timeline.messages;
  // The focusable message: the chosen one, else the newest.
  const current =
    activeId && messages.some((m) => m.id === activeId)
      ? activeId
      : (messages[messages.length - 1]?.id ?? null);

  const fullActions: MessageActions = useMemo(
    () => ({ ...actions, activate: (id: string) => setActiveId(id) }),
    [actions],
  );

  const scrollTo: ScrollRequest | null = useMemo(() => {
    if (focus) return { key: focus.id, token: focus.token, align: 'nearest' };
    if (jumpTo) return { key: jumpTo.id, token: -jumpTo.token, align: 'center' };
    return null;
  }, [focus, jumpTo]);

  // The oldest loaded message changes look when older ones arrive (it may
  // join their group): the anchor is a message after it.
  const oldest = timeline.hasOlder ? timeline.messages[0]?.id : undefined;
  const notAnchor = useCallback((key: string) => notMessage(key) || key === oldest, [oldest]);

  const onNearTop = useCallback(() => {
    void store.loadOlder(cid);
  }, [store, cid]);

  const bottomChange = useCallback(
    (b: boolean) => {
      setAtBottom(b);
      onBottomChange(b);
    },
    [onBottomChange],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const onMessage = (e.target as HTMLElement).matches?.('article.msg');
    if (!onMessage || e.altKey || e.ctrlKey || e.metaKey) return;
    const i = current ? messages.findIndex((m) => m.id === current) : -1;
    let next = -1;
    if (e.key === 'ArrowUp') next = Math.max(0, i - 1);
    else if (e.key === 'ArrowDown') next = Math.min(messages.length - 1, i + 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = messages.length - 1;
    if (next < 0) return;
    e.preventDefault();
    const id = messages[next]?.id;
    if (!id) return;
    setActiveId(id);
    setFocus((f) => ({ id, token: (f?.token ?? 0) + 1 }));
    if (next === 0 && timeline.hasOlder) void store.loadOlder(cid);
  };

  const renderRow = (r: Row) => {
    switch (r.kind) {
      case 'start':
        return timeline.hasOlder || !timeline.loaded ? (
          <div className="msg-start msg-start--loading">
            {loadingOlder || !timeline.loaded ? <Spinner label={t('chat.loading_older')} /> : null}
          </div>
        ) : (
          <div className="msg-start">
            <p className="msg-start__title">{t('chat.channel_start', { channel: title })}</p>
            {channel.topic ? <p className="msg-start__topic">{channel.topic}</p> : null}
            <p className="msg-start__body">{t('chat.channel_start_body')}</p>
          </div>
        );
      case 'day':
        return (
          <div className="day-sep" role="separator">
            <span className="day-sep__label">{dayLabel(r.day, r.at, locale, t)}</span>
          </div>
        );
      case 'new':
        return (
          <div className="new-sep" role="separator">
            <span className="new-sep__label">{t('chat.new_messages')}</span>
          </div>
        );
      case 'message':
        return (
          <MessageItem
            message={r.message}
            continued={r.continued}
            actions={fullActions}
            permissions={permissions}
            active={r.key === current}
            focusToken={focus?.id === r.key ? focus.token : undefined}
            highlight={jumpTo?.id === r.key}
          />
        );
    }
  };

  return (
    <div className="msg-list" data-loaded={timeline.messages.length}>
      <VirtualList
        items={rows}
        itemKey={rowKey}
        estimateHeight={estimate}
        renderItem={renderRow}
        cache={cache}
        onNearTop={timeline.loaded && timeline.hasOlder ? onNearTop : undefined}
        onBottomChange={bottomChange}
        scrollTo={scrollTo}
        className="msg-list__scroller"
        label={t('chat.messages_label', { channel: title })}
        onKeyDown={onKeyDown}
        rowClassName="msg-row"
        notAnchor={notAnchor}
      />
      {!atBottom ? (
        <button
          type="button"
          className="btn btn--secondary btn--sm msg-list__latest"
          onClick={() => {
            const last = messages[messages.length - 1]?.id;
            if (last) setFocus((f) => ({ id: last, token: (f?.token ?? 0) + 1 }));
            setActiveId(last ?? null);
          }}
        >
          <Icon name="arrowDown" size={16} />
          {t('chat.jump_latest')}
        </button>
      ) : null}
    </div>
  );
}
