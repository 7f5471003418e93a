// Accounts of the instance: create, change role, disable/enable, reset the
// password (which ends their sessions). Found among however many there are:
// by words of a name or an address, a role and a status, by address, a page
// at a time.
import { useState, type FormEvent } from 'react';
import { api, type AdminUsersQuery, type InstanceRole, type User } from '../../api';
import { Avatar } from '../../components/Avatar';
import { Button } from '../../components/Button';
import { ReadMore } from '../../components/ShowMore';
import { ConfirmDialog } from '../../components/Dialog';
import { Alert, Spinner, Tag } from '../../components/Feedback';
import { SelectField, TextField } from '../../components/Field';
import { Table } from '../../components/Table';
import { useI18n, type MessageKey } from '../../i18n';
import { Section } from '../../layout/Page';
import { useToast } from '../../notifications/toasts';
import { useErrorText } from '../../util/errors';
import { useNarrowedPages } from '../../util/useNarrowedPages';
import { PASSWORD_MIN, PasswordField } from '../PasswordField';
import { AdminError } from './AdminPage';

const ROLES: InstanceRole[] = ['admin', 'member', 'guest'];

/** Accounts read at once, and added by "Show more". */
export const USERS_PAGE = 100;

interface UserFilters {
  q: string;
  role: '' | InstanceRole;
  status: '' | 'active' | 'disabled';
}
const NO_USER_FILTERS: UserFilters = { q: '', role: '', status: '' };

/** The server's query for these filters, a first page. */
function usersQuery(f: UserFilters): AdminUsersQuery {
  return {
    q: f.q.trim() || undefined,
    role: f.role || undefined,
    status: f.status || undefined,
    limit: USERS_PAGE,
  };
}

interface UsersPage {
  users: User[];
  /** How many accounts the filters find in all. */
  total: number;
}

export function UsersTab({ meId }: { meId: string }) {
  const { t, date } = useI18n();
  const { toast } = useToast();
  const errorText = useErrorText();
  const {
    draft,
    setDraft,
    narrow,
    submit,
    list: users,
    more,
    loadingMore,
    moreError,
  } = useNarrowedPages<UserFilters, UsersPage>({
    initial: NO_USER_FILTERS,
    first: (f) => api.admin.users(usersQuery(f)),
    next: (f, from) => {
      const last = from.users.at(-1);
      if (!last) return null;
      return api.admin.users({ ...usersQuery(f), after: last.email }).then((page) => {
        const had = new Set(from.users.map((u) => u.id));
        return {
          users: [...from.users, ...page.users.filter((u) => !had.has(u.id))],
          total: page.total,
        };
      });
    },
  });
  const [resetting, setResetting] = useState<User | null>(null);
  const [newPassword, setNewPassword] = useState('');
  const [busy, setBusy] = useState(false);

  const update = async (u: User, change: { disabled?: boolean; role?: string }) => {
    try {
      const saved = await api.admin.updateUser(u.id, change);
      users.setData(
        (page) =>
          page && { ...page, users: page.users.map((x) => (x.id === saved.id ? saved : x)) },
      );
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

  if (users.error && !users.data) return <AdminError error={users.error} />;

  return (
    <>
      <CreateUser
        onCreated={(u) =>
          users.setData((page) => page && { users: [...page.users, u], total: page.total + 1 })
        }
      />
      <Section
        title={users.data ? t('admin.users_list', { count: users.data.total }) : t('admin.users')}
        id="users-list"
      >
        <form className="form users-filters" onSubmit={submit} noValidate>
          <div className="form__row">
            <TextField
              label={t('admin.users_search')}
              hint={t('admin.users_search_hint')}
              type="search"
              maxLength={200}
              value={draft.q}
              onChange={(e) => setDraft({ ...draft, q: e.target.value })}
              className="form__grow"
            />
            <SelectField
              label={t('admin.role')}
              value={draft.role}
              onChange={(e) => setDraft({ ...draft, role: e.target.value as UserFilters['role'] })}
            >
              <option value="">{t('admin.any_role')}</option>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`instance_role.${r}` as MessageKey)}
                </option>
              ))}
            </SelectField>
            <SelectField
              label={t('admin.status')}
              value={draft.status}
              onChange={(e) =>
                setDraft({ ...draft, status: e.target.value as UserFilters['status'] })
              }
            >
              <option value="">{t('admin.any_status')}</option>
              <option value="active">{t('admin.active')}</option>
              <option value="disabled">{t('admin.disabled')}</option>
            </SelectField>
          </div>
          <div className="form__actions">
            <Button type="submit" variant="primary" icon="search">
              {t('common.filter')}
            </Button>
            <Button variant="ghost" onClick={() => narrow(NO_USER_FILTERS)}>
              {t('common.clear_filters')}
            </Button>
          </div>
        </form>
        {users.error ? <Alert kind="error">{errorText(users.error)}</Alert> : null}
        {!users.data ? (
          <Spinner label={t('common.loading')} />
        ) : users.data.users.length === 0 ? (
          <p className="muted">{t('admin.users_none')}</p>
        ) : (
          <Table
            caption={t('admin.users')}
            columns={[t('field.name'), t('admin.role'), t('admin.status'), t('admin.created')]}
            actions="hidden"
          >
            {users.data.users.map((u) => {
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
                    <Button
                      size="sm"
                      variant="ghost"
                      disabled={self}
                      onClick={() => setResetting(u)}
                    >
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
        )}
        {moreError ? <Alert kind="error">{moreError}</Alert> : null}
        {users.data && users.data.users.length < users.data.total ? (
          <ReadMore
            label={t('common.show_more', { count: users.data.total - users.data.users.length })}
            busy={loadingMore}
            onMore={() => void more()}
          />
        ) : null}
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
