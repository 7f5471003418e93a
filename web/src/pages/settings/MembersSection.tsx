// Members with their workspace role, per-module rights (none/read/write)
// and membership expiry. Each change is saved at once. A search by name or
// address narrows the table; it shows 100 rows, and 100 more at each click.
import { useDeferredValue, useId, useMemo, useState } from 'react';
import {
  ACCESS_LEVELS,
  WORKSPACE_ROLES,
  api,
  type Access,
  type Member,
  type MemberChange,
  type Workspace,
  type WorkspaceRole,
} from '../../api';
import { Avatar } from '../../components/Avatar';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/Dialog';
import { Tag } from '../../components/Feedback';
import { SelectField, TextField } from '../../components/Field';
import { useI18n, type MessageKey } from '../../i18n';
import { Section } from '../../layout/Page';
import { Icon } from '../../components/Icon';
import { ShowMore, useShown } from '../../components/ShowMore';
import { Table } from '../../components/Table';
import { MODULE_ICONS, moduleLabelKey } from '../../layout/Sidebar';
import { useToast } from '../../notifications/toasts';
import { useErrorText } from '../../util/errors';
import { matchingMembers } from '../../workspaces/memberSearch';

export function MembersSection({
  w,
  members,
  meId,
  onChange,
}: {
  w: Workspace;
  members: Member[];
  meId: string;
  /** A change saved (the member after it) or a member removed. */
  onChange(change: Member | { removed: string }): void;
}) {
  const { t } = useI18n();
  const { toast } = useToast();
  const errorText = useErrorText();
  const [removing, setRemoving] = useState<Member | null>(null);
  const [busy, setBusy] = useState(false);
  const [query, setQuery] = useState('');
  const { shown, more, reset } = useShown();
  const modules = w.modules;
  const readOnly = w.archived;
  const owners = useMemo(() => members.filter((x) => x.role === 'owner').length, [members]);
  // Typing stays smooth over a long list: the table follows a beat later.
  const deferredQuery = useDeferredValue(query);
  const found = useMemo(() => matchingMembers(members, deferredQuery), [members, deferredQuery]);

  const change = async (m: Member, c: MemberChange) => {
    try {
      const saved = await api.workspaces.changeMember(w.id, m.user_id, c);
      onChange(saved);
      toast({ kind: 'success', title: t('settings.member_saved', { name: m.name }) });
    } catch (err) {
      toast({ kind: 'error', title: errorText(err) });
    }
  };

  const remove = async () => {
    if (!removing) return;
    setBusy(true);
    try {
      await api.workspaces.removeMember(w.id, removing.user_id);
      onChange({ removed: removing.user_id });
      setRemoving(null);
    } catch (err) {
      toast({ kind: 'error', title: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title={t('settings.members')} description={t('settings.members_lead')} id="members">
      <TextField
        label={t('settings.members_search')}
        type="search"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          reset();
        }}
      />
      <Table
        className="members-table"
        caption={t('settings.members')}
        columns={[t('settings.member'), t('settings.role'), t('settings.rights')]}
        actions="hidden"
      >
        {found.slice(0, shown).map((m) => (
          <MemberRow
            key={m.user_id}
            m={m}
            modules={modules}
            isMe={m.user_id === meId}
            soleOwner={m.role === 'owner' && owners === 1}
            callerIsOwner={w.role === 'owner'}
            readOnly={readOnly}
            onChange={(c) => void change(m, c)}
            onRemove={() => setRemoving(m)}
          />
        ))}
      </Table>
      {found.length === 0 && deferredQuery.trim() ? (
        <p className="muted">{t('settings.members_none_found')}</p>
      ) : null}
      <ShowMore total={found.length} shown={shown} onMore={more} />
      <ConfirmDialog
        open={removing !== null}
        title={t('settings.remove_title', { name: removing?.name ?? '' })}
        confirmLabel={t('settings.remove')}
        cancelLabel={t('common.cancel')}
        danger
        busy={busy}
        onConfirm={() => void remove()}
        onCancel={() => setRemoving(null)}
      >
        <p>{t('settings.remove_body', { workspace: w.name })}</p>
      </ConfirmDialog>
    </Section>
  );
}

function MemberRow({
  m,
  modules,
  isMe,
  soleOwner,
  callerIsOwner,
  readOnly,
  onChange,
  onRemove,
}: {
  m: Member;
  modules: string[];
  isMe: boolean;
  soleOwner: boolean;
  callerIsOwner: boolean;
  readOnly: boolean;
  onChange(c: MemberChange): void;
  onRemove(): void;
}) {
  const { t, date } = useI18n();
  const [open, setOpen] = useState(false);
  const rightsId = useId();
  const lockedOwner = m.role === 'owner' && !callerIsOwner;
  const disabled = readOnly || lockedOwner;
  const roles =
    callerIsOwner || lockedOwner ? WORKSPACE_ROLES : WORKSPACE_ROLES.filter((r) => r !== 'owner');
  const expiry = m.expires_at ? m.expires_at.slice(0, 10) : '';
  return (
    <>
      <tr
        data-member={m.email}
        className={open ? 'members-table__row is-open' : 'members-table__row'}
      >
        <th scope="row">
          <span className="members-table__who">
            <Avatar name={m.name} seed={m.user_id} size="sm" />
            <span>
              <span className="members-table__name">
                {m.name}
                {isMe ? <span className="muted"> ({t('settings.you')})</span> : null}
              </span>
              <span className="members-table__email">{m.email}</span>
              <span className="members-table__tags">
                {m.external ? <Tag tone="warning">{t('member.external')}</Tag> : null}
                {m.expires_at ? (
                  <Tag>{t('settings.until', { date: date(m.expires_at) })}</Tag>
                ) : null}
              </span>
            </span>
          </span>
        </th>
        <td>
          <SelectField
            label={t('settings.role_of', { name: m.name })}
            hideLabel
            value={m.role}
            disabled={disabled}
            onChange={(e) => onChange({ role: e.target.value as WorkspaceRole })}
          >
            {roles.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}` as MessageKey)}
              </option>
            ))}
          </SelectField>
        </td>
        <td>
          <button
            type="button"
            className="rights-toggle"
            aria-expanded={open}
            aria-controls={rightsId}
            onClick={() => setOpen((o) => !o)}
          >
            <span className="visually-hidden">
              {t('settings.rights_of_member', { name: m.name })} :{' '}
            </span>
            <RightsSummary rights={m.rights} modules={modules} />
            <Icon name="chevronRight" size={16} className="rights-toggle__chevron" />
          </button>
        </td>
        <td className="table__actions">
          <Button
            size="sm"
            variant="ghost"
            icon="trash"
            disabled={disabled || soleOwner}
            title={soleOwner ? t('error.last_owner') : undefined}
            onClick={onRemove}
            aria-label={isMe ? t('settings.leave') : t('settings.remove_named', { name: m.name })}
          >
            {isMe ? t('settings.leave') : t('settings.remove')}
          </Button>
        </td>
      </tr>
      <tr id={rightsId} hidden={!open} className="members-table__rights" data-rights-for={m.email}>
        <td colSpan={4}>
          {open ? (
            <fieldset className="rights-editor">
              <legend className="rights-editor__legend">
                {t('settings.access_of', { name: m.name })}
              </legend>
              {modules.length === 0 ? <p className="muted">{t('ws.no_modules')}</p> : null}
              <div className="rights-editor__grid">
                {modules.map((mod) => (
                  <SelectField
                    key={mod}
                    label={
                      <span className="rights-editor__label">
                        <Icon name={MODULE_ICONS[mod] ?? 'chevronRight'} size={16} />
                        {t(moduleLabelKey(mod))}
                      </span>
                    }
                    value={m.rights[mod] ?? 'none'}
                    disabled={disabled}
                    onChange={(e) => onChange({ rights: { [mod]: e.target.value as Access } })}
                  >
                    {ACCESS_LEVELS.map((a) => (
                      <option key={a} value={a}>
                        {t(`access.${a}` as MessageKey)}
                      </option>
                    ))}
                  </SelectField>
                ))}
              </div>
              <div className="rights-editor__expiry">
                <TextField
                  label={t('settings.expires')}
                  hint={t('settings.expires_hint')}
                  type="date"
                  value={expiry}
                  disabled={disabled}
                  onChange={(e) => {
                    const v = e.target.value;
                    onChange({ expires_at: v ? new Date(`${v}T23:59:59`).toISOString() : null });
                  }}
                />
              </div>
            </fieldset>
          ) : null}
        </td>
      </tr>
    </>
  );
}

/** "Écriture : Fichiers, Tâches · Lecture : Rapports", or one level for all. */
function RightsSummary({ rights, modules }: { rights: Record<string, Access>; modules: string[] }) {
  const { t } = useI18n();
  if (modules.length === 0) return <span className="muted">—</span>;
  const groups = ACCESS_LEVELS.slice()
    .reverse()
    .map((a) => ({ a, mods: modules.filter((m) => (rights[m] ?? 'none') === a) }))
    .filter((g) => g.mods.length > 0);
  if (groups.length === 1 && groups[0]) {
    return (
      <span className="rights-summary">
        {t('settings.rights_all', { access: t(`access.${groups[0].a}` as MessageKey) })}
      </span>
    );
  }
  return (
    <span className="rights-summary">
      {groups.map((g, i) => (
        <span key={g.a} className={`rights-summary__group rights-summary__group--${g.a}`}>
          {i > 0 ? ' · ' : ''}
          <strong>{t(`access.${g.a}` as MessageKey)}</strong> :{' '}
          {g.mods.map((m) => t(moduleLabelKey(m))).join(', ')}
        </span>
      ))}
    </span>
  );
}
