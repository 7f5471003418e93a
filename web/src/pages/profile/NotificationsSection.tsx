// Browser notifications for mentions (asked on a click, as browsers
// require), whether what one leaves unread is emailed (a digest:
// docs/api.md "Notices") and about what, and whether calendar reminders
// are emailed too as they go off; saved as it is ticked.
import { useId, useState } from 'react';
import { api, NOTICE_TOPICS, type NoticeTopic } from '../../api';
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
  const topicsId = useId();
  // One change at a time: the topics are sent as a whole list, so a second
  // change sent before the first is answered would be built on a stale one.
  const save = async (change: Parameters<typeof api.me.update>[0]) => {
    setSaving(true);
    setError(null);
    try {
      const u = await api.me.update(change);
      setMe({ ...me, ...u });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setSaving(false);
    }
  };
  const emailOn = me.notice_email !== false;
  const off = me.notice_email_off ?? [];
  const setTopic = (topic: NoticeTopic, on: boolean) =>
    void save({
      notice_email_off: on ? off.filter((x) => x !== topic) : [...off, topic],
    });
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
        checked={emailOn}
        disabled={saving}
        onChange={(e) => void save({ notice_email: e.target.checked })}
      />
      <fieldset
        className="notif-topics"
        disabled={!emailOn}
        aria-describedby={emailOn ? undefined : `${topicsId}-why`}
      >
        <legend className="field__label">{t('notif.topics')}</legend>
        {emailOn ? null : (
          <p id={`${topicsId}-why`} className="field__hint">
            {t('notif.topics_off')}
          </p>
        )}
        {NOTICE_TOPICS.map((topic) => (
          <Checkbox
            key={topic}
            label={t(`notif.topic.${topic}`)}
            checked={!off.includes(topic)}
            disabled={saving || !emailOn}
            onChange={(e) => setTopic(topic, e.target.checked)}
          />
        ))}
      </fieldset>
      <Checkbox
        label={t('notif.reminder_email')}
        hint={t('notif.reminder_email_hint')}
        checked={me.reminder_email === true}
        disabled={saving}
        onChange={(e) => void save({ reminder_email: e.target.checked })}
      />
    </Section>
  );
}
