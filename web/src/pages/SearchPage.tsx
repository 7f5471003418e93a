// /search?q=…: what the person may read across their workspaces that holds
// the words — messages, files and folders, tasks, calendar events — one
// request per kind (GET /search with its type, the first 10 of each, newest
// first; "More" asks that kind again for up to 100), side by side, each hit a link to where it is, its workspace
// named, its matches highlighted. Armoured workspaces' messages, tasks and
// events are sealed, the server cannot search them: their own pages do.
// The top bar's search box leads here; the field above the results asks
// again.
import '../styles/search.css';
import { useEffect, useState, type FormEvent } from 'react';
import { api, type SearchResult } from '../api';
import { Button } from '../components/Button';
import { Alert, Spinner } from '../components/Feedback';
import { Marked } from '../components/Marked';
import { useI18n, type MessageKey } from '../i18n';
import { Page, Section } from '../layout/Page';
import { Link, navigate, useSearchParams } from '../router/router';
import { useErrorText } from '../util/errors';
import { useWorkspaces } from '../workspaces';

/** Hits shown of each kind, and of one kind once more are asked for (the server's most). */
export const PER_KIND = 10;
export const MORE = 100;

const KINDS = ['message', 'file', 'task', 'event'] as const;
type Kind = (typeof KINDS)[number];

const TITLES: Record<Kind, MessageKey> = {
  message: 'search.messages',
  file: 'search.files',
  task: 'search.tasks',
  event: 'search.events',
};

/** Where a hit is shown in the app. */
export function hitPath(hit: SearchResult): string {
  const ws = `/w/${encodeURIComponent(hit.workspace_id)}`;
  const seg = encodeURIComponent;
  switch (hit.type) {
    case 'message': {
      // A reply kept in its thread opens the channel at the thread's root.
      const at = hit.thread_id && !hit.in_channel ? hit.thread_id : hit.id;
      return `${ws}/chat/${seg(hit.channel_id ?? '')}?m=${seg(at)}`;
    }
    case 'file': {
      const folder = hit.kind === 'folder' ? hit.id : hit.parent_id;
      return folder ? `${ws}/files/${seg(folder)}` : `${ws}/files`;
    }
    case 'task':
      return `${ws}/tasks/${seg(hit.id)}`;
    case 'event': {
      const day = hit.start?.slice(0, 10);
      return `${ws}/calendar/${seg(hit.id)}${day ? `?date=${day}` : ''}`;
    }
    default:
      return ws;
  }
}

type Found = Partial<Record<Kind, SearchResult[] | { error: unknown }>>;

export default function SearchPage() {
  const { t, locale } = useI18n();
  const errorText = useErrorText();
  const { byId } = useWorkspaces();
  const q = (useSearchParams().get('q') ?? '').trim();
  // Each kind's answer as it comes, for the words it was asked for.
  const [found, setFound] = useState<{ q: string; kinds: Found }>({ q: '', kinds: {} });

  /** Asks one kind (`limit` hits at most); its answer replaces what was shown. */
  const ask = (type: Kind, limit: number, signal?: AbortSignal) => {
    const got = (v: SearchResult[] | { error: unknown }) =>
      setFound((f) => ({ q, kinds: { ...(f.q === q ? f.kinds : {}), [type]: v } }));
    api.search({ q, type, limit }, { signal }).then(
      (r) => got(r.results),
      (error: unknown) => {
        if (!signal?.aborted) got({ error });
      },
    );
  };

  useEffect(() => {
    if (!q) return;
    const abort = new AbortController();
    for (const type of KINDS) ask(type, PER_KIND, abort.signal);
    return () => abort.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- asked again when the words change
  }, [q]);

  const when = (iso: string | null | undefined, dateOnly = false) => {
    if (!iso) return '';
    const d = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
    if (Number.isNaN(d.getTime())) return '';
    return new Intl.DateTimeFormat(locale, {
      dateStyle: 'medium',
      ...(dateOnly || iso.length === 10 ? {} : { timeStyle: 'short' }),
    }).format(d);
  };

  /** What a hit says beside its snippet: its workspace, and when or where. */
  const meta = (hit: SearchResult): string => {
    const parts = [byId(hit.workspace_id)?.name ?? ''];
    if (hit.type === 'message') parts.push(when(hit.created_at));
    if (hit.type === 'file') parts.push(hit.path ?? '');
    if (hit.type === 'task') {
      if (hit.status) parts.push(t(`tasks.status.${hit.status}`));
      if (hit.due) parts.push(t('search.due', { date: when(hit.due) }));
    }
    if (hit.type === 'event') parts.push(when(hit.start));
    return parts.filter(Boolean).join(' · ');
  };

  return (
    <Page title={t('search.title')}>
      <SearchForm key={q} initial={q} />
      {!q ? <p className="muted">{t('search.hint')}</p> : null}
      {q ? (
        <div className="search-page__kinds">
          {KINDS.map((kind) => {
            const got = found.q === q ? found.kinds[kind] : undefined;
            return (
              <Section key={kind} id={`search-${kind}`} title={t(TITLES[kind])}>
                {got === undefined ? (
                  <Spinner label={t('common.loading')} />
                ) : 'error' in got ? (
                  <Alert kind="error">{errorText(got.error)}</Alert>
                ) : got.length === 0 ? (
                  <p className="muted">{t('search.none')}</p>
                ) : (
                  <>
                    <ul className="search-page__hits" aria-label={t(TITLES[kind])}>
                      {got.map((hit) => (
                        <li key={hit.id}>
                          <Link to={hitPath(hit)} className="search-page__hit">
                            <Marked snippet={hit.snippet || hit.title || hit.name || ''} />
                          </Link>
                          <span className="search-page__meta muted">{meta(hit)}</span>
                        </li>
                      ))}
                    </ul>
                    {got.length === PER_KIND ? (
                      // Perhaps more: that kind asked again for up to MORE.
                      <Button size="sm" variant="ghost" onClick={() => ask(kind, MORE)}>
                        {t('search.more')}
                      </Button>
                    ) : null}
                  </>
                )}
              </Section>
            );
          })}
        </div>
      ) : null}
    </Page>
  );
}

/** The words asked for, to change and ask again. */
function SearchForm({ initial }: { initial: string }) {
  const { t } = useI18n();
  const [text, setText] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = text.trim();
    if (next) navigate(`/search?q=${encodeURIComponent(next)}`);
  };
  return (
    <form className="search-page__form" onSubmit={submit}>
      <input
        type="search"
        className="input"
        value={text}
        maxLength={200}
        aria-label={t('search.field')}
        placeholder={t('search.field')}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit" className="btn btn--primary">
        {t('search.submit')}
      </button>
    </form>
  );
}
