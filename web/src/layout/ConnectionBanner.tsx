// "Reconnecting..." while the live connection is down for more than a
// moment (short blips stay silent).
import { useEffect, useState } from 'react';
import { Icon } from '../components/Icon';
import { liveEvents, useConnectionState } from '../events';
import { useI18n } from '../i18n';

const GRACE_MS = 1200;

export function ConnectionBanner() {
  const state = useConnectionState();
  const { t } = useI18n();
  const [visible, setVisible] = useState(false);
  const down = state === 'reconnecting';

  useEffect(() => {
    if (!down) return;
    const id = setTimeout(() => setVisible(true), GRACE_MS);
    return () => {
      clearTimeout(id);
      setVisible(false);
    };
  }, [down]);

  useEffect(() => {
    const online = () => liveEvents().reconnectNow();
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }, []);

  return (
    <div className="conn-banner-slot" role="status" aria-live="polite">
      {down && visible ? (
        <div className="conn-banner" data-testid="reconnecting">
          <Icon name="offline" size={16} />
          <span>{t('conn.reconnecting')}</span>
          <button type="button" className="link-btn" onClick={() => liveEvents().reconnectNow()}>
            {t('conn.retry')}
          </button>
        </div>
      ) : null}
    </div>
  );
}
