// "Call", in a conversation's header: starts a call titled after the
// conversation ("#général", or a direct conversation's people), opens the
// calls page in it (the page joins it: src/ringing/handoff.ts), which then
// rings the conversation's people: a direct conversation's others, a
// channel's members (50 at most), oneself left out, and only members who
// may join calls. Shown when the workspace has the calls module and the
// person may start calls there (the write right; not archived), in a
// conversation that is not archived.
import { useState } from 'react';
import { api, moduleRight, type Channel, type Member, type Workspace } from '../../../api';
import { Button } from '../../../components/Button';
import { useI18n } from '../../../i18n';
import { openCall } from '../../../ringing/handoff';
import { useChat, useChatState } from '../context';

/** The most people one ring reaches (the server's limit). */
const MAX_RING = 50;
/** A call's title: at most this many bytes (the server's limit). */
const MAX_TITLE_BYTES = 200;

/** Whether the person may start a call from chat: calls on in the workspace, and the write right. */
export function mayStartCall(workspace: Workspace, mine: Member | undefined): boolean {
  return (
    workspace.modules.includes('calls') &&
    !workspace.archived &&
    moduleRight(mine?.rights, workspace.role, 'calls') === 'write'
  );
}

/**
 * Whom a call from `channel` rings: its people (a direct conversation's
 * `member_ids`, a channel's members as read), but oneself and members who
 * may not join calls, the first 50.
 */
export function ringList(
  channel: Channel,
  channelMembers: readonly string[] | undefined,
  members: readonly Member[],
  me: string,
): string[] {
  const mayJoin = new Set(
    members.filter((m) => moduleRight(m.rights, m.role, 'calls') !== 'none').map((m) => m.user_id),
  );
  const people = channel.kind === 'direct' ? (channel.member_ids ?? []) : (channelMembers ?? []);
  return [...new Set(people)].filter((u) => u !== me && mayJoin.has(u)).slice(0, MAX_RING);
}

/** `title` cut to the server's limit (whole characters, an ellipsis), on one line. */
export function callTitleOf(title: string): string {
  const line = title.replace(/\s+/g, ' ').trim();
  const enc = new TextEncoder();
  if (enc.encode(line).length <= MAX_TITLE_BYTES) return line;
  let out = '';
  for (const ch of line) {
    if (enc.encode(`${out}${ch}…`).length > MAX_TITLE_BYTES) break;
    out += ch;
  }
  return `${out.trimEnd()}…`;
}

export function CallButton({
  channel,
  title,
  onError,
}: {
  channel: Channel;
  /** The conversation as the header names it ("#général", "Bob Martin, Chloé"). */
  title: string;
  onError(e: unknown): void;
}) {
  const { t } = useI18n();
  const { store, workspace, me } = useChat();
  const members = useChatState((s) => s.members);
  const membersLoaded = useChatState((s) => s.membersLoaded);
  const [busy, setBusy] = useState(false);
  const mine = members.find((m) => m.user_id === me.id);
  if (!membersLoaded || channel.archived || !mayStartCall(workspace, mine)) return null;

  const start = async () => {
    setBusy(true);
    try {
      if (channel.kind !== 'direct' && !store.getState().channelMembers[channel.id]) {
        await store.loadChannelMembers(channel.id);
      }
      const s = store.getState();
      const ring = ringList(channel, s.channelMembers[channel.id], s.members, me.id);
      const call = await api.calls.start(workspace.id, callTitleOf(title) || undefined);
      openCall(workspace.id, call.id, ring);
    } catch (e) {
      onError(e);
      setBusy(false);
    }
  };

  return (
    <Button variant="ghost" size="sm" icon="phone" busy={busy} onClick={() => void start()}>
      {t('chat.call')}
    </Button>
  );
}
