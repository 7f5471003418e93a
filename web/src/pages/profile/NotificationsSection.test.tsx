import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../api';
import type { User } from '../../api';
import { mountPoint } from '../../test/mount';
import { NotificationsSection } from './NotificationsSection';

const setMe = vi.fn();
let me: Partial<User> = { id: 'me', name: 'Camille' };
vi.mock('../../session', async (original) => ({
  ...(await original<typeof import('../../session')>()),
  useMe: () => me,
  useSession: () => ({ setMe }),
}));

const ui = mountPoint();

afterEach(() => {
  vi.restoreAllMocks();
  setMe.mockReset();
});

const box = () =>
  ui.host.querySelector<HTMLInputElement>('input[type="checkbox"]') ??
  (() => {
    throw new Error('no checkbox');
  })();

describe('NotificationsSection', () => {
  it('emails unread notices unless the person unticks it, saved at once', async () => {
    me = { id: 'me', name: 'Camille', notice_email: true };
    const update = vi
      .spyOn(api.me, 'update')
      .mockResolvedValue({ ...(me as User), notice_email: false });
    await ui.render(<NotificationsSection />);
    expect(ui.host.textContent).toContain('Email me what I have not read');
    expect(box().checked).toBe(true);
    await act(async () => box().click());
    expect(update).toHaveBeenCalledWith({ notice_email: false });
    expect(setMe).toHaveBeenCalledWith(expect.objectContaining({ notice_email: false }));
  });

  it('says why when saving fails, and the choice stays as it was', async () => {
    me = { id: 'me', name: 'Camille', notice_email: false };
    vi.spyOn(api.me, 'update').mockRejectedValue(new Error('offline'));
    await ui.render(<NotificationsSection />);
    expect(box().checked).toBe(false);
    await act(async () => box().click());
    expect(ui.host.querySelector('[role="alert"], .alert')).not.toBeNull();
    expect(setMe).not.toHaveBeenCalled();
    expect(box().checked).toBe(false);
  });
});
