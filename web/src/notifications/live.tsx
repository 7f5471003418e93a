// Wires the live connection to unread badges, mention toasts and browser
// notifications. Mounted once inside the signed-in shell.
import { useEffect } from 'react';
import type { EventFrame } from '../api/types';
import { isEncryptedBody } from '../armour/body';
import { useEvent } from '../events';
import { useI18n } from '../i18n';
import { useMe } from '../session';
import { useToast } from './toasts';
import { unread } from './unread';

/**
 * Whether an event mentions the person: their id in `data.mentions`, or
 * "channel" (@channel) in someone else's message, unless the person muted
 * that channel. One's own messages never do.
 */
export function mentionsUser(e: EventFrame, userId: string, muted = false): boolean {
  // Edits and pins carry the message again: only its arrival notifies.
  if (e.type.startsWith('message.') && e.type !== 'message.created') return false;
  const m = e.data?.mentions;
  if (!Array.isArray(m)) return false;
  if (e.data?.author_id === userId) return false;
  return m.includes(userId) || (!muted && m.includes('channel'));
}

/** People's names per workspace, for toasts (the chat screen registers its member list). */
const nameResolvers = new Map<string, (id: string) => string | undefined>();

export function setNameResolver(
  workspace: string,
  resolve: ((id: string) => string | undefined) | null,
): void {
  if (resolve) nameResolvers.set(workspace, resolve);
  else nameResolvers.delete(workspace);
}

/** Armoured workspaces: an event's message as it reads here (undefined: it cannot be read). */
type BodyDecoder = (m: {
  id: string;
  body: string;
  channel_id: string;
  author_id: string;
}) => string | undefined;

const bodyDecoders = new Map<string, BodyDecoder>();

/** Set by an armoured workspace's key manager while it holds keys. */
export function setBodyDecoder(workspace: string, decode: BodyDecoder | null): void {
  if (decode) bodyDecoders.set(workspace, decode);
  else bodyDecoders.delete(workspace);
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** The text of an event's message body: as it is, decrypted (armoured), or undefined. */
export function readableBody(workspace: string, d: Record<string, unknown>): string | undefined {
  const body = d.body;
  if (typeof body !== 'string') return undefined;
  if (!isEncryptedBody(body)) return body;
  const decode = bodyDecoders.get(workspace);
  const m = { id: str(d.id), body, channel_id: str(d.channel_id), author_id: str(d.author_id) };
  return decode?.(m);
}

const EXCERPT_CHARS = 140;
// What is read of a body for its excerpt: enough for 140 characters once
// the marks and links' addresses are gone, and a bound on the regular
// expressions' work (some are quadratic at worst: 64 KiB of marks that never
// close took 0.27 s read whole, 9 ms so).
const EXCERPT_SOURCE_CHARS = 2000;

/**
 * A message body as one line of plain text, as the message reads: mentions
 * named, Markdown's marks dropped (a link reads as its text, code as its
 * characters), what the channel would not show (scripts, styles, tags)
 * left out, and every other character kept ("C# > Java", "snake_case",
 * "2 * 3"). Without the Markdown renderer, which the app's first load does
 * not carry.
 */
export function messageExcerpt(body: string, nameOf: (id: string) => string | undefined): string {
  const lines = body
    .slice(0, EXCERPT_SOURCE_CHARS)
    .replace(/<@([0-9A-Za-z]{26})>/g, (_, id: string) => `@${nameOf(id) ?? '…'}`)
    .replace(/<!channel>/g, '@channel')
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<\/?[A-Za-z][^>]*>/g, '')
    .split('\n')
    .filter((line) => !/^\s*(```|~~~)/.test(line))
    .map((line) =>
      line
        .replace(/^\s*(>\s?)+/, '')
        .replace(/^\s{0,3}#{1,6}\s+/, '')
        .replace(/^\s*([-*+]|\d+[.)])\s+/, ''),
    );
  // Code reads as it is written: kept aside while the marks go.
  const code: string[] = [];
  const text = lines
    .join(' ')
    .replace(/[\uE000\uE001]/g, '')
    .replace(/`([^`]+)`/g, (_, c: string) => `\uE000${code.push(c) - 1}\uE001`)
    .replace(/!?\[([^\]]*)\]\([^)\s]*(\s+"[^"]*")?\)/g, '$1')
    .replace(/(\*\*|__|~~)(?=\S)(.+?)(?<=\S)\1/g, '$2')
    .replace(/\*(?=\S)(.+?)(?<=\S)\*/g, '$1')
    .replace(/(^|[^\p{L}\p{N}_])_(?=\S)(.+?)(?<=\S)_(?![\p{L}\p{N}_])/gu, '$1$2')
    .replace(/\uE000(\d+)\uE001/g, (_, i: string) => code[Number(i)] ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS - 1)}…` : text;
}

export function browserNotificationsSupported(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window;
}

/**
 * A system notification while this tab is hidden, where the person allowed
 * them (profile, "Notifications"); null otherwise, or where the browser
 * shows them only from a service worker. A click brings the tab forward,
 * then `onClick`.
 */
export function desktopNotice(
  title: string,
  { onClick, ...options }: NotificationOptions & { onClick?: () => void } = {},
): Notification | null {
  if (
    !browserNotificationsSupported() ||
    Notification.permission !== 'granted' ||
    document.visibilityState !== 'hidden'
  )
    return null;
  try {
    const n = new Notification(title, options);
    n.onclick = () => {
      window.focus();
      onClick?.();
      n.close();
    };
    return n;
  } catch {
    return null;
  }
}

export function LiveNotifications({
  workspaceName,
}: {
  workspaceName: (id: string) => string | undefined;
}) {
  const me = useMe();
  const { toast } = useToast();
  const { t } = useI18n();

  useEffect(() => {
    unread.setUser(me.id);
    return () => unread.setUser(null);
  }, [me.id]);

  useEvent('*', (e) => {
    unread.record(e);
    const muted =
      typeof e.data?.channel_id === 'string' && unread.isMuted(e.workspace_id, e.data.channel_id);
    if (!mentionsUser(e, me.id, muted)) return;
    const where = workspaceName(e.workspace_id) ?? '';
    const title = t('toast.mention', { workspace: where });
    const d = e.data ?? {};
    let body: string | undefined;
    const readable = readableBody(e.workspace_id, d);
    if (typeof d.snippet === 'string' && !isEncryptedBody(d.snippet)) body = d.snippet;
    else if (readable !== undefined) {
      const resolve = nameResolvers.get(e.workspace_id) ?? (() => undefined);
      const author = typeof d.author_id === 'string' ? resolve(d.author_id) : undefined;
      const text = messageExcerpt(readable, resolve);
      body = author ? t('toast.mention_body', { author, text }) : text;
    }
    const channel = typeof d.channel_id === 'string' ? d.channel_id : '';
    const href = channel
      ? `/w/${e.workspace_id}/chat/${encodeURIComponent(channel)}`
      : `/w/${e.workspace_id}`;
    toast({ kind: 'mention', title, body, href });
    desktopNotice(title, { body, tag: `ruche-${e.workspace_id}-${e.seq}` });
  });

  useEvent('workspace.deleted', (e) => unread.forget(e.workspace_id));

  return null;
}
