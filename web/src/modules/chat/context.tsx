// What every chat component needs: the store, the workspace, the reader,
// people's names, and the screen's navigation (channel, side panel).
import { createContext, useContext, useMemo, useSyncExternalStore } from 'react';
import type { Channel, Me, Member, Workspace } from '../../api';
import { isApiError } from '../../api';
import { armourErrorKey, useArmourText } from '../../armour/i18n';
import type { Keyring } from '../../armour/keyring';
import type { WorkspaceKeys } from '../../armour/keys';
import { useI18n } from '../../i18n';
import type { MentionView } from '../../markdown/SafeHtml';
import { useErrorText } from '../../util/errors';
import type { ChatState, ChatStore } from './store';

export type Pane = { kind: 'thread'; root: string } | { kind: 'pins' } | { kind: 'members' };

export interface ChatContextValue {
  store: ChatStore;
  /** Armoured workspaces: the key manager (decrypts what is shown); null otherwise. */
  armour: WorkspaceKeys | null;
  workspace: Workspace;
  me: Me;
  /** Members who can use chat (mentions, direct messages, channel members). */
  people: readonly Member[];
  /** A person's name, or undefined when they are not (or no longer) a member. */
  nameOf(id: string): string | undefined;
  /** A person's name, or "Former member". */
  displayName(id: string): string;
  /** How a mention chip shows a person (stable while the members list is). */
  mentionView(id: string): MentionView | null;
  /** "général", or the people of a direct conversation. */
  labelOf(c: Channel): string;
  /** The caller may write in chat (not a read-only right). */
  canWrite: boolean;
  /** Workspace owner or admin (archives any channel, deletes any message). */
  canManage: boolean;
  /** Goes to a channel ('' : the chat's start), optionally to a message or with a panel open. */
  openChannel(id: string, options?: { replace?: boolean; message?: string; pane?: Pane }): void;
  pane: Pane | null;
  setPane(p: Pane | null): void;
}

const Ctx = createContext<ChatContextValue | null>(null);

export const ChatProvider = Ctx.Provider;

export function useChat(): ChatContextValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('useChat outside the chat screen');
  return v;
}

/** A slice of the chat state; `select` must return a part of the state, not a new object. */
export function useChatState<T>(select: (s: ChatState) => T): T {
  const { store } = useChat();
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}

/**
 * Armoured: the own keys of a private channel or direct conversation (made
 * and fetched the first time it is shown), what is written there is sealed
 * with; null in a public channel (the workspace's keys) or a plain workspace.
 */
export function useChannelKeys(channel: Channel): Keyring | null {
  const { armour } = useChat();
  return useMemo(
    () => (armour && channel.kind !== 'public' ? armour.channelKeys(channel.id) : null),
    [armour, channel.id, channel.kind],
  );
}

/** Server error codes in chat words (archived means the channel here). */
export function useChatErrorText(): (e: unknown) => string {
  const text = useErrorText();
  const { t } = useI18n();
  const ta = useArmourText();
  return (e) => {
    if (isApiError(e, 'archived')) return t('error.channel_archived');
    const armour = armourErrorKey(e);
    return armour ? ta(armour) : text(e);
  };
}
