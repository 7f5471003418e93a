// A task's comments in its details: oldest first, each with its author
// (avatar and name, as the chat shows them), when (relative, the date on
// hover and for screen readers), "(edited)", and its Markdown sanitized.
// "Show the next comments" reads the next page; comments come, change and
// go live. Writers comment (Ctrl+Enter or the button), edit their own
// (Ctrl+Enter saves, Escape cancels) and delete them, asked first, as
// workspace owners and admins may delete anyone's. "@" offers the members
// who see the tasks: "@Name" shows while typing and goes as `<@ID>`, which
// tells that person (plain workspaces only: sealed comments tell nobody);
// mentions show as names, the reader's own highlighted. Readers only read. In an
// armoured workspace comments are sealed for the task (the store), one that
// does not open here says why, and none is written without the workspace's
// current key.
import {
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type FormEvent,
  type KeyboardEvent,
} from 'react';
import type { Task, TaskComment } from '../../../api';
import { Avatar } from '../../../components/Avatar';
import { Button } from '../../../components/Button';
import { ConfirmDialog } from '../../../components/Dialog';
import { TextArea } from '../../../components/Field';
import { Alert, Spinner } from '../../../components/Feedback';
import { useI18n } from '../../../i18n';
import Markdown from '../../../markdown/SafeHtml';
import { namesInText, personOf, toDisplay, toWire } from '../../../mentions/mentions';
import { useMentions } from '../../../mentions/useMentions';
import { useToast } from '../../../notifications/toasts';
import { COMMENTS_PAGE, CommentsStore } from '../comments';
import { useTasks, useTasksErrorText } from '../context';
import { useNow } from '../hooks';
import { splitAtCursor } from '../logic/comments';
import { commentState, openedOf } from '../sealed';
import { SealedNote } from './Sealed';

/** Ctrl+Enter (⌘+Enter on a Mac) in a comment's text area. */
const isSendKey = (e: KeyboardEvent) => e.key === 'Enter' && (e.ctrlKey || e.metaKey);

