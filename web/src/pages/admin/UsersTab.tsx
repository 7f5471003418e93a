// Accounts of the instance: create, change role, disable/enable, reset the
// password (which ends their sessions).
import { useState, type FormEvent } from 'react';
import { api, type InstanceRole, type User } from '../../api';
import { Avatar } from '../../components/Avatar';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/Dialog';
import { Alert, Spinner, Tag } from '../../components/Feedback';
import { SelectField, TextField } from '../../components/Field';
import { Table } from '../../components/Table';
import { useI18n, type MessageKey } from '../../i18n';
import { Section } from '../../layout/Page';
import { useToast } from '../../notifications/toasts';
import { useErrorText } from '../../util/errors';
import { useAsync } from '../../util/useAsync';
import { PASSWORD_MIN, PasswordField } from '../PasswordField';
import { AdminError } from './AdminPage';

const ROLES: InstanceRole[] = ['admin', 'member', 'guest'];

export function UsersTab({ meId }: { meId: string }) {
  const { t, date } = useI18n();
  const { toast } = useToast();
  const errorText = useErrorText();
  const users = useAsync(() => api.admin.users(), []);
  const [resetting, setResetting] = useState<User | null>(null);
  const [newPassword, setNewPassword] = useState('');
  const [busy, setBusy] = useState(false);

  const update = async (u: User, change: { disabled?: boolean; role?: string }) => {
    try {
      const saved = await api.admin.updateUser(u.id, change);
      users.setData((list) => list?.map((x) => (x.id === saved.id ? saved : x)));
      toast({ kind: 'success', title: t('common.saved') });
    } catch (err) {
      toast({ kind: 'error', title: errorText(err) });
    }
  };

  const reset = async () => {
    if (!resetting) return;
    setBusy(true);
    try {
      await api.admin.resetPassword(resetting.id, newPassword);
      toast({ kind: 'success', title: t('admin.password_reset_done', { name: resetting.name }) });
      setResetting(null);
      setNewPassword('');
    } catch (err) {
      toast({ kind: 'error', title: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  if (users.error) return <AdminError error={users.error} />;
  if (!users.data) return <Spinner label={t('common.loading')} />;

  return (
    <>
      <CreateUser onCreated={(u) => users.setData((l) => [...(l ?? []), u])} />
      <Section title={t('admin.users_list', { count: users.data.length })} id="users-list">
        <Table
          caption={t('admin.users')}
          columns={[t('field.name'), t('admin.role'), t('admin.status'), t('admin.created')]}
          actions="hidden"
        >
          {users.data.map((u) => {
            const self = u.id === meId;
            return (
              <tr key={u.id} data-user={u.email}>
                <th scope="row" className="members-table__who">
                  <Avatar name={u.name} seed={u.id} size="sm" />
                  <span>
                    <span className="members-table__name">{u.name}</span>
                    <span className="members-table__email">{u.email}</span>
                  </span>
                  {u.totp_enabled ? <Tag tone="success">2FA</Tag> : null}
                </th>
                <td>
                  <SelectField
                    label={t('admin.role_of', { name: u.name })}
                    hideLabel
                    value={u.role}
                    disabled={self}
                    onChange={(e) => void update(u, { role: e.target.value })}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(`instance_role.${r}` as MessageKey)}
                      </option>
                    ))}
                  </SelectField>
                </td>
                <td>
                  {u.disabled ? (
                    <Tag tone="warning">{t('admin.disabled')}</Tag>
                  ) : (
                    <Tag>{t('admin.active')}</Tag>
                  )}
                </td>
                <td>{date(u.created_at)}</td>
                <td className="table__actions">
                  <Button size="sm" variant="ghost" disabled={self} onClick={() => setResetting(u)}>
                    {t('admin.reset_password')}
                  </Button>
                  <Button
                    size="sm"
                    variant={u.disabled ? 'secondary' : 'ghost'}
                    disabled={self}
                    onClick={() => void update(u, { disabled: !u.disabled })}
                  >
                    {u.disabled ? t('admin.enable') : t('admin.disable')}
                  </Button>
                </td>
              </tr>
            );
          })}
        </Table>
      </Section>
      <ConfirmDialog
        open={resetting !== null}
        title={t('admin.reset_title', { name: resetting?.name ?? '' })}
        confirmLabel={t('admin.reset_password')}
        cancelLabel={t('common.cancel')}
        busy={busy}
        confirmDisabled={[...newPassword].length < PASSWORD_MIN}
        onConfirm={() => void reset()}
        onCancel={() => {
          setResetting(null);
          setNewPassword('');
        }}
      >
        <p>{t('admin.reset_body')}</p>
        <PasswordField value={newPassword} onChange={setNewPassword} />
      </ConfirmDialog>
    </>
  );
}

function CreateUser({ onCreated }: { onCreated(u: User): void }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const { toast } = useToast();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<InstanceRole>('member');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const u = await api.admin.createUser({
        email: email.trim(),
        name: name.trim(),
        password,
        role,
      });
      onCreated(u);
      toast({ kind: 'success', title: t('admin.user_created', { name: u.name }) });
      setEmail('');
      setName('');
      setPassword('');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section
      title={t('admin.create_user')}
      description={t('admin.create_user_lead')}
      id="create-user"
    >
      <form className="form" onSubmit={submit} noValidate>
        {error ? <Alert kind="error">{error}</Alert> : null}
        <div className="form__row">
          <TextField
            label={t('field.name')}
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            className="form__grow"
          />
          <TextField
            label={t('field.email')}
            type="email"
            autoComplete="off"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            className="form__grow"
          />
          <SelectField
            label={t('admin.role')}
            value={role}
            onChange={(e) => setRole(e.target.value as InstanceRole)}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`instance_role.${r}` as MessageKey)}
              </option>
            ))}
          </SelectField>
        </div>
        <PasswordField value={password} onChange={setPassword} label="admin.initial_password" />
        <div className="form__actions">
          <Button
            type="submit"
            variant="primary"
            icon="plus"
            busy={busy}
            disabled={!email.trim() || !name.trim() || [...password].length < PASSWORD_MIN}
          >
            {t('admin.create_user')}
          </Button>
        </div>
      </form>
    </Section>
  );
}
