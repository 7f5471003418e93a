// Files and folders of the workspace found by name (the platform's search,
// type "file"): each leads to the folder that holds it, or into it.
import { useEffect, useState } from 'react';
import { api, type SearchResult } from '../../../api';
import { Button } from '../../../components/Button';
import { Alert, Spinner } from '../../../components/Feedback';
import { useI18n } from '../../../i18n';
import { useFiles, useFilesErrorText } from '../context';
import { parentPath } from '../logic/path';
import { FileIcon } from './FileIcon';

const LIMIT = 50;

/** A snippet with its matches (between U+E000 and U+E001) in <mark>, as text nodes. */
function Marked({ snippet }: { snippet: string }) {
  const parts = snippet.split(/([\uE000\uE001])/);
  const out = [];
  let open = false;
  for (const [i, part] of parts.entries()) {
    if (part === '\uE000') open = true;
    else if (part === '\uE001') open = false;
    else if (part) out.push(open ? <mark key={i}>{part}</mark> : part);
  }
  return <>{out}</>;
}

export function SearchResults({ query, onClose }: { query: string; onClose(): void }) {
  const { t } = useI18n();
  const { workspace, openFolder } = useFiles();
  const errorText = useFilesErrorText();
  const [found, setFound] = useState<{ query: string; hits: SearchResult[] } | null>(null);
  const [error, setError] = useState<{ query: string; error: unknown } | null>(null);

  useEffect(() => {
    const ctl = new AbortController();
    api
      .search(
        { q: query, workspace: workspace.id, type: 'file', limit: LIMIT },
        { signal: ctl.signal },
      )
      .then(
        (r) => setFound({ query, hits: r.results }),
        (e: unknown) => {
          if (e instanceof DOMException && e.name === 'AbortError') return;
          setError({ query, error: e });
        },
      );
    return () => ctl.abort();
  }, [query, workspace.id]);

  const open = (hit: SearchResult) => {
    onClose();
    openFolder(hit.kind === 'folder' ? hit.id : (hit.parent_id ?? ''));
  };

  let body;
  if (error?.query === query) body = <Alert kind="error">{errorText(error.error)}</Alert>;
  else if (!found || found.query !== query) body = <Spinner label={t('common.loading')} />;
  else if (found.hits.length === 0)
    body = <p className="muted">{t('files.search_none', { query })}</p>;
  else
    body = (
      <ul className="files-search__list" aria-label={t('files.search_results', { query })}>
        {found.hits.map((hit) => (
          <li key={hit.id}>
            <button type="button" className="files-search__hit" onClick={() => open(hit)}>
              <FileIcon node={{ kind: hit.kind ?? 'file', name: hit.name ?? '' }} />
              <span className="files-search__name">
                <Marked snippet={hit.snippet} />
              </span>
              <span className="files-search__where muted">
                {t('files.search_in', { folder: parentPath(hit.path ?? '/') })}
              </span>
            </button>
          </li>
        ))}
      </ul>
    );
  return (
    <section className="files-search" data-testid="files-search">
      <div className="files-search__head">
        <h2>{t('files.search_heading', { query })}</h2>
        <Button variant="ghost" icon="close" onClick={onClose}>
          {t('files.search_close')}
        </Button>
      </div>
      {body}
    </section>
  );
}
