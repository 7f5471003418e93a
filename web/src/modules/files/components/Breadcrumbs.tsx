// Where the folder shown is: the root, each ancestor, the folder itself
// (armoured: the path's name tokens as the names this browser opened).
import { useMemo } from 'react';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { Link } from '../../../router/router';
import { useFiles, useFilesState } from '../context';
import { UNKNOWN_NAME, crumbsOf } from '../logic/path';

export function Breadcrumbs() {
  const { t } = useI18n();
  const { workspace, store } = useFiles();
  const names = useFilesState((s) => s.names);
  const armoured = !!store.armour;
  const folder = useFilesState((s) => s.listing.folder);
  const folderId = useFilesState((s) => s.listing.folderId);
  const known = useFilesState((s) => s.known);
  const crumbs = useMemo(
    () => crumbsOf(folder?.path ?? '/', folderId, known),
    [folder?.path, folderId, known],
  );
  const base = `/w/${workspace.id}/files`;
  return (
    <nav className="files-crumbs" aria-label={t('files.breadcrumbs')}>
      <ol>
        {crumbs.map((c, i) => {
          const last = i === crumbs.length - 1;
          const name = armoured && c.name ? (names.get(c.name) ?? UNKNOWN_NAME) : c.name;
          const label = name || t('module.files.name');
          return (
            <li key={c.path}>
              {i > 0 ? <Icon name="chevronRight" size={14} className="files-crumbs__sep" /> : null}
              {last ? (
                <span aria-current="page" className="files-crumbs__current">
                  {label}
                </span>
              ) : c.id === undefined ? (
                <span className="files-crumbs__pending">{label}</span>
              ) : (
                <Link to={c.id ? `${base}/${encodeURIComponent(c.id)}` : base}>{label}</Link>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
