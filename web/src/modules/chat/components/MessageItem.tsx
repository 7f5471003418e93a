// One message: author and time (unless it continues the previous one),
// the sanitized Markdown body, edited/deleted states, reactions, the
// thread's reply count, its attachments (image previews, download chips;
// armoured, those its sealed body describes, opened in the browser), and
// its actions (shown on hover and focus).
import { memo, useEffect, useRef, type ReactNode } from 'react';
import { api, type Attachment, type Message } from '../../../api';
import { Avatar } from '../../../components/Avatar';
import { Icon, type IconName } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { useChat } from '../context';
import { listOf } from '../../../i18n/core';
import { timeOf } from '../format';
import { formatBytes, previewBox } from '../logic/attachments';
import { shownFiles } from '../sealedFiles';
import { MessageBody, readableText, useShown } from './MessageBody';
import { SealedAttachments } from './SealedAttachments';

/** What a message can do; one object per list, so rows stay memoized. */
export interface MessageActions {
  openThread(root: string): void;
  /** Opens the emoji picker for a reaction (the button gets focus back). */
  pickReaction(m: Message, trigger: HTMLElement): void;
  toggleReaction(m: Message, emoji: string): void;
  edit(m: Message): void;
  remove(m: Message): void;
  togglePin(m: Message): void;
  /** Unread from this message on (channel view only). */
  markUnread(m: Message): void;
  /** The message list: a row asks to become the active (focusable) one. */
  activate(id: string): void;
}

export interface MessagePermissions {
  /** Reactions, replies, pins. */
  write: boolean;
  /** Delete others' messages (workspace owners and admins). */
  manage: boolean;
}

interface Props {
  message: Message;
  continued: boolean;
  actions: MessageActions;
  permissions: MessagePermissions;
  /** The one message of the list in the tab order (roving focus). */
  active: boolean;
  /** Move the keyboard focus here now (a new value each time). */
  focusToken?: number;
  highlight?: boolean;
  /** Shown in the thread pane: no reply count, no "reply in thread". */
  inThread?: boolean;
}

export const MessageItem = memo(function MessageItem({
  message: m,
  continued,
  actions,
  permissions,
  active,
  focusToken,
  highlight = false,
  inThread = false,
}: Props) {
  const { t, locale, relative } = useI18n();
  const { me, displayName, armour } = useChat();
  const shown = useShown(m);
  // Armoured: the server's list names opaque uploads; the sealed body says what they are.
  const sealedFiles = armour && !m.deleted ? shownFiles(shown, m.attachments) : [];
  // An armoured message that cannot be read here cannot be edited either.
  const editable = readableText(shown) !== null;
  const ref = useRef<HTMLElement>(null);
  const author = displayName(m.author_id);
  const time = timeOf(m.created_at, locale);
  const mine = m.author_id === me.id;
  const tab = active ? 0 : -1;

  useEffect(() => {
    if (active && focusToken) ref.current?.focus({ preventScroll: true });
  }, [active, focusToken]);

  const cls = [
    'msg',
    continued ? 'msg--continued' : '',
    m.deleted ? 'msg--deleted' : '',
    highlight ? 'msg--highlight' : '',
    m.mentions.includes(me.id) || (m.mentions.includes('channel') && !mine) ? 'msg--mention' : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <article
      ref={ref}
      className={cls}
      tabIndex={tab}
      data-message-id={m.id}
      aria-label={`${author}, ${time}`}
      onFocus={(e) => {
        if (e.target === e.currentTarget || !active) actions.activate(m.id);
      }}
    >
      <div className="msg__gutter">
        {continued ? (
          <time className="msg__hover-time" dateTime={m.created_at}>
            {time}
          </time>
        ) : (
          <Avatar name={author} seed={m.author_id} />
        )}
      </div>
      <div className="msg__main">
        {!continued ? (
          <p className="msg__header">
            <span className="msg__author">{author}</span>
            <time className="msg__time" dateTime={m.created_at}>
              {time}
            </time>
            {m.pinned ? (
              <span className="msg__pinned">
                <Icon name="pin" size={12} />
                {t('chat.pinned')}
              </span>
            ) : null}
          </p>
        ) : null}
        {m.thread_id && !inThread ? (
          <p className="msg__context">
            {t('chat.replied_in_thread')} ·{' '}
            <button
              type="button"
              className="link-btn msg__context-link"
              tabIndex={tab}
              onClick={() => actions.openThread(m.thread_id ?? '')}
            >
              {t('chat.view_thread')}
            </button>
          </p>
        ) : null}
        {m.deleted ? (
          <p className="msg__deleted-text">{t('chat.deleted')}</p>
        ) : (
          <div className="msg__body">
            <MessageBody message={m} shown={shown} />
            {m.edited_at ? (
              <span
                className="msg__edited"
                title={t('chat.edited_at', { date: new Date(m.edited_at).toLocaleString(locale) })}
              >
                {t('chat.edited')}
              </span>
            ) : null}
          </div>
        )}
        {armour ? (
          sealedFiles.length ? (
            <SealedAttachments files={sealedFiles} tab={tab} />
          ) : null
        ) : m.attachments?.length && !m.deleted ? (
          <Attachments list={m.attachments} tab={tab} />
        ) : null}
        {m.reactions.length > 0 && !m.deleted ? (
          <Reactions m={m} actions={actions} canReact={permissions.write} tab={tab} />
        ) : null}
        {!inThread && m.reply_count > 0 && !m.thread_id ? (
          <button
            type="button"
            className="msg__replies"
            tabIndex={tab}
            onClick={() => actions.openThread(m.id)}
          >
            <Icon name="thread" size={14} />
            <span className="msg__replies-count">
              {t('chat.replies', { count: m.reply_count })}
            </span>
            {m.last_reply_at ? (
              <span className="msg__replies-last">
                {t('chat.last_reply', { when: relative(m.last_reply_at) })}
              </span>
            ) : null}
          </button>
        ) : null}
      </div>
      {!m.deleted && (permissions.write || !inThread) ? (
        <div
          className="msg__actions"
          role="group"
          aria-label={t('chat.message_actions', { name: author })}
        >
          {permissions.write ? (
            <ActionButton
              icon="smile"
              label={t('chat.react')}
              tab={tab}
              onClick={(el) => actions.pickReaction(m, el)}
            />
          ) : null}
          {permissions.write && !inThread && !m.thread_id ? (
            <ActionButton
              icon="thread"
              label={t('chat.reply')}
              tab={tab}
              onClick={() => actions.openThread(m.id)}
            />
          ) : null}
          {permissions.write ? (
            <ActionButton
              icon="pin"
              label={m.pinned ? t('chat.unpin') : t('chat.pin')}
              tab={tab}
              pressed={m.pinned}
              onClick={() => actions.togglePin(m)}
            />
          ) : null}
          {!inThread ? (
            <ActionButton
              icon="eye"
              label={t('chat.mark_unread')}
              tab={tab}
              onClick={() => actions.markUnread(m)}
            />
          ) : null}
          {mine && permissions.write && editable ? (
            <ActionButton
              icon="edit"
              label={t('chat.edit')}
              tab={tab}
              onClick={() => actions.edit(m)}
            />
          ) : null}
          {permissions.write && (mine || permissions.manage) ? (
            <ActionButton
              icon="trash"
              label={t('chat.delete')}
              tab={tab}
              onClick={() => actions.remove(m)}
            />
          ) : null}
        </div>
      ) : null}
    </article>
  );
});

