// A read-only shared folder: breadcrumbs inside the share, its items with
// sizes and dates, folders to open and files to download.
import { api, type ShareInfo } from '../../api';
import { Alert, EmptyState, Spinner } from '../../components/Feedback';
import { Icon } from '../../components/Icon';
import { Table } from '../../components/Table';
import { useI18n, type MessageKey } from '../../i18n';
import { formatBytes } from '../../modules/files/logic/format';
import { Link } from '../../router/router';
import { useAsync } from '../../util/useAsync';
import { crumbsOf, pageHref, problemOf, type ShareProblem } from './logic';

const PROBLEM_TEXT: Partial<Record<ShareProblem, MessageKey>> = {
  gone: 'share.not_in_folder',
  limit: 'share.limit',
  password: 'share.password_again',
  network: 'error.network',
};

export function SharedFolder({
  token,
  info,
  path,
}: {
  token: string;
  info: ShareInfo;
  path: string[];
}) {
  const { t, locale, dateTime } = useI18n();
  const listing = useAsync(() => api.shareLink.list(token, path), [token, path.join('/')]);
  const crumbs = crumbsOf(info.root_name, path);

  let body;
  if (listing.loading && !listing.data) {
    body = <Spinner label={t('common.loading')} />;
  } else if (listing.error || !listing.data) {
    body = <Alert kind="error">{t(PROBLEM_TEXT[problemOf(listing.error)] ?? 'share.other')}</Alert>;
  } else if (listing.data.items.length === 0) {
    body = <EmptyState icon="files" title={t('share.empty')} />;
  } else {
    const items = listing.data.items;
    body = (
      <>
        <Table
          className="share-table"
          columns={[
            t('share.col_name'),
            { label: t('share.col_size'), className: 'share-table__num' },
            t('share.col_modified'),
          ]}
          actions="hidden"
        >
          {items.map((item) => {
            const at = [...path, item.name];
            return (
              <tr key={item.name}>
                <th scope="row" className="share-table__name">
                  <Icon name={item.kind === 'folder' ? 'files' : 'file'} size={18} />
                  {item.kind === 'folder' ? (
                    <Link to={pageHref(token, at)}>{item.name}</Link>
                  ) : (
                    <span>{item.name}</span>
                  )}
                </th>
                <td className="share-table__num">
                  {item.kind === 'folder' ? '—' : formatBytes(item.size, locale)}
                </td>
                <td>{dateTime(item.mtime)}</td>
                <td className="table__actions">
                  {item.kind === 'file' && !info.limit_reached ? (
                    <a
                      className="btn btn--secondary btn--sm"
                      href={api.shareLink.downloadUrl(token, at)}
                      download={item.name}
                      aria-label={t('share.download_named', { name: item.name })}
                    >
                      <Icon name="download" size={16} />
                      {t('share.download')}
                    </a>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </Table>
        {listing.data.total > items.length ? (
          <p className="muted">
            {t('share.partial', { count: items.length, total: listing.data.total })}
          </p>
        ) : null}
      </>
    );
  }

  return (
    <section className="card share-panel" aria-labelledby="share-title">
      <p className="muted">{t('share.shared_with_you')}</p>
      <nav aria-label={t('share.breadcrumbs')} className="share-crumbs">
        <ol>
          {crumbs.map((c, i) => {
            const last = i === crumbs.length - 1;
            return (
              <li key={c.path.join('/')}>
                {i > 0 ? <Icon name="chevronRight" size={14} /> : null}
                {last ? (
                  <h1 id="share-title" aria-current="page" className="share-crumbs__current">
                    {c.label}
                  </h1>
                ) : (
                  <Link to={pageHref(token, c.path)}>{c.label}</Link>
                )}
              </li>
            );
          })}
        </ol>
      </nav>
      {info.limit_reached ? <Alert kind="warning">{t('share.limit')}</Alert> : null}
      {body}
      {info.expires_at ? (
        <p className="muted">{t('share.expires', { date: dateTime(info.expires_at) })}</p>
      ) : null}
    </section>
  );
}
