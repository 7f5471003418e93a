// /admin, instance administrators only: users, branding, security, audit,
// workspace import.
import { isApiError } from '../../api';
import { Alert } from '../../components/Feedback';
import { Tabs } from '../../components/Tabs';
import { useI18n } from '../../i18n';
import { Page } from '../../layout/Page';
import { Link } from '../../router/router';
import { useMe } from '../../session';
import { AuditTab } from './AuditTab';
import { BrandingTab } from './BrandingTab';
import { ImportTab } from './ImportTab';
import { SecurityTab } from './SecurityTab';
import { UsersTab } from './UsersTab';

/** Shown instead of a tab when the server asks the admin to turn on 2FA first. */
export function AdminError({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (isApiError(error, 'mfa_enrollment_required')) {
    return (
      <Alert kind="warning" title={t('mfa.required_title')}>
        <Link to="/me#security">{t('mfa.required_action')}</Link>
      </Alert>
    );
  }
  return <Alert kind="error">{t('error.generic')}</Alert>;
}

export default function AdminPage() {
  const { t } = useI18n();
  const me = useMe();
  return (
    <Page title={t('admin.title')} subtitle={t('admin.lead')}>
      <Tabs
        label={t('admin.title')}
        tabs={[
          { id: 'users', label: t('admin.users'), render: () => <UsersTab meId={me.id} /> },
          { id: 'branding', label: t('admin.branding'), render: () => <BrandingTab /> },
          { id: 'security', label: t('admin.security'), render: () => <SecurityTab /> },
          { id: 'audit', label: t('admin.audit'), render: () => <AuditTab /> },
          { id: 'import', label: t('admin.import'), render: () => <ImportTab /> },
        ]}
      />
    </Page>
  );
}
