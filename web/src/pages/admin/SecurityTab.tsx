// Instance security settings: two-factor authentication for administrators,
// and whom the directory shows members (everyone, or their workspaces' people).
import { useState } from 'react';
import { api, type AdminSettingsChange } from '../../api';
import { Alert, Spinner } from '../../components/Feedback';
import { Checkbox } from '../../components/Field';
import { useI18n } from '../../i18n';
import { Section } from '../../layout/Page';
import { Link } from '../../router/router';
import { useToast } from '../../notifications/toasts';
import { useMe, useSession } from '../../session';
import { useErrorText } from '../../util/errors';
import { useAsync } from '../../util/useAsync';
import { AdminError } from './AdminPage';

export function SecurityTab() {
  const { t } = useI18n();
  const me = useMe();
  const { refreshMe } = useSession();
  const { toast } = useToast();
  const errorText = useErrorText();
  const settings = useAsync(() => api.admin.settings(), []);
  const [busy, setBusy] = useState(false);

  if (settings.error) return <AdminError error={settings.error} />;
  if (!settings.data) return <Spinner label={t('common.loading')} />;
  const required = settings.data.mfa_required_for_admins;
  // Turning it on without a second factor would lock this admin out of /admin.
  const blocked = !required && !me.totp_enabled;

  const save = async (change: AdminSettingsChange) => {
    setBusy(true);
    try {
      settings.setData(await api.admin.updateSettings(change));
      await refreshMe();
      toast({ kind: 'success', title: t('common.saved') });
    } catch (err) {
      toast({ kind: 'error', title: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title={t('security.title')} description={t('security.lead')} id="security-settings">
      {blocked ? (
        <Alert kind="info">
          {t('security.enrol_first')} <Link to="/me#security">{t('mfa.required_action')}</Link>
        </Alert>
      ) : null}
      <Checkbox
        label={t('security.mfa_admins')}
        hint={t('security.mfa_admins_hint')}
        checked={required}
        disabled={busy || blocked}
        onChange={(e) => void save({ mfa_required_for_admins: e.target.checked })}
      />
      <Checkbox
        label={t('security.directory_workspaces')}
        hint={t('security.directory_workspaces_hint')}
        checked={settings.data.directory === 'workspaces'}
        disabled={busy}
        onChange={(e) => void save({ directory: e.target.checked ? 'workspaces' : 'instance' })}
      />
    </Section>
  );
}
