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

/** The checkbox labelled `text`. */
const boxFor = (text: string) => {
  const label = [...ui.host.querySelectorAll('label')].find((l) => l.textContent === text);
  const input = label ? document.getElementById(label.htmlFor) : null;
  if (!(input instanceof HTMLInputElement)) throw new Error(`no checkbox “${text}”`);
  return input;
};

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

  it('emails calendar reminders only once the person ticks it, saved at once', async () => {
    me = { id: 'me', name: 'Camille', notice_email: true };
    const update = vi
      .spyOn(api.me, 'update')
      .mockResolvedValue({ ...(me as User), reminder_email: true });
    await ui.render(<NotificationsSection />);
    const reminders = boxFor('Email me my calendar reminders too');
    expect(reminders.checked).toBe(false);
    await act(async () => reminders.click());
    expect(update).toHaveBeenCalledWith({ reminder_email: true });
    expect(setMe).toHaveBeenCalledWith(expect.objectContaining({ reminder_email: true }));
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

  it('ticks the topics the digest is about, those not left out', async () => {
    me = { id: 'me', name: 'Camille', notice_email: true, notice_email_off: ['invitations'] };
    await ui.render(<NotificationsSection />);
    const group = ui.host.querySelector('fieldset');
    expect(group?.querySelector('legend')?.textContent).toBe('Email me about');
    expect(boxFor('Mentions of me').checked).toBe(true);
    expect(boxFor('Invitations and their changes').checked).toBe(false);
    expect(boxFor('Answers to my events').checked).toBe(true);
    expect(group?.contains(boxFor('Answers to my events'))).toBe(true);
  });

  it('ticks every topic when the server sends no list', async () => {
    me = { id: 'me', name: 'Camille', notice_email: true };
    await ui.render(<NotificationsSection />);
    for (const text of ['Mentions of me', 'Invitations and their changes', 'Answers to my events'])
      expect([text, boxFor(text).checked]).toEqual([text, true]);
  });

  it('unticking a topic sends the list with it added, saved at once', async () => {
    me = { id: 'me', name: 'Camille', notice_email: true, notice_email_off: ['answers'] };
    const update = vi
      .spyOn(api.me, 'update')
      .mockResolvedValue({ ...(me as User), notice_email_off: ['answers', 'mentions'] });
    await ui.render(<NotificationsSection />);
    await act(async () => boxFor('Mentions of me').click());
    expect(update).toHaveBeenCalledTimes(1);
    expect(update).toHaveBeenCalledWith({ notice_email_off: ['answers', 'mentions'] });
    expect(setMe).toHaveBeenCalledWith(
      expect.objectContaining({ notice_email_off: ['answers', 'mentions'] }),
    );
  });

  it('ticking a topic again sends the list without it', async () => {
    me = {
      id: 'me',
      name: 'Camille',
      notice_email: true,
      notice_email_off: ['mentions', 'invitations'],
    };
    const update = vi
      .spyOn(api.me, 'update')
      .mockResolvedValue({ ...(me as User), notice_email_off: ['mentions'] });
    await ui.render(<NotificationsSection />);
    expect(boxFor('Invitations and their changes').checked).toBe(false);
    await act(async () => boxFor('Invitations and their changes').click());
    expect(update).toHaveBeenCalledWith({ notice_email_off: ['mentions'] });
    expect(setMe).toHaveBeenCalledWith(expect.objectContaining({ notice_email_off: ['mentions'] }));
  });

  it('says why when saving a topic fails', async () => {
    me = { id: 'me', name: 'Camille', notice_email: true, notice_email_off: [] };
    vi.spyOn(api.me, 'update').mockRejectedValue(new Error('offline'));
    await ui.render(<NotificationsSection />);
    await act(async () => boxFor('Answers to my events').click());
    expect(ui.host.querySelector('[role="alert"], .alert')).not.toBeNull();
    expect(setMe).not.toHaveBeenCalled();
    expect(boxFor('Answers to my events').checked).toBe(true);
  });

  it('turns the topics off while nothing is emailed, and says why', async () => {
    me = { id: 'me', name: 'Camille', notice_email: false, notice_email_off: ['answers'] };
    const update = vi.spyOn(api.me, 'update');
    await ui.render(<NotificationsSection />);
    const group = ui.host.querySelector('fieldset');
    expect(group?.disabled).toBe(true);
    for (const text of ['Mentions of me', 'Invitations and their changes', 'Answers to my events'])
      expect([text, boxFor(text).disabled]).toEqual([text, true]);
    expect(boxFor('Answers to my events').checked).toBe(false);
    const why = document.getElementById(group?.getAttribute('aria-describedby') ?? '');
    expect(why?.textContent).toBe('Turn on “Email me what I have not read” to choose.');
    await act(async () => boxFor('Mentions of me').click());
    expect(update).not.toHaveBeenCalled();
  });

  it('offers the topics while the digest is on', async () => {
    me = { id: 'me', name: 'Camille', notice_email: true };
    await ui.render(<NotificationsSection />);
    const group = ui.host.querySelector('fieldset');
    expect(group?.disabled).toBe(false);
    expect(group?.hasAttribute('aria-describedby')).toBe(false);
    expect(boxFor('Mentions of me').disabled).toBe(false);
  });
});
