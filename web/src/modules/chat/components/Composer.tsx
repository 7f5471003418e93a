// The composer: a growing text area (Enter sends, Shift+Enter breaks the
// line), mention autocomplete on "@" (people are shown "@Name" and sent as
// <@ID>), an emoji picker, edit mode (↑ in an empty composer edits one's
// last message, Escape cancels), "typing" signals, and attachments (the
// attach button, a paste, or files dropped on the channel): each uploads at
// once with a progress bar and can be cancelled; sending waits for them.
// In an armoured workspace the store encrypts what is sent, edits start
// from the decrypted text, and each file is sealed before it uploads (as
// "attachment"): its name, type, size and key go into the sealed message.
import {
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import { api, isApiError, type Channel, type Message, type Upload } from '../../../api';
import { Alert } from '../../../components/Feedback';
import { Checkbox } from '../../../components/Field';
import { Icon } from '../../../components/Icon';
import {
  ArmourError,
  MAX_SEALED_FILE_BYTES,
  isPreviewType,
  sealedFileSize,
  type SealedFile,
} from '../../../armour/format';
import { useArmourText } from '../../../armour/i18n';
import { useI18n } from '../../../i18n';
import { useAwaitingKey } from '../../../armour/KeysStatus';
import { useChannelKeys, useChat, useChatErrorText } from '../context';
import {
  CHANNEL_MENTION,
  matchesChannel,
  namesInText,
  personOf,
  toDisplay,
  toWire,
} from '../../../mentions/mentions';
import type { MentionCandidate } from '../../../mentions/MentionMenu';
import { useMentions } from '../../../mentions/useMentions';
import { filesOf, formatBytes, MAX_ATTACHMENTS } from '../logic/attachments';
import { lastOwnMessage } from '../logic/timeline';
import { uploadSealed, type Uploaded } from '../sealedFiles';
import { EmojiPicker } from './EmojiPicker';

/** Unsent text per channel or thread, kept while the screen is open. */
const drafts = new Map<string, { text: string; names: Map<string, string> }>();

/** A file being uploaded (or uploaded) for the next message. */
interface Pending {
  key: string;
  name: string;
  size: number;
  /** Bytes of the file sent so far. */
  sent: number;
  /** sealing: being encrypted (armoured workspaces), before it uploads. */
  state: 'sealing' | 'uploading' | 'done' | 'failed';
  upload: Upload<Uploaded>;
  /** The server's attachment, and (armoured) what the sealed message says of it. */
  uploaded?: Uploaded;
  /** A blob: URL of the local file, for an image's thumbnail. */
  preview?: string;
}

const dropPreview = (p: Pending) => {
  if (p.preview) URL.revokeObjectURL(p.preview);
};

let pendingKeys = 0;

export function Composer({
  channel,
  title,
  threadId,
  editing,
  onEditingChange,
  focusToken,
  dropped,
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
  /** Files dropped on the channel, to attach (a new object each time). */
  dropped?: { files: File[] } | null;
}) {
  const { t, locale } = useI18n();
  const errorText = useChatErrorText();
  const ta = useArmourText();
  const { store, people, nameOf, me, armour } = useChat();
  // Armoured: nothing is sent while the key it would be sealed with is awaited.
  const channelKeys = useChannelKeys(channel);
  const sealBlocked = useAwaitingKey(channelKeys ?? armour)
    ? ta(channelKeys ? 'keys.send_blocked_channel' : 'keys.send_blocked')
    : null;
  const draftKey = threadId ? `thread:${threadId}` : channel.id;
  const [text, setText] = useState(() => drafts.get(draftKey)?.text ?? '');
  const [names, setNames] = useState<Map<string, string>>(
    () => drafts.get(draftKey)?.names ?? new Map(),
  );
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
  const fileInput = useRef<HTMLInputElement>(null);
  const ids = useId();
  const [pending, setPending] = useState<Pending[]>([]);
  // The list as the last render saw it, for handlers that outlive it.
  const pendingRef = useRef<Pending[]>([]);
  useEffect(() => {
    pendingRef.current = pending;
  }, [pending]);

  const update = (key: string, change: Partial<Pending>) =>
    setPending((list) => list.map((p) => (p.key === key ? { ...p, ...change } : p)));

  /** Starts a file's upload: as it is, or sealed first in an armoured workspace. */
  const startUpload = (key: string, file: File): Upload<Uploaded> => {
    const progress = (sent: number) => update(key, { sent });
    if (armour)
      return uploadSealed(channel.id, file, progress, () => update(key, { state: 'uploading' }));
    const upload = api.chat.upload(channel.id, file, file.name, progress);
    return { done: upload.done.then((attachment) => ({ attachment })), abort: upload.abort };
  };

  const addFiles = (given: File[]) => {
    // Sealed, a file must still fit the server's limit per upload: refused here.
    const files = armour
      ? given.filter((f) => sealedFileSize(f.size) <= MAX_SEALED_FILE_BYTES)
      : given;
    if (files.length < given.length) setError(new ArmourError('file_too_large'));
    const room = MAX_ATTACHMENTS - pendingRef.current.length;
    if (files.length > room) setError(new Error('too_many_files'));
    const added: Pending[] = files.slice(0, Math.max(0, room)).map((file) => {
      const key = `up-${++pendingKeys}`;
      const upload = startUpload(key, file);
      upload.done.then(
        (uploaded) => update(key, { state: 'done', sent: file.size, uploaded }),
        (e: unknown) => {
          if (e instanceof DOMException && e.name === 'AbortError') return;
          update(key, { state: 'failed' });
          setError(e);
        },
      );
      return {
        key,
        name: file.name,
        size: file.size,
        sent: 0,
        state: armour ? 'sealing' : 'uploading',
        upload,
        preview: isPreviewType(file.type) ? URL.createObjectURL(file) : undefined,
      };
    });
    if (added.length) setPending((list) => [...list, ...added]);
  };

  const cancelUpload = (p: Pending) => {
    setPending((list) => list.filter((x) => x.key !== p.key));
    dropPreview(p);
    if (p.state === 'uploading' || p.state === 'sealing') p.upload.abort();
    else if (p.uploaded) {
      void api.chat.discardAttachment(p.uploaded.attachment.id).catch(() => undefined);
    }
    area.current?.focus();
  };

  // Dropped on the channel view. Starting the uploads is the effect; the
  // error it may set (files refused) comes from that same drop.
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (dropped?.files.length) addFiles(dropped.files);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dropped]);

  // Leaving the channel stops what is still uploading.
  useEffect(
    () => () => {
      for (const p of pendingRef.current) {
        if (p.state === 'uploading' || p.state === 'sealing') p.upload.abort();
        dropPreview(p);
      }
    },
    [],
  );

  /** The text a message has now (decrypted in an armoured workspace; '' when unreadable). */
  const editedText = (m: Message): string => (armour ? (armour.plaintext(m) ?? '') : m.body);

  // Entering edit mode (from a message's action or ↑): its text, mentions as names.
  if (editing && editing.id !== editingId) {
    setEditingId(editing.id);
    if (editingId === null) setBeforeEdit({ text, names });
    const shown = toDisplay(editedText(editing), nameOf);
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

  // Mentions: who matches what is typed at the caret (and "@channel" outside direct messages).
  const mentionPeople = useMemo(() => people.map(personOf), [people]);
  const channelMention = useCallback(
    (q: string): MentionCandidate[] =>
      channel.kind !== 'direct' && matchesChannel(q)
        ? [{ id: CHANNEL_MENTION, label: CHANNEL_MENTION, detail: t('chat.mention_channel') }]
        : [],
    [channel.kind, t],
  );
  const mentions = useMentions({
    text,
    names,
    people: mentionPeople,
    label: t('chat.mention_list'),
    extra: channelMention,
    onPick: (p) => {
      setText(p.text);
      setNames(p.names);
      setCaretRequest({ at: p.caret });
    },
  });

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
    const files = editing ? [] : pendingRef.current;
    if ((!body && files.length === 0) || busy || sealBlocked) return;
    setBusy(true);
    setError(null);
    if (editing) {
      try {
        if (body !== editedText(editing)) await store.edit(editing, body);
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
    // Sending waits for the uploads.
    let uploaded: Uploaded[];
    try {
      uploaded = await Promise.all(files.map((p) => p.upload.done));
    } catch (e) {
      setError(e);
      setBusy(false);
      return;
    }
    const attachmentIds = uploaded.map((u) => u.attachment.id);
    // Armoured: what the sealed message says of each file, its key among it.
    const sealed: SealedFile[] | undefined =
      armour && uploaded.length
        ? uploaded.flatMap((u) => (u.seal ? [{ id: u.attachment.id, ...u.seal }] : []))
        : undefined;
    // The composer empties at once; the text comes back if the message fails.
    const saved = { text, names, alsoInChannel, files };
    setText('');
    setNames(new Map());
    setAlsoInChannel(false);
    setPending([]);
    drafts.delete(draftKey);
    try {
      await store.post(channel.id, body, {
        threadId,
        alsoInChannel: saved.alsoInChannel,
        attachmentIds,
        files: sealed,
      });
      saved.files.forEach(dropPreview);
    } catch (e) {
      setError(e);
      setText((cur) => (cur ? cur : saved.text));
      setNames((cur) => (cur.size ? cur : saved.names));
      setAlsoInChannel(saved.alsoInChannel);
      setPending((cur) => (cur.length ? cur : saved.files));
    } finally {
      setBusy(false);
      area.current?.focus();
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.nativeEvent.isComposing) return;
    if (mentions.onKeyDown(e)) return;
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
      {mentions.menu}
      {editing ? (
        <p className="composer__editing" id={`${ids}-editing`}>
          <Icon name="edit" size={14} />
          {t('chat.editing')}
        </p>
      ) : null}
      {error ? (
        <Alert kind="error">
          {error instanceof Error && error.message === 'too_many_files'
            ? t('chat.too_many_files', { count: MAX_ATTACHMENTS })
            : isApiError(error, 'attachment_too_large')
              ? t('chat.file_too_large')
              : isApiError(error, 'quota_exceeded')
                ? t('chat.quota_exceeded')
                : errorText(error)}
        </Alert>
      ) : null}
      {pending.length ? (
        <ul className="composer__files" aria-label={t('chat.attachments_pending')}>
          {pending.map((p) => (
            <li key={p.key} className={`upload upload--${p.state}`}>
              {p.preview ? (
                <img className="upload__thumb" src={p.preview} alt="" width={24} height={24} />
              ) : (
                <Icon name="file" size={16} />
              )}
              <span className="upload__name">{p.name}</span>
              <span className="upload__size">{formatBytes(p.size, locale)}</span>
              <progress
                className="upload__bar"
                max={Math.max(1, p.size)}
                // No value while it is sealed: an indeterminate bar.
                value={
                  p.state === 'sealing'
                    ? undefined
                    : p.state === 'uploading'
                      ? p.sent
                      : Math.max(1, p.size)
                }
                aria-label={t('chat.upload_progress', { name: p.name })}
              />
              <span className="upload__state" aria-live="polite">
                {p.state === 'done'
                  ? t('chat.upload_done')
                  : p.state === 'failed'
                    ? t('chat.upload_failed')
                    : p.state === 'sealing'
                      ? ta('file.sealing')
                      : `${Math.floor((100 * p.sent) / Math.max(1, p.size))} %`}
              </span>
              <button
                type="button"
                className="icon-btn upload__cancel"
                aria-label={t('chat.upload_cancel', { name: p.name })}
                title={t('chat.upload_cancel', { name: p.name })}
                disabled={busy}
                onClick={() => cancelUpload(p)}
              >
                <Icon name="close" size={14} />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
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
          {...mentions.inputProps}
          onChange={(e) => {
            setText(e.target.value);
            mentions.setCaret(e.target.selectionStart ?? e.target.value.length);
            setError(null);
            if (e.target.value) store.typing(channel.id);
          }}
          onSelect={(e) => mentions.setCaret(e.currentTarget.selectionStart ?? 0)}
          onKeyDown={onKeyDown}
          onPaste={(e) => {
            if (editing) return;
            const files = filesOf(e.clipboardData);
            if (files.length === 0) return;
            e.preventDefault();
            addFiles(files);
          }}
        />
        <div className="composer__tools">
          {!editing ? (
            <>
              <input
                ref={fileInput}
                type="file"
                multiple
                hidden
                tabIndex={-1}
                aria-hidden="true"
                onChange={(e) => {
                  addFiles(Array.from(e.target.files ?? []));
                  e.target.value = '';
                }}
              />
              <button
                type="button"
                className="icon-btn"
                aria-label={t('chat.attach')}
                title={t('chat.attach')}
                onClick={() => fileInput.current?.click()}
              >
                <Icon name="paperclip" size={18} />
              </button>
            </>
          ) : null}
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
            title={sealBlocked ?? (editing ? t('common.save') : t('chat.send'))}
            aria-describedby={sealBlocked ? `${ids}-hint` : undefined}
            disabled={
              busy || !!sealBlocked || (!text.trim() && (editing !== null || pending.length === 0))
            }
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
          {sealBlocked ?? t('chat.composer_hint')}
        </p>
      </div>
    </div>
  );
}
