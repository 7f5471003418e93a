// Browser notifications for mentions (asked on a click, as browsers
// require), and whether what one leaves unread is emailed (a digest:
// docs/api.md "Notices"), saved as it is ticked.
import { useState } from 'react';
import { api } from '../../api';
import { Button } from '../../components/Button';
import { Alert } from '../../components/Feedback';
import { Checkbox } from '../../components/Field';
import { useI18n } from '../../i18n';
import { Section } from '../../layout/Page';
import { browserNotificationsSupported } from '../../notifications/live';
import { useMe, useSession } from '../../session';
import { useErrorText } from '../../util/errors';

export function NotificationsSection() {
  const { t } = useI18n();
  const me = useMe();
  const { setMe } = useSession();
  const errorText = useErrorText();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const setEmail = async (on: boolean) => {
    setSaving(true);
    setError(null);
    try {
      const u = await api.me.update({ notice_email: on });
      setMe({ ...me, ...u });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setSaving(false);
    }
  };
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
      {error ? <Alert kind="error">{error}</Alert> : null}
      <Checkbox
        label={t('notif.email')}
        hint={t('notif.email_hint')}
        checked={me.notice_email !== false}
        disabled={saving}
        onChange={(e) => void setEmail(e.target.checked)}
      />
    </Section>
  );
}