/** Render it with `key={task.id}`: its comments are read for that task. */
export function TaskComments({ task }: { task: Task }) {
  const { t } = useI18n();
  const { workspace, canWrite, sealBlocked, store: tasks } = useTasks();
  const { toast } = useToast();
  const errorText = useTasksErrorText();
  const [store] = useState(() => {
    const armour = tasks.armour;
    const sealing = armour ? { armour, token: openedOf(task)?.token ?? '' } : null;
    return new CommentsStore(workspace.id, task.id, COMMENTS_PAGE, sealing);
  });
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const [error, setError] = useState<unknown>(null);
  const [removing, setRemoving] = useState<TaskComment | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const id = useId();

  useEffect(() => {
    store.start();
    return () => store.stop();
  }, [store]);

  const { read, later } = splitAtCursor(state.comments, state.cursor, state.complete);

  const remove = (c: TaskComment) => {
    setRemoving(null);
    setError(null);
    store.remove(c.id).then(() => {
      toast({ kind: 'success', title: t('tasks.comment_deleted') });
      heading.current?.focus();
    }, setError);
  };

  const list = (comments: readonly TaskComment[]) => (
    <ol className="task-comments__list">
      {comments.map((c) => (
        <li key={c.id}>
          <CommentItem comment={c} store={store} onRemove={setRemoving} onError={setError} />
        </li>
      ))}
    </ol>
  );

  return (
    <section className="task-comments" aria-labelledby={`${id}-title`}>
      <h3 ref={heading} id={`${id}-title`} className="task-section__title" tabIndex={-1}>
        {t('tasks.comments')}
        {task.comment_count > 0 ? (
          <span className="task-comments__count"> ({task.comment_count})</span>
        ) : null}
      </h3>
      {!state.loaded ? (
        <Spinner label={t('common.loading')} />
      ) : state.failed && state.comments.length === 0 ? (
        <Alert kind="error" title={t('tasks.comments_failed')}>
          <Button size="sm" onClick={() => void store.more()}>
            {t('conn.retry')}
          </Button>
        </Alert>
      ) : state.comments.length === 0 && state.complete ? (
        <p className="muted">{t('tasks.comments_empty')}</p>
      ) : null}
      {read.length ? list(read) : null}
      {state.loaded && !state.complete && !(state.failed && state.comments.length === 0) ? (
        <Button
          size="sm"
          className="task-comments__more"
          busy={state.loading}
          onClick={() => void store.more()}
        >
          {t('tasks.comments_more')}
        </Button>
      ) : null}
      {later.length ? list(later) : null}
      {state.failed && state.comments.length > 0 ? (
        <Alert kind="error">{errorText(state.failed)}</Alert>
      ) : null}
      {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
      {canWrite ? <Composer store={store} blocked={sealBlocked} /> : null}
      {canWrite ? (
        <ConfirmDialog
          open={!!removing}
          title={t('tasks.comment_delete_title')}
          confirmLabel={t('tasks.comment_delete')}
          cancelLabel={t('common.cancel')}
          danger
          onConfirm={() => {
            if (removing) remove(removing);
          }}
          onCancel={() => setRemoving(null)}
        >
          <p>{t('tasks.comment_delete_body')}</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function CommentItem({
  comment: c,
  store,
  onRemove,
  onError,
}: {
  comment: TaskComment;
  store: CommentsStore;
  onRemove(c: TaskComment): void;
  onError(e: unknown): void;
}) {
  const { t, dateTime, relative } = useI18n();
  const { me, nameOf, mentionView, canWrite, canManage, sealBlocked } = useTasks();
  const now = useNow();
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const name = nameOf(c.author_id);
  const mine = c.author_id === me.id;
  // Armoured: its body opened, or why not (then it cannot be rewritten).
  const state = commentState(c);
  const shows = !state || state.kind === 'open';

  const stopEditing = () => {
    setEditing(false);
    requestAnimationFrame(() => editButton.current?.focus());
  };

  return (
    <article
      className="task-comment"
      data-comment-id={c.id}
      aria-label={t('tasks.comment_by', { name, date: dateTime(c.created_at) })}
    >
      <Avatar name={name} seed={c.author_id} size="sm" />
      <div className="task-comment__main">
        <p className="task-comment__header">
          <span className="task-comment__author">{name}</span>
          <time
            className="task-comment__time"
            dateTime={c.created_at}
            title={dateTime(c.created_at)}
          >
            {relative(c.created_at, now.getTime())}
          </time>
          {c.edited_at ? (
            <span
              className="task-comment__edited"
              title={t('tasks.comment_edited_at', { date: dateTime(c.edited_at) })}
            >
              {t('tasks.comment_edited')}
            </span>
          ) : null}
        </p>
        {editing ? (
          <CommentEditor comment={c} store={store} onDone={stopEditing} />
        ) : shows ? (
          <Markdown source={c.body} className="task-comment__body" mention={mentionView} />
        ) : null}
        {!editing ? <SealedNote state={state} what="comment" /> : null}
        {canWrite && !editing && (mine || canManage) ? (
          <div className="task-comment__actions">
            {mine && shows && !sealBlocked ? (
              <button
                ref={editButton}
                type="button"
                className="link-btn"
                onClick={() => {
                  onError(null);
                  setEditing(true);
                }}
              >
                {t('tasks.comment_edit')}
              </button>
            ) : null}
            <button type="button" className="link-btn" onClick={() => onRemove(c)}>
              {t('tasks.comment_delete')}
            </button>
          </div>
        ) : null}
      </div>
    </article>
  );
}

/** One's own comment rewritten in place. */
function CommentEditor({
  comment,
  store,
  onDone,
}: {
  comment: TaskComment;
  store: CommentsStore;
  onDone(): void;
}) {
  const { t } = useI18n();
  const { mentionView } = useTasks();
  const errorText = useTasksErrorText();
  const id = useId();
  // Mentions shown as "@Name" while editing.
  const [draft, setDraft] = useState<Draft>(() =>
    toDisplay(comment.body, (who) => mentionView(who)?.name),
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const body = wireOf(draft);

  const save = async () => {
    if (!body || busy) return;
    if (body === comment.body) {
      onDone();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await store.edit(comment.id, body);
      onDone();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <form
      className="task-comment__editor"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <CommentText
        id={id}
        label={t('tasks.comment_edit_label')}
        hideLabel
        hint={t('tasks.comment_edit_hint')}
        draft={draft}
        onDraft={setDraft}
        rows={4}
        autoFocus
        onKeyDown={(e) => {
          if (isSendKey(e)) {
            e.preventDefault();
            void save();
          } else if (e.key === 'Escape') {
            // Escape here cancels the edit, not the details pane.
            e.preventDefault();
            onDone();
          }
        }}
      />
      {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
      <div className="task-comment__editor-actions">
        <Button size="sm" onClick={onDone} disabled={busy}>
          {t('common.cancel')}
        </Button>
        <Button type="submit" size="sm" variant="primary" busy={busy} disabled={!body}>
          {t('common.save')}
        </Button>
      </div>
    </form>
  );
}

/** A new comment, in Markdown: Ctrl+Enter or the button sends it. */
function Composer({
  store,
  blocked,
}: {
  store: CommentsStore;
  /** Armoured: why no comment can be sealed now, else null. */
  blocked: string | null;
}) {
  const { t } = useI18n();
  const errorText = useTasksErrorText();
  const id = useId();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const body = wireOf(draft);

  const send = async (e?: FormEvent) => {
    e?.preventDefault();
    if (!body || busy || blocked) return;
    setBusy(true);
    setError(null);
    try {
      await store.post(body);
      setDraft(EMPTY);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      // Ready for the next one (the button, now disabled, had the focus when clicked).
      document.getElementById(id)?.focus();
    }
  };

  return (
    <form className="task-comments__composer" onSubmit={(e) => void send(e)}>
      <CommentText
        id={id}
        label={t('tasks.comment_new')}
        hint={blocked ?? t('tasks.comment_hint')}
        draft={draft}
        onDraft={setDraft}
        rows={3}
        onKeyDown={(e) => {
          if (isSendKey(e)) {
            e.preventDefault();
            void send();
          }
        }}
      />
      {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
      <div className="task-comments__send">
        <Button type="submit" variant="primary" size="sm" busy={busy} disabled={!body || !!blocked}>
          {t('tasks.comment_send')}
        </Button>
      </div>
    </form>
  );
}

/** A comment as typed: "@Name" for the people picked (name -> id), sent as `<@ID>`. */
interface Draft {
  text: string;
  names: Map<string, string>;
}

const EMPTY: Draft = { text: '', names: new Map() };

/** The body a draft sends (trimmed; '' when there is nothing to send). */
const wireOf = (d: Draft) => toWire(d.text, namesInText(d.text, d.names)).trim();

/** A comment's text area with mention autocomplete on "@" (the members who see the tasks). */
function CommentText({
  id,
  label,
  hint,
  hideLabel,
  rows,
  autoFocus,
  draft,
  onDraft,
  onKeyDown,
}: {
  id: string;
  label: string;
  hint: string;
  hideLabel?: boolean;
  rows: number;
  autoFocus?: boolean;
  draft: Draft;
  onDraft(d: Draft): void;
  onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>): void;
}) {
  const { t } = useI18n();
  const { people } = useTasks();
  const persons = useMemo(() => people.map(personOf), [people]);
  // Where to put the caret after a pick (a new object each time).
  const [caretRequest, setCaretRequest] = useState<{ at: number } | null>(null);
  const mentions = useMentions({
    text: draft.text,
    names: draft.names,
    people: persons,
    label: t('tasks.mention_list'),
    onPick: (p) => {
      onDraft({ text: p.text, names: p.names });
      setCaretRequest({ at: p.caret });
    },
  });

  useLayoutEffect(() => {
    const el = document.getElementById(id);
    if (el instanceof HTMLTextAreaElement && caretRequest) {
      el.focus();
      el.setSelectionRange(caretRequest.at, caretRequest.at);
    }
  }, [caretRequest, id]);

  return (
    <div className="task-comments__text">
      {mentions.menu}
      <TextArea
        id={id}
        label={label}
        hideLabel={hideLabel}
        hint={hint}
        value={draft.text}
        rows={rows}
        autoFocus={autoFocus}
        {...mentions.inputProps}
        onChange={(e) => {
          onDraft({ text: e.target.value, names: draft.names });
          mentions.setCaret(e.target.selectionStart ?? e.target.value.length);
        }}
        onSelect={(e) => mentions.setCaret(e.currentTarget.selectionStart ?? 0)}
        onKeyDown={(e) => {
          if (!mentions.onKeyDown(e)) onKeyDown(e);
        }}
      />
    </div>
  );
}
