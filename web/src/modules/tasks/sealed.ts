// Tasks in an armoured workspace (docs/armoured.md, "Tasks"). The server
// knows each task by a token (16 random bytes made by the browser that
// creates it) and keeps its title, description and labels in a sealed
// card, each checklist item's text and each comment in sealed texts of
// their own, all bound to the token and signed by their author. Here tasks,
// items and comments are opened for the screens (their texts, or why not),
// and what the person writes is sealed before it leaves: a new task, a new
// card for a change of its title, description or labels, an item's text, a
// comment. The same writes in a plain workspace are sent as they are.
import { ApiError } from '../../api';
import type {
  ChecklistItem,
  NewTask,
  SealedNewTask,
  SealedTaskChange,
  Task,
  TaskChange,
  TaskComment,
} from '../../api';
import {
  ArmourError,
  isTaskDescription,
  isTaskLabels,
  isTaskText,
  isTaskTitle,
  type TaskCard,
} from '../../armour/format';
import { sealStateOf, type Opened, type SealState, type WorkspaceKeys } from '../../armour/keys';
import { retrySealed } from '../../armour/sealedWrite';

export type { SealState } from '../../armour/keys';

/** What the browser opened of an armoured task. */
export interface OpenedTask {
  token: string;
  /** Its card: opened (the task's title, description and labels are its own), or why not. */
  card: SealState;
  /** Its card and every item's text opened and checked with their authors' keys. */
  verified: boolean;
  /** The task as the server gave it. */
  raw: Task;
}

/** A task as the screens show it; `opened` in an armoured workspace. */
export type ShownTask = Task & { opened?: OpenedTask };

/** A checklist item as shown; `opened`: its text's state, in an armoured workspace. */
export type ShownItem = ChecklistItem & { opened?: SealState };

/** A comment as shown; `opened`: its body's state, in an armoured workspace. */
export type ShownComment = TaskComment & { opened?: SealState; raw?: TaskComment };

/** What an armoured task opened, if it is one. */
export function openedOf(t: Task): OpenedTask | undefined {
  return (t as ShownTask).opened;
}

/** The task as the server gave it. */
export function rawOf(t: Task): Task {
  return openedOf(t)?.raw ?? t;
}

/** Whether the task's title, description and labels show (a plain task, or its card opened). */
export function cardOpen(t: Task): boolean {
  const o = openedOf(t);
  return !o || o.card.kind === 'open';
}

/** An item's text state, if it is sealed. */
export function itemState(item: ChecklistItem): SealState | undefined {
  return (item as ShownItem).opened;
}

/** The comment as the server gave it. */
export function rawComment(c: TaskComment): TaskComment {
  return (c as ShownComment).raw ?? c;
}

/** A comment's body state, if it is sealed. */
export function commentState(c: TaskComment): SealState | undefined {
  return (c as ShownComment).opened;
}

// ---- what is sealed, checked first (the server's codes, docs/tasks.md) -----

const invalid = (code: string) => new ApiError(400, code, code);

/**
 * A card as sealed: the title trimmed, the labels trimmed without empty or
 * repeated ones; ApiError invalid_title, invalid_description or
 * invalid_labels over the limits (what the server answers a plain task).
 */
export function sealableCard(c: TaskCard): TaskCard {
  const title = c.title.trim();
  const labels: string[] = [];
  for (const l of c.labels) {
    const x = l.trim();
    if (x && !labels.includes(x)) labels.push(x);
  }
  if (!isTaskTitle(title)) throw invalid('invalid_title');
  if (!isTaskDescription(c.description)) throw invalid('invalid_description');
  if (!isTaskLabels(labels)) throw invalid('invalid_labels');
  return { title, description: c.description, labels };
}

/** An item's text as sealed: trimmed; ApiError invalid_checklist over the limits. */
export function sealableItem(text: string): string {
  const t = text.trim();
  if (!isTaskText('item', t)) throw invalid('invalid_checklist');
  return t;
}

/** A comment as sealed; ApiError invalid_body when blank or over 10,000 bytes. */
export function sealableComment(body: string): string {
  if (!isTaskText('comment', body)) throw invalid('invalid_body');
  return body;
}

// ---- what travels ----------------------------------------------------------

const CARD_FIELDS = ['title', 'description', 'labels'] as const;

/** What a new task sends in clear in every workspace: the board's shape. */
const PLAIN_FIELDS = ['status', 'position', 'assignee_ids', 'due', 'blocked_by'] as const;

/** Whether a change touches what the card seals. */
export function changesCard(change: TaskChange): boolean {
  return CARD_FIELDS.some((k) => change[k] !== undefined);
}

/**
 * The tasks of one armoured workspace as its key manager opens them. Each
 * task, item and comment the server sends is opened once per key change
 * (verified ones for good); what the person writes is sealed under the
 * workspace's current key and sent, sealed again once when the server
 * answers that the key moved on (retrySealed).
 */
export class TasksArmour {
  private readonly tasks = new WeakMap<
    Task,
    { shown: ShownTask; version: number; final: boolean }
  >();
  private readonly comments = new WeakMap<
    TaskComment,
    { shown: ShownComment; version: number; final: boolean }
  >();

  constructor(
    readonly workspaceId: string,
    readonly keys: WorkspaceKeys,
  ) {}

  // ---- reading ------------------------------------------------------------

