// The settings page's list of invitations, read a page at a time: the
// pending ones first (those an admin may revoke or pass on), then the
// others (accepted, revoked, expired), each newest first.
import type { Invitation } from '../../api';

export type InvitationStatusFilter = 'pending' | 'closed';

export interface InvitationCursor {
  status: InvitationStatusFilter;
  before?: string;
}

export interface InvitationPages {
  items: Invitation[];
  /** Where the next page starts; null once both lists are read to their end. */
  next: InvitationCursor | null;
}

export type FetchInvitations = (q: InvitationCursor & { limit: number }) => Promise<Invitation[]>;

/** The server's largest page. */
export const MAX_INVITATION_PAGE = 500;

/**
 * `count` more invitations after `from` (the first ones when null), through
 * as many requests as it takes: when the pending ones end, the others
 * follow. One listed on both sides (accepted between two pages) is kept
 * once, where it was first, as it is now.
 */
export async function readInvitations(
  fetch: FetchInvitations,
  from: InvitationPages | null,
  count: number,
): Promise<InvitationPages> {
  const items = [...(from?.items ?? [])];
  const index = new Map(items.map((inv, i) => [inv.id, i]));
  let next: InvitationCursor | null = from ? from.next : { status: 'pending' };
  let wanted = count;
  while (next && wanted > 0) {
    const limit = Math.min(wanted, MAX_INVITATION_PAGE);
    const page = await fetch({ ...next, limit });
    for (const inv of page) {
      const at = index.get(inv.id);
      if (at === undefined) {
        index.set(inv.id, items.length);
        items.push(inv);
      } else {
        items[at] = inv;
      }
    }
    wanted -= page.length;
    const last = page.at(-1);
    if (page.length >= limit && last) next = { status: next.status, before: last.id };
    else next = next.status === 'pending' ? { status: 'closed' } : null;
  }
  return { items, next };
}
