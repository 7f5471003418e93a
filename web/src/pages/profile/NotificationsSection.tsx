// Browser notifications for mentions (asked on a click, as browsers require).
import { useState } from 'react';
import { Button } from '../../components/Button';
import { Alert } from '../../components/Feedback';
import { useI18n } from '../../i18n';
import { Section } from '../../layout/Page';
import { browserNotificationsSupported } from '../../notifications/live';

export function NotificationsSection() {
  const { t } = useI18n();
  const supported = browserNotificationsSupported();
  const [permission, setPermission] = useState<NotificationPermission | 'unsupported'>(
    supported ? Notification.permission : 'unsupported',
  );
  return (
    <Section title={t('notif.title')} description={t('notif.lead')} id="notifications">
      {permission === 'granted' ? <Alert kind="success">{t('notif.granted')}</Alert> : null}
      {permission === 'denied' ? <Alert kind="info">{t('notif.denied')}</Alert> : null}
      {permission === 'unsupported' ? <Alert kind="info">{t('notif.unsupported')}</Alert> : null}
      {permission === 'default' ? (
        <Button
          icon="bell"
          onClick={() => void Notification.requestPermission().then(setPermission)}
        >
          {t('notif.enable')}
        </Button>
      ) : null}
    </Section>
  );
}