function ActionButton({
  icon,
  label,
  tab,
  pressed,
  onClick,
}: {
  icon: IconName;
  label: string;
  tab: number;
  pressed?: boolean;
  onClick(el: HTMLButtonElement): void;
}) {
  return (
    <button
      type="button"
      className="icon-btn msg__action"
      aria-label={label}
      title={label}
      tabIndex={tab}
      aria-pressed={pressed}
      onClick={(e) => onClick(e.currentTarget)}
    >
      <Icon name={icon} size={16} />
    </button>
  );
}

/**
 * Images as previews (the cookie session authorizes the <img> request; the
 * server serves inline only what it recognised as an image) that open full
 * size; other files as download chips.
 */
function Attachments({ list, tab }: { list: Attachment[]; tab: number }): ReactNode {
  const { t, locale } = useI18n();
  return (
    <ul className="attachments" aria-label={t('chat.attachments')}>
      {list.map((a) => {
        const size = formatBytes(a.size, locale);
        if (a.image) {
          const box = previewBox(a.image.width, a.image.height);
          return (
            <li key={a.id} className="attachment attachment--image">
              <a
                href={api.chat.attachmentUrl(a.id, true)}
                target="_blank"
                rel="noopener noreferrer"
                tabIndex={tab}
                title={t('chat.open_image', { name: a.name })}
                aria-label={t('chat.open_image', { name: a.name })}
              >
                <img
                  src={api.chat.attachmentUrl(a.id, true)}
                  alt={a.name}
                  width={box.width}
                  height={box.height}
                  loading="lazy"
                  decoding="async"
                />
              </a>
            </li>
          );
        }
        return (
          <li key={a.id} className="attachment attachment--file">
            <a
              className="attachment__chip"
              href={api.chat.attachmentUrl(a.id)}
              download={a.name}
              tabIndex={tab}
              aria-label={t('chat.download_file', { name: a.name, size })}
            >
              <Icon name="file" size={18} />
              <span className="attachment__name">{a.name}</span>
              <span className="attachment__size">{size}</span>
              <Icon name="download" size={16} />
            </a>
          </li>
        );
      })}
    </ul>
  );
}

function Reactions({
  m,
  actions,
  canReact,
  tab,
}: {
  m: Message;
  actions: MessageActions;
  canReact: boolean;
  tab: number;
}): ReactNode {
  const { t, locale } = useI18n();
  const { me, displayName } = useChat();
  return (
    <ul className="reactions">
      {m.reactions.map((r) => {
        const mine = r.user_ids.includes(me.id);
        const names = listOf(
          r.user_ids.map((u) =>
            u === me.id ? t('chat.you', { name: displayName(u) }) : displayName(u),
          ),
          locale,
        );
        const label = t('chat.reaction_label', {
          emoji: r.emoji,
          names,
          count: r.user_ids.length,
        });
        return (
          <li key={r.emoji}>
            <button
              type="button"
              className={mine ? 'reaction reaction--mine' : 'reaction'}
              aria-pressed={mine}
              aria-label={label}
              title={label}
              tabIndex={tab}
              disabled={!canReact}
              onClick={() => actions.toggleReaction(m, r.emoji)}
            >
              <span className="reaction__emoji" aria-hidden="true">
                {r.emoji}
              </span>
              <span className="reaction__count" aria-hidden="true">
                {r.user_ids.length}
              </span>
            </button>
          </li>
        );
      })}
      {canReact ? (
        <li>
          <button
            type="button"
            className="reaction reaction--add"
            aria-label={t('chat.react')}
            title={t('chat.react')}
            tabIndex={tab}
            onClick={(e) => actions.pickReaction(m, e.currentTarget)}
          >
            <Icon name="smile" size={16} />
            <Icon name="plus" size={12} />
          </button>
        </li>
      ) : null}
    </ul>
  );
}
