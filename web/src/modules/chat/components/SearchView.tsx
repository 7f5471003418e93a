// /w/:id/chat/search?q=…&channel=…&author=…&from=…&to=…: messages the
// person may read, newest first (50, then older ones on demand), with the
// matches highlighted; filters by channel, author and date. The URL holds
// the query (links, back button).
// The server cannot read armoured workspaces: there the search runs in the
// browser, over the messages already loaded (decrypted).
import { useEffect, useMemo, useRef, useState, useSyncExternalStore, type FormEvent } from 'react';
import { api, type Message, type SearchQuery, type SearchResult } from '../../../api';
import { Button } from '../../../components/Button';
import { ReadMore } from '../../../components/ShowMore';
import { Alert, EmptyState, Spinner } from '../../../components/Feedback';
import { SelectField, TextField } from '../../../components/Field';
import { useArmourText } from '../../../armour/i18n';
import { useI18n } from '../../../i18n';
import { SafeHighlight } from '../../../markdown/SafeHtml';
import { navigate, useSearchParams } from '../../../router/router';
import { useChat, useChatErrorText, useChatState } from '../context';
import { channelTitle, timeOf } from '../format';
import { searchLocal, type LocalCandidate } from '../logic/localsearch';
import { highlightSnippet } from '../logic/snippet';

interface Filters {
  q: string;
  channel: string;
  author: string;
  from: string;
  to: string;
}

const LIMIT = 50;

const noSubscribe = () => () => undefined;

/** One result as the list shows it: where and when, by whom, the snippet. */
interface Hit {
  id: string;
  channel_id?: string;
  author_id?: string;
  created_at?: string;
  thread_id?: string | null;
  in_channel?: boolean;
  snippet: string;
}

interface Loaded extends LocalCandidate {
  message: Message;
}

/** A local calendar day ("2026-11-29") as the UTC instant it starts at. */
export function dayStart(day: string, plusDays = 0): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The server's query for the filters; `before` (a hit's time) narrows to older hits. */
function serverQuery(workspaceId: string, f: Filters, before?: string): SearchQuery {
  const to = dayStart(f.to, 1);
  return {
    q: f.q.trim(),
    workspace: workspaceId,
    type: 'message',
    channel: f.channel || undefined,
    author: f.author || undefined,
    from: dayStart(f.from),
    // Older than the last hit shown, its millisecond included (another hit
    // may share it: those shown are left out when the page comes).
    to: before && (!to || before < to) ? new Date(Date.parse(before) + 1).toISOString() : to,
    limit: LIMIT,
  };
}

