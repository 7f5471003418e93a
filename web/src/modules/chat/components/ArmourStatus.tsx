// Under an armoured channel's header: what the reader should know about the
// workspace's keys. A member whose keys changed since this browser saw them
// (trust on first use), the current key not received yet, a failed update.
// Also the header's badge (end-to-end encrypted, and how many members are
// not verified) and the key verification screen, loaded on first use.
import { lazy, Suspense, useState, useSyncExternalStore } from 'react';
import { useArmourErrorText, useArmourText } from '../../../armour/i18n';
import type { WorkspaceKeys } from '../../../armour/keys';
import { Button } from '../../../components/Button';
import { Alert } from '../../../components/Feedback';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { useChat } from '../context';
import { listOf } from '../format';

const VerifyKeysDialog = lazy(() => import('../../../armour/VerifyKeysDialog'));

/** The key verification screen (a lazy chunk: fetched when first opened). */
export function VerifyKeys({ keys, onClose }: { keys: WorkspaceKeys; onClose(): void }) {
  const { displayName } = useChat();
  return (
    <Suspense fallback={null}>
      <VerifyKeysDialog keys={keys} nameOf={displayName} onClose={onClose} />
    </Suspense>
  );
}

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

export function ArmourStatus({ keys }: { keys: WorkspaceKeys }) {
  const ta = useArmourText();
  const { locale } = useI18n();
  const errorText = useArmourErrorText();
  const { displayName } = useChat();
  const s = useSyncExternalStore(keys.subscribe, keys.getState);
  const [verifying, setVerifying] = useState(false);
  const waiting =
    s.synced &&
    s.status !== 'syncing' &&
    !s.rotationRequired &&
    s.generation > 0 &&
    !s.held.includes(s.generation);
  const notice = s.changed.length > 0 || waiting || s.status === 'error';
  if (!notice && !verifying) return null;
  // The screen stays open (same place in the tree) when the warning that
  // opened it goes away: the keys were verified there.
  return (
    <>
      {notice ? (
        <div className="chat-channel__notice armour-status">
          {s.changed.length ? (
            <Alert kind="warning">
              <p>
                {ta('keys.changed', {
                  names: listOf(s.changed.map(displayName), locale),
                  count: s.changed.length,
                })}
              </p>
              <div className="button-row">
                {s.changed.map((id) => (
                  <Button key={id} size="sm" onClick={() => keys.acceptKeys(id)}>
                    {s.changed.length > 1
                      ? `${ta('keys.accept')} (${displayName(id)})`
                      : ta('keys.accept')}
                  </Button>
                ))}
                <Button
                  size="sm"
                  icon="key"
                  aria-haspopup="dialog"
                  onClick={() => setVerifying(true)}
                >
                  {ta('verify.open')}
                </Button>
              </div>
            </Alert>
          ) : null}
          {waiting ? <Alert kind="info">{ta('keys.waiting')}</Alert> : null}
          {s.status === 'error' ? (
            <Alert kind="warning" title={ta('keys.error')}>
              <p>{errorText(s.error)}</p>
              <Button size="sm" onClick={() => void keys.sync()}>
                {ta('gate.retry')}
              </Button>
            </Alert>
          ) : null}
        </div>
      ) : null}
      {verifying ? <VerifyKeys keys={keys} onClose={() => setVerifying(false)} /> : null}
    </>
  );
}
