// The composer: a growing text area (Enter sends, Shift+Enter breaks the
// line), mention autocomplete on "@" (people are shown "@Name" and sent as
// <@ID>), an emoji picker, edit mode (↑ in an empty composer edits one's
// last message, Escape cancels), "typing" signals.
import {
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import type { Channel, Message } from '../../../api';
import { Avatar } from '../../../components/Avatar';
import { Alert } from '../../../components/Feedback';
import { Checkbox } from '../../../components/Field';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { useChat, useChatErrorText } from '../context';
import {
  CHANNEL_MENTION,
  insertMention,
  matchPeople,
  matchesChannel,
  mentionAt,
  namesInText,
  toDisplay,
  toWire,
  type MentionQuery,
} from '../logic/mentions';
import { lastOwnMessage } from '../logic/timeline';
import { EmojiPicker } from './EmojiPicker';

/** Unsent text per channel or thread, kept while the screen is open. */
const drafts = new Map<string, { text: string; names: Map<string, string> }>();

interface Candidate {
  id: string;
  label: string;
  detail?: string;
}

export function Composer({
  channel,
  title,
  threadId,
  editing,
  onEditingChange,
  focusToken,
}: {
  channel: Channel;
  /** "#général", for the label. */
  title: string;
  /** Replies to this thread. */
  threadId?: string;
  /** The message being edited (from its "Edit" action), or null. */
  editing: Message | null;
  onEditingChange(m: Message | null): void;
  /** Takes the focus when this changes. */
  focusToken?: number;
}) {
  const { t } = useI18n();
  const errorText = useChatErrorText();
  const { store, people, nameOf, me } = useChat();
  const draftKey = threadId ? `thread:${threadId}` : channel.id;
  const [text, setText] = useState(() => drafts.get(draftKey)?.text ?? '');
  const [names, setNames] = useState<Map<string, string>>(
    () => drafts.get(draftKey)?.names ?? new Map(),
  );
  const [caret, setCaret] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const [activeOption, setActiveOption] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [alsoInChannel, setAlsoInChannel] = useState(false);
  const [picker, setPicker] = useState(false);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [beforeEdit, setBeforeEdit] = useState<{ text: string; names: Map<string, string> }>({
    text: '',
    names: new Map(),
  });
  const area = useRef<HTMLTextAreaElement>(null);
  // Where to put the caret after the next render (a new object each time).
  const [caretRequest, setCaretRequest] = useState<{ at: number } | null>(null);
  const emojiButton = useRef<HTMLButtonElement>(null);
  const ids = useId();

  // Entering edit mode (from a message's action or ↑): its text, mentions as names.
  if (editing && editing.id !== editingId) {
    setEditingId(editing.id);
    if (editingId === null) setBeforeEdit({ text, names });
    const shown = toDisplay(editing.body, nameOf);
    setText(shown.text);
    setNames(shown.names);
    setError(null);
    setCaretRequest({ at: shown.text.length });
  } else if (!editing && editingId !== null) {
    setEditingId(null);
    setText(beforeEdit.text);
    setNames(beforeEdit.names);
    setCaretRequest({ at: beforeEdit.text.length });
  }

  // Keep the draft for when the person comes back to this channel.
  useEffect(() => {
    if (editingId) return;
    if (text) drafts.set(draftKey, { text, names });
    else drafts.delete(draftKey);
  }, [draftKey, text, names, editingId]);

  useLayoutEffect(() => {
    const el = area.current;
    if (el && caretRequest) {
      el.focus();
      el.setSelectionRange(caretRequest.at, caretRequest.at);
    }
  }, [caretRequest]);

  useEffect(() => {
    if (focusToken) area.current?.focus({ preventScroll: true });
  }, [focusToken]);

  // Mentions: who matches what is typed at the caret.
  const query: MentionQuery | null = useMemo(() => mentionAt(text, caret), [text, caret]);
  const candidates: Candidate[] = useMemo(() => {
    if (!query) return [];
    const list: Candidate[] = matchPeople(
      people.map((p) => ({ id: p.user_id, name: p.name, email: p.email })),
      query.query,
    ).map((p) => ({ id: p.id, label: p.name, detail: p.email }));
    if (channel.kind !== 'direct' && matchesChannel(query.query)) {
      list.push({ id: CHANNEL_MENTION, label: CHANNEL_MENTION, detail: t('chat.mention_channel') });
    }
    return list;
  }, [query, people, channel.kind, t]);
  const menuOpen = !!query && candidates.length > 0 && dismissed !== query.start;
  const active = Math.min(activeOption, Math.max(0, candidates.length - 1));

  const choose = (c: Candidate) => {
    if (!query) return;
    const next = insertMention(text, query, caret, c.label);
    setText(next.text);
    if (c.id !== CHANNEL_MENTION) setNames(new Map(names).set(c.label, c.id));
    setCaret(next.caret);
    setCaretRequest({ at: next.caret });
    setActiveOption(0);
  };

  const insertText = (s: string) => {
    const el = area.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + s + text.slice(end);
    setText(next);
    setCaretRequest({ at: start + s.length });
  };

  const send = async () => {
    const body = toWire(text, namesInText(text, names)).trim();
    if (!body || busy) return;
    setBusy(true);
    setError(null);
    if (editing) {
      try {
        if (body !== editing.body) await store.edit(editing.id, body);
        onEditingChange(null);
        setBeforeEdit({ text: '', names: new Map() });
      } catch (e) {
        setError(e);
      } finally {
        setBusy(false);
        area.current?.focus();
      }
      return;
    }
    // The composer empties at once; the text comes back if the message fails.
    const saved = { text, names, alsoInChannel };
    setText('');
    setNames(new Map());
    setAlsoInChannel(false);
    drafts.delete(draftKey);
    try {
      await store.post(channel.id, body, { threadId, alsoInChannel: saved.alsoInChannel });
    } catch (e) {
      setError(e);
      setText((cur) => (cur ? cur : saved.text));
      setNames((cur) => (cur.size ? cur : saved.names));
      setAlsoInChannel(saved.alsoInChannel);
    } finally {
      setBusy(false);
      area.current?.focus();
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.nativeEvent.isComposing) return;
    if (menuOpen) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = candidates.length;
        setActiveOption((active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        const c = candidates[active];
        if (c) choose(c);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setDismissed(query?.start ?? null);
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      void send();
      return;
    }
    if (e.key === 'Escape' && editing) {
      e.preventDefault();
      onEditingChange(null);
      return;
    }
    if (e.key === 'ArrowUp' && text === '' && !editing && !e.altKey) {
      const list = threadId ? store.thread(threadId) : store.timeline(channel.id);
      const last = lastOwnMessage(list, me.id);
      if (last && !(threadId && last.id === threadId && list.messages.length > 1)) {
        e.preventDefault();
        onEditingChange(last);
      }
    }
  };

  const label = threadId
    ? t('chat.composer_reply_label')
    : t('chat.composer_label', { channel: title });
  const optionId = (i: number) => `${ids}-opt-${i}`;

  return (
    <div className={editing ? 'composer composer--editing' : 'composer'}>
      {picker ? (
        <EmojiPicker
          title={t('chat.emoji')}
          onPick={(emoji) => {
            setPicker(false);
            insertText(emoji);
          }}
          onClose={() => {
            setPicker(false);
            emojiButton.current?.focus();
          }}
        />
      ) : null}
      {menuOpen ? (
        <ul
          className="mention-menu"
          id={`${ids}-menu`}
          role="listbox"
          aria-label={t('chat.mention_list')}
        >
          {candidates.map((c, i) => (
            <li
              key={c.id}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              className={
                i === active
                  ? 'mention-menu__item mention-menu__item--active'
                  : 'mention-menu__item'
              }
              onMouseDown={(e) => {
                e.preventDefault();
                choose(c);
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
      ) : null}
      {editing ? (
        <p className="composer__editing" id={`${ids}-editing`}>
          <Icon name="edit" size={14} />
          {t('chat.editing')}
        </p>
      ) : null}
      {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
      <div className="composer__box">
        <label htmlFor={`${ids}-text`} className="visually-hidden">
          {label}
        </label>
        <textarea
          id={`${ids}-text`}
          ref={area}
          className="composer__input"
          rows={1}
          value={text}
          placeholder={
            threadId
              ? t('chat.composer_reply_placeholder')
              : t('chat.composer_placeholder', { channel: title })
          }
          aria-describedby={`${ids}-hint${editing ? ` ${ids}-editing` : ''}`}
          aria-controls={menuOpen ? `${ids}-menu` : undefined}
          aria-activedescendant={menuOpen ? optionId(active) : undefined}
          aria-autocomplete="list"
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart ?? e.target.value.length);
            setError(null);
            if (e.target.value) store.typing(channel.id);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
          onKeyDown={onKeyDown}
        />
        <div className="composer__tools">
          <button
            ref={emojiButton}
            type="button"
            className="icon-btn"
            aria-label={t('chat.emoji')}
            title={t('chat.emoji')}
            aria-expanded={picker}
            onClick={() => setPicker((p) => !p)}
          >
            <Icon name="smile" size={18} />
          </button>
          <button
            type="button"
            className="icon-btn composer__send"
            aria-label={editing ? t('common.save') : t('chat.send')}
            title={editing ? t('common.save') : t('chat.send')}
            disabled={busy || !text.trim()}
            onClick={() => void send()}
          >
            <Icon name={editing ? 'check' : 'send'} size={18} />
          </button>
        </div>
      </div>
      <div className="composer__foot">
        {threadId ? (
          <Checkbox
            label={t('chat.also_send', { channel: title })}
            checked={alsoInChannel}
            onChange={(e) => setAlsoInChannel(e.target.checked)}
          />
        ) : null}
        <p className="composer__hint" id={`${ids}-hint`}>
          {t('chat.composer_hint')}
        </p>
      </div>
    </div>
  );
}