export function SearchView() {
  const { t, locale, date } = useI18n();
  const errorText = useChatErrorText();
  const ta = useArmourText();
  const { workspace, people, displayName, nameOf, openChannel, labelOf, armour } = useChat();
  const byId = useChatState((s) => s.channels.byId);
  const timelines = useChatState((s) => s.timelines);
  const threads = useChatState((s) => s.threads);
  const keysVersion = useSyncExternalStore(
    armour?.subscribe ?? noSubscribe,
    () => armour?.getState().version ?? 0,
  );
  const params = useSearchParams();
  const applied: Filters = {
    q: params.get('q') ?? '',
    channel: params.get('channel') ?? '',
    author: params.get('author') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
  const key = JSON.stringify(applied);
  const [form, setForm] = useState<Filters>(applied);
  const [formKey, setFormKey] = useState(key);
  // The server's hits so far (newest first), and whether older ones may follow.
  const [results, setResults] = useState<{
    key: string;
    list: SearchResult[];
    more: boolean;
  } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [readingOlder, setReadingOlder] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  // The URL changed (back button, a new search from the sidebar): the form follows.
  // Armoured: how many of the browser's own hits are shown.
  const [localLimit, setLocalLimit] = useState(LIMIT);
  if (formKey !== key) {
    setFormKey(key);
    setForm(applied);
    setLocalLimit(LIMIT);
  }

  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, []);

  useEffect(() => {
    const f = JSON.parse(key) as Filters;
    if (!f.q.trim() || armour) return;
    const ctl = new AbortController();
    api.search(serverQuery(workspace.id, f), { signal: ctl.signal }).then(
      (r) => {
        setResults({ key, list: r.results, more: r.results.length === LIMIT });
        setError(null);
      },
      (e: unknown) => {
        if (e instanceof DOMException && e.name === 'AbortError') return;
        setError(e);
      },
    );
    return () => ctl.abort();
  }, [key, workspace.id, armour]);

  const older = async () => {
    const from = results;
    const last = from?.list.at(-1);
    if (!from || from.key !== key || !last?.created_at) return;
    setReadingOlder(true);
    try {
      const r = await api.search(
        serverQuery(workspace.id, JSON.parse(key) as Filters, last.created_at),
      );
      const had = new Set(from.list.map((h) => h.id));
      const fresh = r.results.filter((h) => !had.has(h.id));
      setResults((now) =>
        now === from
          ? {
              key,
              list: [...from.list, ...fresh],
              more: r.results.length === LIMIT && fresh.length > 0,
            }
          : now,
      );
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setReadingOlder(false);
    }
  };

  // Armoured: the loaded messages, decrypted, mentions named.
  const loaded = useMemo(() => {
    if (!armour) return [];
    void keysVersion; // new keys: more messages can be read
    const seen = new Map<string, Loaded>();
    const lists = [...Object.values(timelines), ...Object.values(threads)];
    for (const t of lists) {
      for (const m of t.messages) {
        if (m.deleted || seen.has(m.id)) continue;
        const text = armour.plaintext(m);
        if (text === null) continue;
        seen.set(m.id, {
          id: m.id,
          channel_id: m.channel_id,
          author_id: m.author_id,
          created_at: m.created_at,
          text: text
            .replace(/<@([0-9A-Za-z]{26})>/g, (_, id: string) => `@${nameOf(id) ?? '…'}`)
            .replace(/<!channel>/g, '@channel')
            .replace(/[*_`~]+/g, ''), // Markdown marks, as in excerpts
          message: m,
        });
      }
    }
    return [...seen.values()];
  }, [armour, timelines, threads, keysVersion, nameOf]);
  const localHits: Hit[] | null = useMemo(() => {
    if (!armour) return null;
    const f = JSON.parse(key) as Filters;
    if (!f.q.trim()) return null;
    return searchLocal(loaded, {
      q: f.q,
      channel: f.channel || undefined,
      author: f.author || undefined,
      from: dayStart(f.from),
      to: dayStart(f.to, 1),
      limit: localLimit,
    }).map((h) => ({
      id: h.item.id,
      channel_id: h.item.channel_id,
      author_id: h.item.message.author_id,
      created_at: h.item.message.created_at,
      thread_id: h.item.message.thread_id,
      in_channel: h.item.message.in_channel,
      snippet: h.snippet,
    }));
  }, [armour, key, loaded, localLimit]);

  const channels = useMemo(
    () =>
      Object.values(byId)
        .map((c) => ({ id: c.id, label: channelTitle(c.kind, labelOf(c)) }))
        .sort((a, b) => a.label.localeCompare(b.label, locale)),
    [byId, labelOf, locale],
  );
  const authors = useMemo(
    () => [...people].sort((a, b) => a.name.localeCompare(b.name, locale)),
    [people, locale],
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) if (v.trim()) q.set(k, v.trim());
    navigate(`/w/${workspace.id}/chat/search?${q.toString()}`);
  };

  const set = (k: keyof Filters) => (v: string) => setForm((f) => ({ ...f, [k]: v }));
  const serverDone = results?.key === key;
  const done = armour ? localHits !== null : serverDone;
  const searching = !armour && !!applied.q.trim() && !serverDone && !error;
  const list: Hit[] = armour ? (localHits ?? []) : serverDone ? results.list : [];

  return (
    <section className="chat-search" aria-labelledby="chat-search-title">
      <header className="chat-header">
        <div className="chat-header__titles">
          <h1 id="chat-search-title" ref={heading} tabIndex={-1} className="chat-header__title">
            {t('chat.search_title')}
          </h1>
        </div>
      </header>
      <div className="chat-search__body">
        <form className="form chat-search__form" role="search" onSubmit={submit}>
          <div className="form__row">
            <TextField
              className="form__grow"
              label={t('chat.search_query')}
              hint={t('chat.search_hint')}
              type="search"
              value={form.q}
              maxLength={200}
              required
              onChange={(e) => set('q')(e.target.value)}
            />
          </div>
          <div className="form__row">
            <SelectField
              label={t('chat.search_channel')}
              value={form.channel}
              onChange={(e) => set('channel')(e.target.value)}
            >
              <option value="">{t('chat.search_any')}</option>
              {channels.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </SelectField>
            <SelectField
              label={t('chat.search_author')}
              value={form.author}
              onChange={(e) => set('author')(e.target.value)}
            >
              <option value="">{t('chat.search_any')}</option>
              {authors.map((p) => (
                <option key={p.user_id} value={p.user_id}>
                  {p.name}
                </option>
              ))}
            </SelectField>
            <TextField
              label={t('chat.search_from')}
              type="date"
              value={form.from}
              onChange={(e) => set('from')(e.target.value)}
            />
            <TextField
              label={t('chat.search_to')}
              type="date"
              value={form.to}
              onChange={(e) => set('to')(e.target.value)}
            />
            <Button type="submit" variant="primary" icon="search" className="chat-search__submit">
              {t('chat.search')}
            </Button>
          </div>
        </form>
        {armour ? <Alert kind="info">{ta('search.local', { count: loaded.length })}</Alert> : null}
        {error ? <Alert kind="error">{errorText(error)}</Alert> : null}
        {searching ? <Spinner label={t('common.loading')} /> : null}
        {done ? (
          <p className="chat-search__count" role="status">
            {t('chat.search_count', { count: list.length })}
          </p>
        ) : null}
        {done && list.length === 0 ? (
          <EmptyState icon="search" title={t('chat.search_none')} />
        ) : null}
        <ol className="search-results">
          {list.map((hit) => {
            const channel = hit.channel_id ? byId[hit.channel_id] : undefined;
            const where = channel ? channelTitle(channel.kind, labelOf(channel)) : '';
            const open = () => {
              if (!hit.channel_id) return;
              const reply = hit.thread_id ?? null;
              openChannel(hit.channel_id, {
                message: reply && !hit.in_channel ? undefined : hit.id,
                pane: reply ? { kind: 'thread', root: reply } : undefined,
              });
            };
            return (
              <li key={hit.id} className="search-result">
                <p className="search-result__meta">
                  {hit.author_id ? (
                    <span className="msg__author">{displayName(hit.author_id)}</span>
                  ) : null}
                  {where ? <span>{t('chat.search_in', { channel: where })}</span> : null}
                  {hit.created_at ? (
                    <time dateTime={hit.created_at}>
                      {date(hit.created_at)} {timeOf(hit.created_at, locale)}
                    </time>
                  ) : null}
                </p>
                <button type="button" className="search-result__open" onClick={open}>
                  <SafeHighlight
                    className="search-result__snippet"
                    html={highlightSnippet(hit.snippet, nameOf)}
                  />
                </button>
              </li>
            );
          })}
        </ol>
        {armour ? (
          localHits?.length === localLimit ? (
            <ReadMore
              label={t('chat.search_older')}
              onMore={() => setLocalLimit((n) => n + LIMIT)}
            />
          ) : null
        ) : serverDone && results.more ? (
          <ReadMore
            label={t('chat.search_older')}
            busy={readingOlder}
            onMore={() => void older()}
          />
        ) : null}
      </div>
    </section>
  );
}
