// A person's presence beside their name: a dot with a text alternative.
import { usePresence } from '../events';
import { useI18n } from '../i18n';

export function PresenceDot({ workspaceId, userId }: { workspaceId: string; userId: string }) {
  const { t } = useI18n();
  const status = usePresence(workspaceId, userId);
  const label = t(`presence.${status}`);
  return (
    <span
      className={`presence-dot presence-dot--${status}`}
      role="img"
      aria-label={label}
      title={label}
      data-presence={status}
    />
  );
}
