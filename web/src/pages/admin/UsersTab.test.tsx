// The administration's accounts, among many: a hundred at a time, more on
// demand (after the last address shown), the count of what the filters
// find, and the filters sent as the server's query.
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, type AdminUsersQuery, type User } from '../../api';
import { ToastProvider } from '../../notifications/toasts';
import { mountPoint, typeInto } from '../../test/mount';
import { UsersTab } from './UsersTab';

const ui = mountPoint();

const ACCOUNTS: User[] = Array.from({ length: 230 }, (_, i) => ({
  id: `u${i}`,
  email: `agent-${String(i).padStart(3, '0')}@exemple.fr`,
  name: i % 50 === 7 ? `Agnès Varda ${i}` : `Agent ${i}`,
  role: i % 100 === 0 ? 'admin' : 'member',
  disabled: false,
  totp_enabled: false,
  created_at: '2026-11-01T10:00:00Z',
  locale: 'fr',
}));

/** GET /admin/users over ACCOUNTS: words in the name or address, role, a page after an address. */
function serve() {
  return vi.spyOn(api.admin, 'users').mockImplementation(async (q: AdminUsersQuery = {}) => {
    const words = (q.q ?? '').toLowerCase().split(' ').filter(Boolean);
    const found = ACCOUNTS.filter(
      (u) =>
        words.every((w) => u.name.toLowerCase().includes(w) || u.email.includes(w)) &&
        (!q.role || u.role === q.role),
    );
    const from = q.after ? found.findIndex((u) => u.email > (q.after ?? '')) : 0;
    const page = from < 0 ? [] : found.slice(from, from + (q.limit ?? found.length));
    return { users: page, total: found.length };
  });
}

const rows = () => ui.host.querySelectorAll('tr[data-user]').length;
const button = (text: string) =>
  [...ui.host.querySelectorAll('button')].find((b) => b.textContent?.startsWith(text));
const heading = () => ui.host.querySelector('#users-list h2')?.textContent;

async function settle() {
  await act(async () => {
    await new Promise((done) => setTimeout(done, 0));
  });
}

async function show() {
  await ui.render(
    <ToastProvider>
      <UsersTab meId="u0" />
    </ToastProvider>,
  );
  await settle();
}

afterEach(() => vi.restoreAllMocks());

describe('the accounts tab', () => {
  it('shows a hundred accounts, then a hundred more after the last address shown', async () => {
    const users = serve();
    await show();
    expect(rows()).toBe(100);
    expect(heading()).toBe('230 accounts');
    await act(async () => button('Show more (130 not shown)')?.click());
    await settle();
    expect(rows()).toBe(200);
    expect(users.mock.calls.at(-1)?.[0]).toMatchObject({
      after: 'agent-099@exemple.fr',
      limit: 100,
    });
    await act(async () => button('Show more')?.click());
    await settle();
    expect(rows()).toBe(230);
    expect(button('Show more')).toBeUndefined();
  });

  it('sends the filters as the query and counts what they find', async () => {
    const users = serve();
    await show();
    const search = ui.host.querySelector<HTMLInputElement>('input[type="search"]');
    const role = ui.host.querySelector<HTMLSelectElement>('#users-list select');
    if (!search || !role) throw new Error('no filters');
    typeInto(search, ' Varda ');
    await act(async () => button('Filter')?.click());
    await settle();
    expect(users.mock.calls.at(-1)?.[0]).toEqual({ q: 'Varda', limit: 100 });
    expect(rows()).toBe(5);
    expect(heading()).toBe('5 accounts');
    expect(button('Show more')).toBeUndefined();

    typeInto(role, 'admin');
    await act(async () => button('Filter')?.click());
    await settle();
    expect(users.mock.calls.at(-1)?.[0]).toEqual({ q: 'Varda', role: 'admin', limit: 100 });
    expect(rows()).toBe(0);
    expect(ui.host.textContent).toContain('No account matches.');

    await act(async () => button('Clear filters')?.click());
    await settle();
    expect(rows()).toBe(100);
  });
});
