// Invitations to an account, in the app: the home page lists them and joins
// with one click (the workspaces re-read, the new one opened); a live notice
// lists a new one at once; a failed join says why and re-reads the list.
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, type MyInvitation, type Workspace } from '../api';
import { hearLive } from '../test/live';
import { mountPoint } from '../test/mount';
import { ToastProvider } from '../notifications/toasts';
import { describeInvited, MyInvitations } from './Invited';
import { WorkspacesProvider } from './index';

const ui = mountPoint();

afterEach(() => {
  vi.restoreAllMocks();
  window.history.replaceState(null, '', '/');
});

const invitation = (id: string, workspace: string, extra: Partial<MyInvitation> = {}) => ({
  id,
  workspace_id: `w-${id}`,
  workspace_name: workspace,
  inviter_name: 'Ada Lovelace',
  role: 'member' as const,
  expires_at: '2026-12-13T10:00:00Z',
  ...extra,
});

async function show() {
  await ui.render(
    <ToastProvider>
      <WorkspacesProvider userId="me">
        <MyInvitations />
      </WorkspacesProvider>
    </ToastProvider>,
  );
}

const items = () =>
  [...ui.host.querySelectorAll('li[data-invitation]')].map((li) =>
    li.getAttribute('data-invitation'),
  );
const buttonOf = (i: number, name: string) =>
  [...(ui.host.querySelectorAll('li[data-invitation]')[i]?.querySelectorAll('button') ?? [])].find(
    (b) => b.textContent === name,
  );
const joinButton = (i: number) => buttonOf(i, 'Join');

describe('invitations for an account', () => {
  it('lists them and joins one: the workspaces re-read, the new one opened', async () => {
    const lists = vi.spyOn(api.workspaces, 'list').mockResolvedValue([]);
    const mine = vi
      .spyOn(api.me, 'invitations')
      .mockResolvedValue([invitation('i1', 'Direction générale'), invitation('i2', 'Chantier')]);
    const accept = vi
      .spyOn(api.me, 'acceptInvitation')
      .mockResolvedValue({ workspace_id: 'w-i2' } as Awaited<
        ReturnType<typeof api.me.acceptInvitation>
      >);
    await show();
    await vi.waitFor(() => expect(items()).toEqual(['Direction générale', 'Chantier']));
    expect(ui.host.textContent).toContain('Ada Lovelace invites you to join “Direction générale”.');
    const before = lists.mock.calls.length;
    lists.mockResolvedValue([
      { id: 'w-i2', name: 'Chantier', modules: [] } as unknown as Workspace,
    ]);
    await act(async () => joinButton(1)?.click());
    expect(accept).toHaveBeenCalledWith('i2');
    expect(lists.mock.calls.length).toBe(before + 1);
    expect(window.location.pathname).toBe('/w/w-i2');
    expect(mine).toHaveBeenCalledTimes(1);
  });

  it('shows nothing without invitations, and a new one as its notice comes', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([]);
    const mine = vi.spyOn(api.me, 'invitations').mockResolvedValue([]);
    const hear = hearLive();
    await show();
    await vi.waitFor(() => expect(mine).toHaveBeenCalled());
    expect(ui.host.querySelector('#invited')).toBeNull();
    mine.mockResolvedValue([invitation('i3', 'Bureau', { inviter_name: '' })]);
    hear({
      type: 'workspace.invited',
      workspace_id: '',
      seq: 0,
      data: { workspace_name: 'Bureau' },
    });
    await vi.waitFor(() => expect(items()).toEqual(['Bureau']));
    expect(ui.host.textContent).toContain('You are invited to join “Bureau”.');
  });

  it('says why a join failed and reads the list again', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([]);
    const mine = vi.spyOn(api.me, 'invitations').mockResolvedValue([invitation('i4', 'Bureau')]);
    vi.spyOn(api.me, 'acceptInvitation').mockRejectedValue(
      new ApiError(410, 'revoked', 'this invitation is revoked'),
    );
    await show();
    await vi.waitFor(() => expect(items()).toEqual(['Bureau']));
    mine.mockResolvedValue([]);
    await act(async () => joinButton(0)?.click());
    await vi.waitFor(() => expect(items()).toEqual([]));
    expect(document.querySelector('.toasts')?.textContent).not.toBe('');
    expect(window.location.pathname).toBe('/');
  });

  it('declines one: gone from the list, the others kept', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([]);
    vi.spyOn(api.me, 'invitations').mockResolvedValue([
      invitation('i5', 'Bureau'),
      invitation('i6', 'Chantier'),
    ]);
    const decline = vi.spyOn(api.me, 'declineInvitation').mockResolvedValue(undefined);
    await show();
    await vi.waitFor(() => expect(items()).toEqual(['Bureau', 'Chantier']));
    const button = buttonOf(0, 'Decline');
    expect(button?.getAttribute('aria-label')).toBe('Decline the invitation to “Bureau”');
    await act(async () => button?.click());
    expect(decline).toHaveBeenCalledWith('i5');
    expect(items()).toEqual(['Chantier']);
    expect(window.location.pathname).toBe('/');
  });

  it('tells the notice in the centre, leading home', () => {
    const t = (key: string, v?: Record<string, unknown>) => `${key} ${JSON.stringify(v)}`;
    const said = describeInvited(
      {
        type: 'workspace.invited',
        workspace_id: '',
        seq: 0,
        data: { workspace_name: 'Bureau', inviter_name: 'Ada' },
      },
      { t: t as never, locale: 'en', workspaces: [] },
    );
    expect(said).toEqual({
      title: 'invited.by {"inviter":"Ada","workspace":"Bureau"}',
      href: '/',
    });
    expect(
      describeInvited(
        { type: 'workspace.invited', workspace_id: '', seq: 0, data: {} },
        {
          t: t as never,
          locale: 'en',
          workspaces: [],
        },
      ),
    ).toBeNull();
  });
});
