// The audit log (read-only): newest first, narrowed by action or family of
// actions, outcome, dates, one person or one workspace (a click on either in
// the table), older entries a page at a time.
import { api, isApiError, type AuditEntry, type AuditQuery } from '../../api';
import { Button } from '../../components/Button';
import { ReadMore } from '../../components/ShowMore';
import { Alert, Spinner, Tag } from '../../components/Feedback';
import { SelectField, TextField } from '../../components/Field';
import { Table } from '../../components/Table';
import { useI18n } from '../../i18n';
import { Section } from '../../layout/Page';
import { useErrorText } from '../../util/errors';
import { useNarrowedPages } from '../../util/useNarrowedPages';
import { AdminError } from './AdminPage';

/** Entries read at once, and added by "Show older entries". */
export const AUDIT_PAGE = 100;

/** What the form narrows to, as typed: dates are the admin's local days (YYYY-MM-DD). */
export interface AuditFilters {
  action: string;
  outcome: '' | 'success' | 'failure' | 'denied';
  from: string;
  to: string;
  actor: { id: string; label: string } | null;
  workspace: { id: string; label: string } | null;
}

export const NO_AUDIT_FILTERS: AuditFilters = {
  action: '',
  outcome: '',
  from: '',
  to: '',
  actor: null,
  workspace: null,
};

/** The server's query for these filters: `to` takes in its whole day. */
export function auditQuery(f: AuditFilters): AuditQuery {
  const day = (d: string, next = false) => {
    const t = new Date(`${d}T00:00:00`);
    if (next) t.setDate(t.getDate() + 1);
    return t.toISOString();
  };
  return {
    action: f.action.trim().toLowerCase() || undefined,
    outcome: f.outcome || undefined,
    from: f.from ? day(f.from) : undefined,
    to: f.to ? day(f.to, true) : undefined,
    actor: f.actor?.id,
    workspace: f.workspace?.id,
    limit: AUDIT_PAGE,
  };
}

interface AuditPage {
  entries: AuditEntry[];
  more: boolean;
}

export function AuditTab() {
  const { t, dateTime } = useI18n();
  const errorText = useErrorText();
  const {
    filters,
    draft,
    setDraft,
    narrow,
    submit,
    list: audit,
    more: older,
    loadingMore,
    moreError,
  } = useNarrowedPages<AuditFilters, AuditPage>({
    initial: NO_AUDIT_FILTERS,
    first: async (f) => {
      const entries = await api.admin.audit(auditQuery(f));
      return { entries, more: entries.length >= AUDIT_PAGE };
    },
    next: (f, from) => {
      const last = from.entries.at(-1);
      if (!last) return null;
      return api.admin.audit({ ...auditQuery(f), before: last.seq }).then((entries) => ({
        entries: [...from.entries, ...entries],
        more: entries.length >= AUDIT_PAGE,
      }));
    },
  });

  if (audit.error && !isBadQuery(audit.error)) return <AdminError error={audit.error} />;
  return (
    <Section title={t('audit.title')} description={t('audit.lead')} id="audit-log">
      <form className="form audit-filters" onSubmit={submit} noValidate>
        <div className="form__row">
          <TextField
            label={t('audit.action')}
            hint={t('audit.action_hint')}
            value={draft.action}
            onChange={(e) => setDraft({ ...draft, action: e.target.value })}
            className="form__grow"
          />
          <SelectField
            label={t('audit.outcome')}
            value={draft.outcome}
            onChange={(e) =>
              setDraft({ ...draft, outcome: e.target.value as AuditFilters['outcome'] })
            }
          >
            <option value="">{t('audit.any_outcome')}</option>
            <option value="success">{t('audit.success')}</option>
            <option value="failure">{t('audit.failure')}</option>
            <option value="denied">{t('audit.denied')}</option>
          </SelectField>
          <TextField
            label={t('audit.from')}
            type="date"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
          <TextField
            label={t('audit.to')}
            type="date"
            value={draft.to}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          />
        </div>
        <div className="form__actions">
          {filters.actor ? (
            <Button
              size="sm"
              variant="ghost"
              icon="close"
              onClick={() => narrow({ actor: null })}
              aria-label={t('audit.clear_actor', { name: filters.actor.label })}
            >
              {t('audit.by', { name: filters.actor.label })}
            </Button>
          ) : null}
          {filters.workspace ? (
            <Button
              size="sm"
              variant="ghost"
              icon="close"
              onClick={() => narrow({ workspace: null })}
              aria-label={t('audit.clear_workspace')}
            >
              {t('audit.in_workspace', { name: filters.workspace.label })}
            </Button>
          ) : null}
          <Button type="submit" variant="primary" icon="search">
            {t('common.filter')}
          </Button>
          <Button variant="ghost" onClick={() => narrow(NO_AUDIT_FILTERS)}>
            {t('common.clear_filters')}
          </Button>
        </div>
      </form>
      {audit.error ? (
        <Alert kind="error">{errorText(audit.error)}</Alert>
      ) : !audit.data ? (
        <Spinner label={t('common.loading')} />
      ) : audit.data.entries.length === 0 ? (
        <p className="muted">{t('audit.none')}</p>
      ) : (
        <Table
          compact
          caption={t('audit.title')}
          columns={[
            t('audit.time'),
            t('audit.action'),
            t('audit.outcome'),
            t('audit.actor'),
            t('audit.workspace'),
            t('audit.object'),
            t('audit.address'),
          ]}
        >
          {audit.data.entries.map((a) => (
            <tr key={a.seq} data-audit={a.action}>
              <td>
                <time dateTime={a.at} title={a.at}>
                  {dateTime(a.at)}
                </time>
              </td>
              <th scope="row">
                <code>{a.action}</code>
              </th>
              <td>
                <Tag tone={a.outcome === 'success' || a.outcome === '' ? 'success' : 'warning'}>
                  {a.outcome || 'success'}
                </Tag>
              </td>
              <td>
                {a.actor_id ? (
                  <button
                    type="button"
                    className="link-btn"
                    title={a.actor_email ?? a.actor_id}
                    onClick={() =>
                      narrow({ actor: { id: a.actor_id, label: a.actor_name ?? a.actor_id } })
                    }
                  >
                    {a.actor_name ?? a.actor_id}
                  </button>
                ) : (
                  '—'
                )}
              </td>
              <td>
                {a.workspace_id ? (
                  <button
                    type="button"
                    className="link-btn"
                    title={a.workspace_id}
                    onClick={() =>
                      narrow({
                        workspace: {
                          id: a.workspace_id,
                          label: a.workspace_name ?? a.workspace_id,
                        },
                      })
                    }
                  >
                    {a.workspace_name ?? <code>{a.workspace_id}</code>}
                  </button>
                ) : (
                  '—'
                )}
              </td>
              <td>
                <code className="muted">{a.object}</code>
              </td>
              <td>{a.remote_addr}</td>
            </tr>
          ))}
        </Table>
      )}
      {moreError ? <Alert kind="error">{moreError}</Alert> : null}
      {audit.data?.more ? (
        <ReadMore label={t('audit.older')} busy={loadingMore} onMore={() => void older()} />
      ) : null}
    </Section>
  );
}

/** A query the server refused (a malformed action): said in the tab, the form kept. */
function isBadQuery(e: unknown): boolean {
  return isApiError(e) && e.status === 400;
}
