// "Call" in a conversation's header (English): shown only with the calls
// module on and the right to start calls, in a conversation not archived;
// it starts a call titled after the conversation, opens the calls page in
// it (?join=, which joins), and hands over whom to ring there: a direct
// conversation's others, a channel's members (50 at most), never oneself
// nor members to whom calls are closed.
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  api,
  ApiError,
  type Call,
  type Channel,
  type Me,
  type Member,
  type Workspace,
} from '../../../api';
import { takeRingRequest } from '../../../ringing/handoff';
import { mountPoint } from '../../../test/mount';
import { resetMemberDirectory } from '../../../workspaces/members';
import { ChatProvider, type ChatContextValue } from '../context';
import { ChatStore } from '../store';
import { CallButton, callTitleOf, ringList } from './CallButton';

const ui = mountPoint();
const ME = { id: 'me', name: 'Camille Durand' } as Me;
const WORKSPACE = {
  id: 'w1',
  name: 'Chantier',
  modules: ['chat', 'calls'],
  role: 'member',
  archived: false,
} as Workspace;

const member = (user_id: string, name: string, rights: Record<string, string> = {}) =>
  ({ user_id, name, email: `${user_id}@x`, role: 'member', rights }) as unknown as Member;
const MEMBERS = [
  member('me', 'Camille Durand'),
  member('bob', 'Bob Martin'),
  member('eve', 'Eve Noir'),
  member('zoe', 'Zoé Calls-off', { calls: 'none' }),
];

const channel = (o: Partial<Channel> = {}): Channel => ({
  id: 'ch1',
  workspace_id: 'w1',
  kind: 'public',
  name: 'général',
  topic: '',
  archived: false,
  created_by: 'bob',
  created_at: '2026-12-10T09:00:00Z',
  last_seq: 0,
  last_message_at: null,
  joined: true,
  last_read_seq: 0,
  unread: 0,
  mentions: 0,
  ...o,
});

let store: ChatStore;
let started: Call;
let errors: unknown[];

async function show(
  c: Channel,
  title: string,
  o: { workspace?: Workspace; members?: Member[] } = {},
) {
  // Each showing as a page load of its own: its members read afresh.
  resetMemberDirectory();
  vi.spyOn(api.workspaces, 'members').mockResolvedValue({
    members: o.members ?? MEMBERS,
    seq: null,
  });
  store = new ChatStore('w1', 'me');
  await store.loadMembers();
  const ctx = { store, workspace: o.workspace ?? WORKSPACE, me: ME } as unknown as ChatContextValue;
  await ui.render(
    <ChatProvider value={ctx}>
      <CallButton channel={c} title={title} onError={(e) => errors.push(e)} />
    </ChatProvider>,
  );
}

const callButton = () =>
  [...ui.host.querySelectorAll('button')].find((b) => b.textContent === 'Call');

beforeEach(() => {
  errors = [];
  window.history.replaceState(null, '', '/w/w1/chat/ch1');
  started = {
    id: 'call1',
    workspace_id: 'w1',
    title: '',
    started_by: 'me',
    started_at: '2026-12-10T09:00:00Z',
    ended_at: null,
    mode: 'p2p',
    participants: [],
  };
});

afterEach(() => {
  vi.restoreAllMocks();
  window.history.replaceState(null, '', '/');
});

describe('the Call button', () => {
  it('from a channel: starts “#général”, opens the calls page in it, rings its members', async () => {
    const start = vi.spyOn(api.calls, 'start').mockResolvedValue(started);
    const channelMembers = vi
      .spyOn(api.chat, 'members')
      .mockResolvedValue(['me', 'bob', 'eve', 'zoe', 'former']);
    await show(channel(), '#général');
    await act(async () => callButton()?.click());
    expect(channelMembers).toHaveBeenCalledWith('ch1');
    expect(start).toHaveBeenCalledWith('w1', '#général');
    expect(window.location.pathname + window.location.search).toBe('/w/w1/calls?join=call1');
    // Not oneself, not Zoé (calls are closed to her), not someone who left the workspace.
    expect(takeRingRequest('call1')).toEqual(['bob', 'eve']);
    expect(errors).toEqual([]);
  });

  it('from a direct conversation: titled after its people, rings the others', async () => {
    const start = vi.spyOn(api.calls, 'start').mockResolvedValue(started);
    const channelMembers = vi.spyOn(api.chat, 'members');
    await show(
      channel({ kind: 'direct', name: '', member_ids: ['me', 'bob', 'eve'] }),
      'Bob Martin, Eve Noir',
    );
    await act(async () => callButton()?.click());
    expect(channelMembers).not.toHaveBeenCalled();
    expect(start).toHaveBeenCalledWith('w1', 'Bob Martin, Eve Noir');
    expect(window.location.search).toBe('?join=call1');
    expect(takeRingRequest('call1')).toEqual(['bob', 'eve']);
  });

  it('says why the call could not start, and goes nowhere', async () => {
    const refused = new ApiError(409, 'too_many_calls', 'too many');
    vi.spyOn(api.calls, 'start').mockRejectedValue(refused);
    vi.spyOn(api.chat, 'members').mockResolvedValue(['me', 'bob']);
    await show(channel(), '#général');
    await act(async () => callButton()?.click());
    expect(errors).toEqual([refused]);
    expect(window.location.pathname).toBe('/w/w1/chat/ch1');
    expect(callButton()?.disabled).toBe(false);
  });

  it('is not shown without the calls module, without the right to start calls, or archived', async () => {
    await show(channel(), '#général');
    expect(callButton()).toBeDefined();
    await show(channel(), '#général', { workspace: { ...WORKSPACE, modules: ['chat'] } });
    expect(callButton()).toBeUndefined();
    await show(channel(), '#général', {
      members: [member('me', 'Camille Durand', { calls: 'read' }), ...MEMBERS.slice(1)],
    });
    expect(callButton()).toBeUndefined();
    await show(channel(), '#général', {
      workspace: { ...WORKSPACE, role: 'guest' },
      members: [{ ...member('me', 'Camille Durand'), role: 'guest' } as Member],
    });
    expect(callButton()).toBeUndefined();
    await show(channel(), '#général', { workspace: { ...WORKSPACE, archived: true } });
    expect(callButton()).toBeUndefined();
    await show(channel({ archived: true }), '#général');
    expect(callButton()).toBeUndefined();
  });
});

describe('whom a call rings, and its title', () => {
  it('rings 50 of a channel’s members at most, once each', () => {
    const many = Array.from({ length: 60 }, (_, i) => member(`u${i}`, `U ${i}`));
    const ids = ringList(channel(), ['me', 'u0', 'u0', ...many.map((m) => m.user_id)], many, 'me');
    expect(ids).toHaveLength(50);
    expect(ids.slice(0, 2)).toEqual(['u0', 'u1']);
  });

  it('cuts a long title to the server’s 200 bytes, on one line', () => {
    expect(callTitleOf('  Bob\nMartin ')).toBe('Bob Martin');
    const long = callTitleOf('Élodie '.repeat(40));
    expect(new TextEncoder().encode(long).length).toBeLessThanOrEqual(200);
    expect(long.endsWith('…')).toBe(true);
  });
});
