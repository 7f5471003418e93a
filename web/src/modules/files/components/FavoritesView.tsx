// The person's favorite files and folders in the workspace: each leads to
// the folder that holds it (or into it), and can be unstarred here.
// Armoured: opened as the folder's entries are.
import { useEffect, useMemo } from 'react';
import { Button } from '../../../components/Button';
import { Alert, Spinner } from '../../../components/Feedback';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { useToast } from '../../../notifications/toasts';
import { useFiles, useFilesErrorText, useKeysVersion, usePathWhy, useShownPath } from '../context';
import { useFavorites } from '../favorites';
import { parentPath } from '../logic/path';
import { nameComparer } from '../logic/sort';
import type { ShownNode } from '../sealed';
import { FileIcon } from './FileIcon';
import { NodeName, useNodeName } from './NodeName';

export function FavoritesView({ onClose }: { onClose(): void }) {
  const { t, locale } = useI18n();
  const { workspace, openFolder, store: files } = useFiles();
  const errorText = useFilesErrorText();
  const { list: raw, error, store } = useFavorites(workspace.id);
  const { toast } = useToast();
  const nodeName = useNodeName();
  const shownPath = useShownPath();
  const pathWhy = usePathWhy();
  const armour = files.armour;
  const keysVersion = useKeysVersion();
  const list = useMemo<ShownNode[] | null>(() => {
    if (!raw || !armour) return raw;
    // The server orders them by token: by the names opened here instead.
    const byName = nameComparer(locale);
    return raw.map((n) => armour.open(n)).sort((a, b) => byName(a.name, b.name));
    // keysVersion: names that did not open may now.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [raw, armour, keysVersion, locale]);

  // Armoured: the names of the folders they are in, fetched and opened.
  useEffect(() => {
    if (!raw || !armour) return;
    const hints = new Map<string, string>();
    for (const n of raw) if (n.parent_id) hints.set(parentPath(n.path), n.parent_id);
    void files.resolvePaths(
      raw.map((n) => n.path),
      hints,
    );
  }, [raw, armour, files]);

  let body;
  if (error && !list) body = <Alert kind="error">{errorText(error)}</Alert>;
  else if (!list) body = <Spinner label={t('common.loading')} />;
  else if (list.length === 0) body = <p className="muted">{t('files.favorites_none')}</p>;
  else
    body = (
      <ul className="files-search__list" aria-label={t('files.favorites')}>
        {list.map((n) => (
          <li key={n.id} className="files-favorite">
            <button
              type="button"
              className="files-search__hit"
              onClick={() => {
                onClose();
                openFolder(n.kind === 'folder' ? n.id : (n.parent_id ?? ''));
              }}
            >
              <FileIcon node={n} />
              <span className="files-search__name">
                <NodeName node={n} />
              </span>
              <span
                className="files-search__where muted"
                title={pathWhy(parentPath(n.path || '/'))}
              >
                {t('files.search_in', { folder: shownPath(parentPath(n.path || '/')) })}
              </span>
            </button>
            <button
              type="button"
              className="icon-btn"
              aria-label={t('files.unfavorite_named', { name: nodeName(n) })}
              title={t('files.unfavorite')}
              onClick={() =>
                store
                  .toggle(n, false)
                  .catch((e: unknown) => toast({ kind: 'error', title: errorText(e) }))
              }
            >
              <Icon name="star" size={18} />
            </button>
          </li>
        ))}
      </ul>
    );
  return (
    <section className="files-search" data-testid="files-favorites">
      <div className="files-search__head">
        <h2>{t('files.favorites')}</h2>
        <Button variant="ghost" icon="close" onClick={onClose}>
          {t('files.favorites_close')}
        </Button>
      </div>
      {body}
    </section>
  );
}
