// An armoured channel header's badge: end-to-end encrypted, and how many
// members are not verified. The keys' notices and the verification screen
// are the armour's (src/armour/KeysStatus.tsx), shared with the files.
import { useSyncExternalStore } from 'react';
import { useArmourText } from '../../../armour/i18n';
import type { WorkspaceKeys } from '../../../armour/keys';
import { Icon } from '../../../components/Icon';
import { useChat } from '../context';

/**
 * The header's lock badge: end-to-end encrypted, and where the members'
 * keys stand (changed, how many not verified); opens the verification screen.
 */
export function ArmourBadge({ keys, onOpen }: { keys: WorkspaceKeys; onOpen(): void }) {
  const ta = useArmourText();
  const { me } = useChat();
  const s = useSyncExternalStore(keys.subscribe, keys.getState);
  // Members of the workspace with keys, but the reader; `verified` lists none but them.
  const others = s.members.size - (s.members.has(me.id) ? 1 : 0);
  const unverified = others - s.verified.length;
  const changed = s.changed.length;
  let state: string | null = null;
  if (changed > 0) state = ta('badge.changed');
  else if (unverified > 0) state = ta('badge.unverified', { count: unverified });
  else if (others > 0) state = ta('badge.verified', { count: others });
  const label = [ta('badge'), state].filter(Boolean).join(' · ');
  return (
    <button
      type="button"
      className={`tag ${changed > 0 ? 'tag--warning' : 'tag--success'} armour-badge`}
      title={`${ta('badge_hint')} ${ta('verify.open')}.`}
      aria-label={`${label} — ${ta('verify.open')}`}
      aria-haspopup="dialog"
      onClick={onOpen}
    >
      <Icon name="lock" size={12} />
      <span>{ta('badge')}</span>
      {state ? <span className="armour-badge__state">· {state}</span> : null}
    </button>
  );
}
