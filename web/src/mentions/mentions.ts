// Mentions in the composer. The server wants `<@USER_ID>` and `<!channel>`
// in the body; people type and read "@Name". The composer keeps the names
// it inserted (name -> id) and converts them when the message is sent; an
// edited message is converted back for display.

export interface Person {
  id: string;
  name: string;
  email?: string;
}

const persons = new WeakMap<object, Person>();

/**
 * A workspace member as a Person to match, the same object for the same
 * member object: a member list read again keeps the names already folded.
 */
export function personOf(m: { user_id: string; name: string; email?: string }): Person {
  let p = persons.get(m);
  if (!p) {
    p = { id: m.user_id, name: m.name, email: m.email };
    persons.set(m, p);
  }
  return p;
}

/** The special "@channel" entry of the autocomplete. */
export const CHANNEL_MENTION = 'channel';

const ID = '[0-9A-Za-z]{26}';
const WIRE_MENTION = new RegExp(`<@(${ID})>|<!channel>`, 'g');

/** Lower case without accents, for matching ("Élodie" ~ "elo"). */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export interface MentionQuery {
  /** Index of the "@". */
  start: number;
  /** What follows it, up to the caret. */
  query: string;
}

const MAX_QUERY = 40;

/**
 * The mention being typed at the caret: an "@" at the start or after a
 * space or an opening bracket, followed by at most two words (names have
 * spaces) and no line break. Null when the caret is not in one.
 */
export function mentionAt(text: string, caret: number): MentionQuery | null {
  const upto = text.slice(0, caret);
  const at = upto.lastIndexOf('@');
  if (at < 0 || caret - at - 1 > MAX_QUERY) return null;
  const before = at > 0 ? upto[at - 1] : '';
  if (before && !/[\s([{"'«]/.test(before)) return null;
  const query = upto.slice(at + 1);
  if (/[\n\r@<>]/.test(query) || /^\s/.test(query)) return null;
  if ((query.match(/\s/g) ?? []).length > 2) return null;
  return { start: at, query };
}

/** Each person's name and email folded, once per person object (people are never changed in place). */
const foldedPeople = new WeakMap<Person, { name: string; words: string[]; email: string }>();

function folded(p: Person) {
  let f = foldedPeople.get(p);
  if (!f) {
    const name = fold(p.name);
    f = { name, words: name.split(/[\s'-]+/), email: p.email ? fold(p.email) : '' };
    foldedPeople.set(p, f);
  }
  return f;
}

const byName = new Intl.Collator();

/**
 * People whose name (any word of it) or email starts with the query,
 * best first: full-name prefix, then word prefix, then email. Over a
 * workspace of 20,000 people a keystroke folds no name again and sorts
 * none but the `limit` best.
 */
export function matchPeople<P extends Person>(people: readonly P[], query: string, limit = 8): P[] {
  const q = fold(query.trim());
  const best: { p: P; score: number }[] = [];
  const before = (a: { p: P; score: number }, b: { p: P; score: number }) =>
    a.score - b.score || byName.compare(a.p.name, b.p.name);
  for (const p of people) {
    const f = folded(p);
    let score = -1;
    if (!q || f.name.startsWith(q)) score = 0;
    else if (f.words.some((w) => w.startsWith(q))) score = 1;
    else if (f.email.startsWith(q) && q) score = 2;
    if (score < 0) continue;
    const x = { p, score };
    // Kept sorted (equals in the order given), at most `limit` long.
    const last = best[best.length - 1];
    if (best.length >= limit && last && before(x, last) >= 0) continue;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = best[mid];
      if (m && before(x, m) < 0) hi = mid;
      else lo = mid + 1;
    }
    best.splice(lo, 0, x);
    if (best.length > limit) best.pop();
  }
  return best.map((x) => x.p);
}

/** Whether the "@channel" entry matches the query. */
export function matchesChannel(query: string): boolean {
  return CHANNEL_MENTION.startsWith(fold(query.trim()));
}

/** Replaces the "@query" being typed with "@label " and says where the caret goes. */
export function insertMention(
  text: string,
  m: MentionQuery,
  caret: number,
  label: string,
): { text: string; caret: number } {
  const after = text.slice(caret);
  const spaced = after.startsWith(' ');
  const insert = `@${label}${spaced ? '' : ' '}`;
  const next = text.slice(0, m.start) + insert + after;
  return { text: next, caret: m.start + insert.length + (spaced ? 1 : 0) };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The body to send: "@Name" of each known person becomes `<@ID>`,
 * "@channel" becomes `<!channel>`. Longer names win ("@Anne Marie" before
 * "@Anne"); an "@" inside a word (an email address) is left alone.
 */
export function toWire(text: string, names: ReadonlyMap<string, string>): string {
  const labels = [...names.keys(), CHANNEL_MENTION]
    .filter((n) => n.trim().length > 0)
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  const re = new RegExp(`(?<![\\p{L}\\p{N}_.])@(${labels.join('|')})(?![\\p{L}\\p{N}_])`, 'gu');
  return text.replace(re, (whole, label: string) => {
    if (label === CHANNEL_MENTION && !names.has(CHANNEL_MENTION)) return '<!channel>';
    const id = names.get(label);
    return id ? `<@${id}>` : whole;
  });
}

/**
 * A stored body as the composer shows it (editing): `<@ID>` -> "@Name"
 * (unknown people stay as they are), `<!channel>` -> "@channel"; with the
 * names map toWire needs to convert it back.
 */
export function toDisplay(
  body: string,
  nameOf: (id: string) => string | undefined,
): { text: string; names: Map<string, string> } {
  const names = new Map<string, string>();
  const text = body.replace(WIRE_MENTION, (whole, id: string | undefined) => {
    if (!id) return `@${CHANNEL_MENTION}`;
    const name = nameOf(id);
    if (!name || name === CHANNEL_MENTION) return whole;
    const taken = names.get(name);
    if (taken && taken !== id) return whole; // two people with one name: keep the id
    names.set(name, id);
    return `@${name}`;
  });
  return { text, names };
}

/** Keeps only the names still present in the text (after edits). */
export function namesInText(text: string, names: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, id] of names) if (text.includes(`@${name}`)) out.set(name, id);
  return out;
}

/**
 * Who a wire body mentions: people's ids (once each, in order) and whether
 * it says @channel. Armoured workspaces send these beside the ciphertext.
 */
export function wireMentions(body: string): { users: string[]; channel: boolean } {
  const users: string[] = [];
  let channel = false;
  for (const m of body.matchAll(WIRE_MENTION)) {
    const id = m[1];
    if (!id) channel = true;
    else if (!users.includes(id)) users.push(id);
  }
  return { users, channel };
}
