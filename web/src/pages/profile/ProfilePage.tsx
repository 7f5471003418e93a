// /me: profile, security (password, two-factor, recovery codes), sessions
// and app tokens, notifications.
import { useEffect } from 'react';
import { useI18n } from '../../i18n';
import { Page } from '../../layout/Page';
import { NotificationsSection } from './NotificationsSection';
import { PasswordSection } from './PasswordSection';
import { ProfileSection } from './ProfileSection';
import { SessionsSection } from './SessionsSection';
import { TotpSection } from './TotpSection';

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
      <NotificationsSection />
    </Page>
  );
}
