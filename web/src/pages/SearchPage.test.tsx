// The search across modules: one request per kind, each kind's hits
// linked to where they are, its workspace named and matches marked; a kind
// that fails says so alone; the field asks again; the top bar leads here.
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, type SearchQuery, type SearchResult, type Workspace } from '../api';
import { BrandingProvider } from '../branding';
import { navigate } from '../router/router';
import { mountPoint, typeInto } from '../test/mount';
import { WorkspacesProvider } from '../workspaces';
import { SearchBox } from '../layout/SearchBox';
import SearchPage, { hitPath, MORE, PER_KIND } from './SearchPage';

const ui = mountPoint();

afterEach(() => vi.restoreAllMocks());

const hit = (type: string, id: string, extra: Partial<SearchResult> = {}): SearchResult => ({
  type,
  id,
  workspace_id: 'w1',
  snippet: `the \uE000quote\uE001 of ${id}`,
  ...extra,
});

const HITS: Record<string, SearchResult[]> = {
  message: [
    hit('message', 'm1', {
      channel_id: 'c1',
      created_at: '2026-12-10T08:00:00Z',
      in_channel: true,
    }),
    hit('message', 'm2', { channel_id: 'c1', thread_id: 'm0', in_channel: false }),
  ],
  file: [
    hit('file', 'f1', {
      kind: 'file',
      name: 'quote.pdf',
      parent_id: 'd1',
      path: '/Sales/quote.pdf',
    }),
    hit('file', 'd2', { kind: 'folder', name: 'Quotes', parent_id: 'root', path: '/Quotes' }),
  ],
  task: [hit('task', 't1', { title: 'Send the quote', status: 'doing', due: '2026-12-15' })],
  event: [],
};

async function show(q: string, fail?: string) {
  vi.spyOn(api.workspaces, 'list').mockResolvedValue([
    { id: 'w1', name: 'Chantier', modules: ['chat', 'files', 'tasks', 'calendar'] } as Workspace,
  ]);
  const search = vi.spyOn(api, 'search').mockImplementation(async (query: SearchQuery) => {
    if (query.type === fail) throw new ApiError(503, 'unavailable', 'down');
    return { results: HITS[query.type ?? ''] ?? [] };
  });
  window.history.replaceState(null, '', `/search?q=${encodeURIComponent(q)}`);
  vi.spyOn(api.settings, 'public').mockRejectedValue(new Error('offline'));
  await ui.render(
    <BrandingProvider>
      <WorkspacesProvider userId="me">
        <SearchPage />
      </WorkspacesProvider>
    </BrandingProvider>,
  );
  await vi.waitFor(() => expect(ui.host.querySelectorAll('[role="status"]')).toHaveLength(0));
  return search;
}

const section = (title: string) =>
  [...ui.host.querySelectorAll('section')].find(
    (s) => s.querySelector('h2')?.textContent === title,
  );
const links = (title: string) =>
  [...(section(title)?.querySelectorAll('a') ?? [])].map((a) => a.getAttribute('href'));

describe('the search across modules', () => {
  it('asks each kind once and links each hit to where it is', async () => {
    const search = await show('quote');
    expect(search.mock.calls.map(([query]) => query)).toEqual(
      ['message', 'file', 'task', 'event'].map((type) => ({ q: 'quote', type, limit: PER_KIND })),
    );
    expect(links('Messages')).toEqual(['/w/w1/chat/c1?m=m1', '/w/w1/chat/c1?m=m0']);
    expect(links('Files and folders')).toEqual(['/w/w1/files/d1', '/w/w1/files/d2']);
    expect(links('Tasks')).toEqual(['/w/w1/tasks/t1']);
    expect(section('Events')?.textContent).toContain('Nothing found.');
    // Matches marked, as text: nothing in a snippet is markup.
    expect(section('Tasks')?.querySelector('mark')?.textContent).toBe('quote');
    await vi.waitFor(() => expect(section('Tasks')?.textContent).toContain('Chantier'));
    expect(section('Tasks')?.textContent).toContain('Doing');
    expect(section('Files and folders')?.textContent).toContain('/Sales/quote.pdf');
  });

  it('says when one kind could not be searched, and shows the others', async () => {
    await show('quote', 'file');
    expect(section('Files and folders')?.querySelector('[role="alert"]')).not.toBeNull();
    expect(links('Tasks')).toEqual(['/w/w1/tasks/t1']);
  });

  it('asks again from its field, and from the top bar', async () => {
    const search = await show('quote');
    const field = ui.host.querySelector<HTMLInputElement>('input[type="search"]');
    if (!field) throw new Error('no field');
    expect(field.value).toBe('quote');
    typeInto(field, '  devis  ');
    await act(async () => field.form?.requestSubmit());
    expect(window.location.search).toBe('?q=devis');
    await vi.waitFor(() =>
      expect(search).toHaveBeenCalledWith(
        { q: 'devis', type: 'event', limit: PER_KIND },
        expect.anything(),
      ),
    );
    await ui.render(<SearchBox />);
    const box = ui.host.querySelector<HTMLInputElement>('input[type="search"]');
    if (!box) throw new Error('no box');
    typeInto(box, 'planning');
    act(() => box.form?.requestSubmit());
    expect(window.location.pathname + window.location.search).toBe('/search?q=planning');
    expect(box.value).toBe('');
    act(() => navigate('/'));
  });

  it('asks one kind for more when its first page was full', async () => {
    HITS.event = Array.from({ length: PER_KIND }, (_, i) => hit('event', `e${i}`));
    try {
      const search = await show('quote');
      const more = [...(section('Events')?.querySelectorAll('button') ?? [])].find(
        (b) => b.textContent === 'More',
      );
      expect([...(section('Tasks')?.querySelectorAll('button') ?? [])]).toHaveLength(0);
      HITS.event = Array.from({ length: PER_KIND + 5 }, (_, i) => hit('event', `e${i}`));
      await act(async () => more?.click());
      expect(search).toHaveBeenLastCalledWith(
        { q: 'quote', type: 'event', limit: MORE },
        { signal: undefined },
      );
      await vi.waitFor(() => expect(links('Events')).toHaveLength(PER_KIND + 5));
      expect(section('Events')?.querySelector('button')).toBeNull();
    } finally {
      HITS.event = [];
    }
  });

  it('leads events to their day in the calendar', () => {
    expect(hitPath(hit('event', 'e1', { start: '2026-12-15T09:00:00.000Z' }))).toBe(
      '/w/w1/calendar/e1?date=2026-12-15',
    );
  });
});
