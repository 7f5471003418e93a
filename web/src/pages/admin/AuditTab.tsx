// The latest audit log entries (read-only).
import { api } from '../../api';
import { Spinner, Tag } from '../../components/Feedback';
import { Table } from '../../components/Table';
import { useI18n } from '../../i18n';
import { Section } from '../../layout/Page';
import { useAsync } from '../../util/useAsync';
import { AdminError } from './AdminPage';

export function AuditTab() {
  const { t, dateTime } = useI18n();
  const audit = useAsync(() => api.admin.audit(100), []);
  if (audit.error) return <AdminError error={audit.error} />;
  if (!audit.data) return <Spinner label={t('common.loading')} />;
  return (
    <Section title={t('audit.title')} description={t('audit.lead')} id="audit-log">
      <Table
        compact
        caption={t('audit.title')}
        columns={[
          t('audit.time'),
          t('audit.action'),
          t('audit.outcome'),
          t('audit.actor'),
          t('audit.address'),
        ]}
      >
        {audit.data.map((a) => (
          <tr key={a.seq}>
            <td>
              <time dateTime={a.at}>{dateTime(a.at)}</time>
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
              <code className="muted">{a.actor_id || '—'}</code>
            </td>
            <td>{a.remote_addr}</td>
          </tr>
        ))}
      </Table>
    </Section>
  );
}
