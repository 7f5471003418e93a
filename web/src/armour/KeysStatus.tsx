// What the reader of an armoured workspace should know about its keys, in
// every module that seals (chat, files): a member whose keys changed since
// this browser saw them (trust on first use), members whose keys wait for
// an approval (the reader's own, or others' the reader may approve), a new
// anchor this browser does not follow, the current key not received
// yet (the workspace's, or in a private channel or a direct conversation
// the channel's own), a failed update. Also the key verification screen,
// loaded on first use.
import '../styles/modules/armour.css';
import { lazy, Suspense, useState, useSyncExternalStore } from 'react';
import { Button } from '../components/Button';
import { Alert } from '../components/Feedback';
import { listOf } from '../i18n/core';
import { useI18n } from '../i18n';
import { useArmourErrorText, useArmourText } from './i18n';
import { awaitingKey, type Keyring } from './keyring';
import type { WorkspaceKeys } from './keys';

const VerifyKeysDialog = lazy(() => import('./VerifyKeysDialog'));

/** A person's name (or "someone") by user id. */
type NameOf = (userId: string) => string;

/** The key verification screen (a lazy chunk: fetched when first opened). */
export function VerifyKeys({
  keys,
  nameOf,
  onClose,
}: {
  keys: WorkspaceKeys;
  nameOf: NameOf;
  onClose(): void;
}) {
  return (
    <Suspense fallback={null}>
      <VerifyKeysDialog keys={keys} nameOf={nameOf} onClose={onClose} />
    </Suspense>
  );
}

/**
 * Whether this browser waits for the current key of `keys` (the
 * workspace's, or a channel's own: another member's browser must seal it
 * for us): nothing can be sealed with them meanwhile. False in a plain
 * workspace (`keys` null).
 */
export function useAwaitingKey(keys: Keyring | null): boolean {
  return useSyncExternalStore(keys ? keys.subscribe : never, () =>
    keys ? awaitingKey(keys.getState()) : false,
  );
}

const never = () => () => undefined;

/**
 * The keys' notices (nothing when all is well): changed keys, with
 * "trust them" and the verification screen; the current key awaited; a
 * failed update, with "try again". `channel`: the own keys of the private
 * channel or direct conversation shown, what is written there is sealed
 * with (their key awaited, their update failed). `className` places it in
 * its screen.
 */
export function KeysStatus({
  keys,
  channel,
  nameOf,
  className,
}: {
  keys: WorkspaceKeys;
  channel?: Keyring | null;
  nameOf: NameOf;
  className?: string;
}) {
  const ta = useArmourText();
  const { locale } = useI18n();
  const errorText = useArmourErrorText();
  const s = useSyncExternalStore(keys.subscribe, keys.getState);
  const sealing = channel ?? keys;
  const cs = useSyncExternalStore(sealing.subscribe, sealing.getState);
  const [verifying, setVerifying] = useState(false);
  /** The button that opens the key verification screen. */
  const openVerify = (label: string) => (
    <Button size="sm" icon="key" aria-haspopup="dialog" onClick={() => setVerifying(true)}>
      {label}
    </Button>
  );
  const waiting = awaitingKey(cs);
  // The workspace's failure, or the channel's.
  const failed = s.status === 'error' ? keys : cs.status === 'error' ? sealing : null;
  // Approvals (docs/armoured.md): the workspace's decide, here as in its channels.
  const selfPending = s.anchored && s.pending.includes(keys.me);
  const toApprove = s.anchored && !selfPending ? s.pending.filter((id) => id !== keys.me) : [];
  const anchorers = [...new Set(s.newAnchors.map((a) => a.split('\n')[0] ?? ''))];
  const notice =
    s.changed.length > 0 ||
    waiting ||
    failed !== null ||
    selfPending ||
    toApprove.length > 0 ||
    anchorers.length > 0;
  if (!notice && !verifying) return null;
  // The screen stays open (same place in the tree) when the warning that
  // opened it goes away: the keys were verified there.
  return (
    <>
      {notice ? (
        <div className={['armour-status', className].filter(Boolean).join(' ')}>
          {s.changed.length ? (
            <Alert kind="warning">
              <p>
                {ta('keys.changed', {
                  names: listOf(s.changed.map(nameOf), locale),
                  count: s.changed.length,
                })}
              </p>
              <div className="button-row">
                {s.changed.map((id) => (
                  <Button key={id} size="sm" onClick={() => keys.acceptKeys(id)}>
                    {s.changed.length > 1
                      ? `${ta('keys.accept')} (${nameOf(id)})`
                      : ta('keys.accept')}
                  </Button>
                ))}
                {openVerify(ta('verify.open'))}
              </div>
            </Alert>
          ) : null}
          {anchorers.length ? (
            <Alert kind="warning">
              <p>{ta('approve.anchor', { names: listOf(anchorers.map(nameOf), locale) })}</p>
              <div className="button-row">
                <Button size="sm" onClick={() => void keys.acceptAnchors()}>
                  {ta('approve.accept_anchor')}
                </Button>
              </div>
            </Alert>
          ) : null}
          {toApprove.length ? (
            <Alert kind="info">
              <p>
                {ta('approve.waiting', {
                  names: listOf(toApprove.map(nameOf), locale),
                  count: toApprove.length,
                })}
              </p>
              <div className="button-row">{openVerify(ta('approve.open'))}</div>
            </Alert>
          ) : null}
          {selfPending ? (
            <Alert kind="info">
              <p>{ta('approve.self')}</p>
              <div className="button-row">{openVerify(ta('verify.open'))}</div>
            </Alert>
          ) : waiting ? (
            <Alert kind="info">{ta(channel ? 'keys.waiting_channel' : 'keys.waiting')}</Alert>
          ) : null}
          {failed ? (
            <Alert kind="warning" title={ta(failed === keys ? 'keys.error' : 'keys.error_channel')}>
              <p>{errorText(failed.getState().error)}</p>
              <Button size="sm" onClick={() => void failed.sync()}>
                {ta('gate.retry')}
              </Button>
            </Alert>
          ) : null}
        </div>
      ) : null}
      {verifying ? (
        <VerifyKeys keys={keys} nameOf={nameOf} onClose={() => setVerifying(false)} />
      ) : null}
    </>
  );
}
