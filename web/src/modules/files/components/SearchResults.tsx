// Files and folders of the workspace found by name: each leads to the folder
// that holds it, or into it. The platform's search (type "file"); in an
// armoured workspace, whose names the server cannot read, a walk of the
// tree in the browser (treeSearch.ts), shown the same way.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api, type FileNode, type SearchResult } from '../../../api';
import { useArmourText } from '../../../armour/i18n';
import { Button } from '../../../components/Button';
import { ReadMore } from '../../../components/ShowMore';
import { Alert, Spinner } from '../../../components/Feedback';
import { useI18n } from '../../../i18n';
import { useFiles, useFilesErrorText } from '../context';
import { parentPath } from '../logic/path';
import type { FilesArmour } from '../sealed';
import { searchTree, type TreeSearch } from '../treeSearch';
import { Marked } from '../../../components/Marked';
import { FileIcon } from './FileIcon';
import { NodeName } from './NodeName';

const LIMIT = 50;

/** One result as the list shows it. */
interface Hit {
  id: string;
  kind: 'file' | 'folder';
  /** For the icon. */
  name: string;
  contentType?: string;
  label: ReactNode;
  /** The folder holding it, as people read it. */
  where: string;
  /** The folder to open: the hit itself, or the one holding it. */
  target: string;
}

function HitList({
  query,
  hits,
  onClose,
}: {
  query: string;
  hits: readonly Hit[];
  onClose(): void;
}) {
  const { t } = useI18n();
  const { openFolder } = useFiles();
  if (hits.length === 0) return <p className="muted">{t('files.search_none', { query })}</p>;
  return (
    <ul className="files-search__list" aria-label={t('files.search_results', { query })}>
      {hits.map((hit) => (
        <li key={hit.id}>
          <button
            type="button"
            className="files-search__hit"
            onClick={() => {
              onClose();
              openFolder(hit.target);
            }}
          >
            <FileIcon
              node={{ kind: hit.kind, name: hit.name, content_type: hit.contentType ?? '' }}
            />
            <span className="files-search__name">{hit.label}</span>
            <span className="files-search__where muted">
              {t('files.search_in', { folder: hit.where })}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

export function SearchResults({ query, onClose }: { query: string; onClose(): void }) {
  const { t } = useI18n();
  const { store } = useFiles();
  return (
    <section className="files-search" data-testid="files-search">
      <div className="files-search__head">
        <h2>{t('files.search_heading', { query })}</h2>
        <Button variant="ghost" icon="close" onClick={onClose}>
          {t('files.search_close')}
        </Button>
      </div>
      {store.armour ? (
        <TreeResults armour={store.armour} query={query} onClose={onClose} />
      ) : (
        <ServerResults query={query} onClose={onClose} />
      )}
    </section>
  );
}

/** A page of the names the server finds, the newest first; those after hit `after`. */
function searchNames(workspace: string, query: string, after?: string, signal?: AbortSignal) {
  return api.search({ q: query, workspace, type: 'file', limit: LIMIT, after }, { signal });
}

/** The platform's search: 50 names, the newest first, then older ones on demand. */
function ServerResults({ query, onClose }: { query: string; onClose(): void }) {
  const { t } = useI18n();
  const { workspace } = useFiles();
  const errorText = useFilesErrorText();
  const [found, setFound] = useState<{ query: string; hits: SearchResult[]; more: boolean } | null>(
    null,
  );
  const [error, setError] = useState<{ query: string; error: unknown } | null>(null);
  const [readingOlder, setReadingOlder] = useState(false);

  useEffect(() => {
    const ctl = new AbortController();
    searchNames(workspace.id, query, undefined, ctl.signal).then(
      (r) => setFound({ query, hits: r.results, more: r.results.length === LIMIT }),
      (e: unknown) => {
        if (e instanceof DOMException && e.name === 'AbortError') return;
        setError({ query, error: e });
      },
    );
    return () => ctl.abort();
  }, [query, workspace.id]);

  // The names after the last one shown (a page dropped if the query changed meanwhile).
  const older = async () => {
    const from = found;
    const last = from?.hits.at(-1);
    if (!from || from.query !== query || !last) return;
    setReadingOlder(true);
    try {
      const r = await searchNames(workspace.id, query, last.id);
      setFound((now) =>
        now === from
          ? { query, hits: [...from.hits, ...r.results], more: r.results.length === LIMIT }
          : now,
      );
    } catch (e) {
      setError({ query, error: e });
    } finally {
      setReadingOlder(false);
    }
  };

  if (error?.query === query) return <Alert kind="error">{errorText(error.error)}</Alert>;
  if (!found || found.query !== query) return <Spinner label={t('common.loading')} />;
  const hits = found.hits.map((hit): Hit => ({
    id: hit.id,
    kind: hit.kind ?? 'file',
    name: hit.name ?? '',
    label: <Marked snippet={hit.snippet} />,
    where: parentPath(hit.path ?? '/'),
    target: hit.kind === 'folder' ? hit.id : (hit.parent_id ?? ''),
  }));
  return (
    <>
      <HitList query={query} hits={hits} onClose={onClose} />
      {found.more ? (
        <ReadMore label={t('files.search_older')} busy={readingOlder} onMore={() => void older()} />
      ) : null}
    </>
  );
}

/** Armoured: the tree walked in the browser, its names opened; results as they come. */
function TreeResults({
  armour,
  query,
  onClose,
}: {
  armour: FilesArmour;
  query: string;
  onClose(): void;
}) {
  const { t } = useI18n();
  const ta = useArmourText();
  const errorText = useFilesErrorText();
  const [found, setFound] = useState<{ query: string; s: TreeSearch } | null>(null);
  const [error, setError] = useState<{ query: string; error: unknown } | null>(null);
  // The folders read, for the next query while the results stay open.
  const listings = useRef(new Map<string, readonly FileNode[]>());

  useEffect(() => {
    const ctl = new AbortController();
    const show = (s: TreeSearch) => {
      if (!ctl.signal.aborted) setFound({ query, s });
    };
    searchTree(armour, query, {
      signal: ctl.signal,
      listings: listings.current,
      onProgress: show,
    }).then(show, (e: unknown) => {
      if (!ctl.signal.aborted) setError({ query, error: e });
    });
    return () => ctl.abort();
  }, [armour, query]);

  if (error?.query === query) return <Alert kind="error">{errorText(error.error)}</Alert>;
  const s = found?.query === query ? found.s : null;
  const hits = (s?.hits ?? []).map(({ node, where }): Hit => ({
    id: node.id,
    kind: node.kind,
    name: node.name,
    contentType: node.content_type,
    label: <NodeName node={node} />,
    where,
    target: node.kind === 'folder' ? node.id : (node.parent_id ?? ''),
  }));
  return (
    <>
      <p className="muted">{ta('files.search_local')}</p>
      {s?.limited ? (
        <p className="muted" role="note">
          {ta('files.search_limited', { count: s.scanned })}
        </p>
      ) : null}
      {!s?.done ? (
        <Spinner
          label={s ? ta('files.search_walking', { count: s.scanned }) : t('common.loading')}
        />
      ) : null}
      {s && (s.done || hits.length) ? (
        <HitList query={query} hits={hits} onClose={onClose} />
      ) : null}
    </>
  );
}
