// Under an armoured channel's header: what the reader should know about the
// workspace's keys. A member whose keys changed since this browser saw them
// (trust on first use), the current key not received yet, a failed update.
import { useSyncExternalStore } from 'react';
import { useArmourErrorText, useArmourText } from '../../../armour/i18n';
import type { WorkspaceKeys } from '../../../armour/keys';
import { Button } from '../../../components/Button';
import { Alert } from '../../../components/Feedback';
import { useI18n } from '../../../i18n';
import { useChat } from '../context';
import { listOf } from '../format';

export function ArmourStatus({ keys }: { keys: WorkspaceKeys }) {
  const ta = useArmourText();
  const { locale } = useI18n();
  const errorText = useArmourErrorText();
  const { displayName } = useChat();
  const s = useSyncExternalStore(keys.subscribe, keys.getState);
  const waiting =
    s.synced &&
    s.status !== 'syncing' &&
    !s.rotationRequired &&
    s.generation > 0 &&
    !s.held.includes(s.generation);
  if (!s.changed.length && !waiting && s.status !== 'error') return null;
  return (
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
  );
}
