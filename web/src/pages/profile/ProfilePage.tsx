// /me: profile, security (password, two-factor, recovery codes), sessions
// and app tokens, calendar subscriptions, notifications.
import { lazy, Suspense, useEffect } from 'react';
import { useI18n } from '../../i18n';
import { Page } from '../../layout/Page';
import { NotificationsSection } from './NotificationsSection';
import { PasswordSection } from './PasswordSection';
import { ProfileSection } from './ProfileSection';
import { SessionsSection } from './SessionsSection';
import { TotpSection } from './TotpSection';

// A chunk of the calendar module (nothing where the instance reads no
// calendars from elsewhere and the person follows none).
const SubscriptionsSection = lazy(
  () => import('../../modules/calendar/components/SubscriptionsSection'),
);

export default function ProfilePage() {
  const { t } = useI18n();
  useEffect(() => {
    const target = window.location.hash.slice(1);
    if (target) document.getElementById(target)?.scrollIntoView();
  }, []);
  return (
    <Page title={t('profile.title')} narrow>
      <ProfileSection />
      <div id="security" className="stack">
        <PasswordSection />
        <TotpSection />
      </div>
      <SessionsSection />
      <Suspense fallback={null}>
        <SubscriptionsSection />
      </Suspense>
      <NotificationsSection />
    </Page>
  );
}