  /**
   * A task as the screens show it: its title, description, labels and
   * items' texts once they open (empty, with why, until then).
   */
  open(raw: Task): ShownTask {
    const version = this.keys.getState().version;
    const hit = this.tasks.get(raw);
    if (hit && (hit.final || hit.version === version)) return hit.shown;
    const shown = this.make(raw);
    this.tasks.set(raw, { shown, version, final: !!shown.opened?.verified });
    return shown;
  }

  /**
   * Checks off the page's thread, part after part, the signatures of the
   * tasks' cards and items never checked in this browser (a board read
   * for the first time: WorkspaceKeys.checkAhead), each part opened as it is checked.
   */
  checkAhead(raws: readonly Task[]): Promise<void> {
    const todo = raws.filter((raw) => !this.tasks.get(raw)?.final);
    return this.keys.checkAhead(todo, (raw) => this.make(raw));
  }

  private make(raw: Task): ShownTask {
    const token = raw.token ?? '';
    const card: Opened<TaskCard> =
      token && raw.sealed && raw.sealed_by
        ? this.keys.openTaskCard(token, raw.sealed, raw.sealed_by)
        : { kind: 'unreadable' };
    const checklist = raw.checklist.map((item) => this.openItem(token, item));
    const open = card.kind === 'open' ? card.value : null;
    const verified =
      card.kind === 'open' && card.verified && checklist.every((x) => x.opened?.verified);
    return {
      ...raw,
      title: open?.title ?? '',
      description: open?.description ?? '',
      labels: open?.labels ?? [],
      checklist,
      opened: { token, card: sealStateOf(card), verified, raw },
    };
  }

  /** An item of the task `token` as shown: its text once it opens. */
  openItem(token: string, item: ChecklistItem): ShownItem {
    const r: Opened<string> =
      token && item.text_by
        ? this.keys.openTaskText('item', token, item.text, item.text_by)
        : { kind: 'unreadable' };
    return { ...item, text: r.kind === 'open' ? r.value : '', opened: sealStateOf(r) };
  }

  /** A comment on the task `token` as shown: its body once it opens. */
  openComment(token: string, raw: TaskComment): ShownComment {
    const version = this.keys.getState().version;
    const hit = this.comments.get(raw);
    if (hit && (hit.final || hit.version === version)) return hit.shown;
    const r: Opened<string> = token
      ? this.keys.openTaskText('comment', token, raw.body, raw.author_id)
      : { kind: 'unreadable' };
    const shown: ShownComment = {
      ...raw,
      body: r.kind === 'open' ? r.value : '',
      opened: sealStateOf(r),
      raw,
    };
    this.comments.set(raw, { shown, version, final: shown.opened?.verified ?? false });
    return shown;
  }

  // ---- writing ------------------------------------------------------------

  /**
   * A new task's body for the server: a new token, the card and the
   * checklist's texts sealed for it. ApiError invalid_* over the limits;
   * ArmourError as WorkspaceKeys.writer().
   */
  async sealNew(b: NewTask, token?: string): Promise<SealedNewTask> {
    const card = sealableCard({
      title: b.title,
      description: b.description ?? '',
      labels: b.labels ?? [],
    });
    const items = (b.checklist ?? []).map((x) => ({ ...x, text: sealableItem(x.text) }));
    const t = token ?? (await this.keys.newToken());
    const out: SealedNewTask = { token: t, sealed: await this.keys.sealTaskCard(t, card) };
    for (const k of PLAIN_FIELDS) if (b[k] !== undefined) Object.assign(out, { [k]: b[k] });
    if (items.length) {
      out.checklist = await Promise.all(
        items.map(async (x) => ({
          ...x,
          text: await this.keys.sealTaskText('item', t, x.text),
        })),
      );
    }
    return out;
  }

  /**
   * A change of `task` for the server: when it touches the title,
   * description or labels, a new card with the others as they are opened
   * now. ArmourError 'unreadable' when the card does not open here (a new
   * one would lose what it holds).
   */
  async sealChange(task: Task, change: TaskChange): Promise<SealedTaskChange> {
    const { title, description, labels, ...rest } = change;
    if (title === undefined && description === undefined && labels === undefined) return rest;
    const o = openedOf(task);
    if (!o || o.card.kind !== 'open')
      throw new ArmourError('unreadable', 'the task’s card does not open here');
    const card = sealableCard({
      title: title ?? task.title,
      description: description ?? task.description,
      labels: labels ?? task.labels,
    });
    return { ...rest, sealed: await this.keys.sealTaskCard(o.token, card) };
  }

  /** An item's text sealed for the task `token` (ApiError invalid_checklist). */
  async sealItem(token: string, text: string): Promise<string> {
    return this.keys.sealTaskText('item', token, sealableItem(text));
  }

  /** A comment sealed for the task `token` (ApiError invalid_body). */
  async sealComment(token: string, body: string): Promise<string> {
    return this.keys.sealTaskText('comment', token, sealableComment(body));
  }

  /**
   * Seals (in `send`) and sends; when the server answers that the key
   * moved on (stale_key, key_rotation_required, no_workspace_key), brings
   * the keys up to date and seals again, once.
   */
  write<T>(send: () => Promise<T>): Promise<T> {
    return retrySealed({ send, stale: () => this.keys.sync() });
  }
}
