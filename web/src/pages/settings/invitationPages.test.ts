import { describe, expect, it } from 'vitest';
import type { Invitation } from '../../api';
import { readInvitations, type FetchInvitations } from './invitationPages';

function inv(id: string, status: string): Invitation {
  return {
    id,
    workspace_id: 'W',
    email: `${id}@example.org`,
    role: 'member',
    invited_by: 'U',
    created_at: '2026-12-01T00:00:00Z',
    expires_at: '2026-12-08T00:00:00Z',
    membership_expires_at: null,
    status,
  };
}

/** A server holding these lists, newest first, answering as the API does. */
function server(lists: { pending: Invitation[]; closed: Invitation[] }) {
  const asked: string[] = [];
  const fetch: FetchInvitations = async ({ status, before, limit }) => {
    asked.push(`${status} ${before ?? '-'} ${limit}`);
    const list = lists[status];
    const from = before ? list.findIndex((i) => i.id === before) + 1 : 0;
    return list.slice(from, from + limit);
  };
  return { fetch, asked };
}

const ids = (items: Invitation[]) => items.map((i) => i.id);

describe('readInvitations', () => {
  it('reads the pending ones, then the others, a page at a time', async () => {
    const pending = ['p1', 'p2', 'p3'].map((id) => inv(id, 'pending'));
    const closed = ['c1', 'c2', 'c3', 'c4'].map((id) => inv(id, 'revoked'));
    const s = server({ pending, closed });
    const first = await readInvitations(s.fetch, null, 2);
    expect(ids(first.items)).toEqual(['p1', 'p2']);
    expect(first.next).toEqual({ status: 'pending', before: 'p2' });
    const second = await readInvitations(s.fetch, first, 3);
    expect(ids(second.items)).toEqual(['p1', 'p2', 'p3', 'c1', 'c2']);
    expect(second.next).toEqual({ status: 'closed', before: 'c2' });
    const last = await readInvitations(s.fetch, second, 5);
    expect(ids(last.items)).toEqual(['p1', 'p2', 'p3', 'c1', 'c2', 'c3', 'c4']);
    expect(last.next).toBeNull();
    expect(s.asked).toEqual(['pending - 2', 'pending p2 3', 'closed - 2', 'closed c2 5']);
  });

  it('asks at most the server’s largest page at once', async () => {
    const pending = Array.from({ length: 1200 }, (_, i) => inv(`p${i}`, 'pending'));
    const s = server({ pending, closed: [] });
    const read = await readInvitations(s.fetch, null, 1100);
    expect(read.items).toHaveLength(1100);
    expect(s.asked).toEqual(['pending - 500', 'pending p499 500', 'pending p999 100']);
    expect(read.next).toEqual({ status: 'pending', before: 'p1099' });
  });

  it('keeps once, as it is now, one answered between two pages', async () => {
    const lists = {
      pending: [inv('a', 'pending'), inv('b', 'pending')],
      closed: [] as Invitation[],
    };
    const s = server(lists);
    const first = await readInvitations(s.fetch, null, 1);
    lists.pending = [inv('b', 'pending')];
    lists.closed = [inv('a', 'accepted')];
    const next = await readInvitations(s.fetch, first, 5);
    expect(ids(next.items)).toEqual(['a', 'b']);
    expect(next.items[0]?.status).toBe('accepted');
    expect(next.next).toBeNull();
  });
});
