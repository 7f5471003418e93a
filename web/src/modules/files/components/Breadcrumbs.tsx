// Where the folder shown is: the root, each ancestor, the folder itself
// (armoured: the path's name tokens as the names this browser opened).
import { useMemo } from 'react';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { Link } from '../../../router/router';
import { useFiles, useFilesState, useUnnamedWhy } from '../context';
import { UNKNOWN_NAME, crumbsOf } from '../logic/path';

export function Breadcrumbs() {
  const { t } = useI18n();
  const { workspace, store } = useFiles();
  const names = useFilesState((s) => s.names);
  const armoured = !!store.armour;
  const folder = useFilesState((s) => s.listing.folder);
  const folderId = useFilesState((s) => s.listing.folderId);
  const known = useFilesState((s) => s.known);
  const why = useUnnamedWhy();
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
          // Armoured: a folder whose name does not show says why on hover.
          const hint = armoured && c.name ? why(c.name) : undefined;
          return (
            <li key={c.path} title={hint}>
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
