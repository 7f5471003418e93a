// Typing indicators: who is typing where (each signal lasts a few seconds),
// and how often this client may say it is typing (the server drops more
// than one signal per 3 s and person anyway).

/** channel id -> user id -> when the signal expires (ms). */
export type TypingState = Readonly<Record<string, Readonly<Record<string, number>>>>;

export const TYPING_TTL_MS = 5000;
export const TYPING_EVERY_MS = 3000;

export function typingStarted(
  s: TypingState,
  channel: string,
  user: string,
  now: number,
  ttl = TYPING_TTL_MS,
): TypingState {
  return { ...s, [channel]: { ...(s[channel] ?? {}), [user]: now + ttl } };
}

/** The person's message arrived: they stopped. */
export function typingStopped(s: TypingState, channel: string, user: string): TypingState {
  const cur = s[channel];
  if (!cur || !(user in cur)) return s;
  const next = Object.fromEntries(Object.entries(cur).filter(([u]) => u !== user));
  return { ...s, [channel]: next };
}

/** Who is typing in a channel at `now`, in the order they started. */
export function typingIn(s: TypingState, channel: string, now: number): string[] {
  const cur = s[channel];
  if (!cur) return [];
  return Object.entries(cur)
    .filter(([, until]) => until > now)
    .map(([u]) => u);
}

/** Drops expired signals; the same object when nothing expired. */
export function pruneTyping(s: TypingState, now: number): TypingState {
  let changed = false;
  const out: Record<string, Record<string, number>> = {};
  for (const [ch, users] of Object.entries(s)) {
    const kept: Record<string, number> = {};
    for (const [u, until] of Object.entries(users)) {
      if (until > now) kept[u] = until;
      else changed = true;
    }
    if (Object.keys(kept).length) out[ch] = kept;
    else if (Object.keys(users).length === 0) changed = true;
  }
  return changed ? out : s;
}

/** The next time a signal expires (for a timer), or null. */
export function nextExpiry(s: TypingState): number | null {
  let next: number | null = null;
  for (const users of Object.values(s))
    for (const until of Object.values(users)) if (next === null || until < next) next = until;
  return next;
}

/** At most one "typing" signal per channel every `everyMs`. */
export class TypingThrottle {
  private readonly last = new Map<string, number>();
  constructor(private readonly everyMs = TYPING_EVERY_MS) {}

  /** Whether to send a signal for `channel` now (and records it if so). */
  take(channel: string, now: number): boolean {
    const at = this.last.get(channel);
    if (at !== undefined && now - at < this.everyMs) return false;
    this.last.set(channel, now);
    return true;
  }

  /** After sending a message: the next keystroke may signal again at once. */
  reset(channel: string): void {
    this.last.delete(channel);
  }
}
