import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../api';
import type { User } from '../../api';
import { mountPoint, typeInto } from '../../test/mount';
import { ProfileSection } from './ProfileSection';

const setMe = vi.fn();
let me: Partial<User> = { id: 'me', name: 'Camille' };
vi.mock('../../session', async (original) => ({
  ...(await original<typeof import('../../session')>()),
  useMe: () => me,
  useSession: () => ({ setMe }),
}));
vi.mock('../../notifications/toasts', () => ({ useToast: () => ({ toast: () => undefined }) }));

const ui = mountPoint();

afterEach(() => {
  vi.restoreAllMocks();
  setMe.mockReset();
});

/** The select labelled `text`, or null. */
const selectFor = (text: string) => {
  const label = [...ui.host.querySelectorAll('label')].find((l) => l.textContent === text);
  const el = label ? document.getElementById(label.htmlFor) : null;
  return el instanceof HTMLSelectElement ? el : null;
};

describe('ProfileSection', () => {
  it('saves the time zone chosen with the name and language', async () => {
    me = { id: 'me', name: 'Camille', locale: 'en', time_zone: 'Europe/Paris' };
    const update = vi
      .spyOn(api.me, 'update')
      .mockResolvedValue({ ...(me as User), time_zone: 'America/New_York' });
    await ui.render(<ProfileSection />);
    const zone = selectFor('Time zone');
    if (!zone) throw new Error('no time zone select');
    expect(zone.value).toBe('Europe/Paris');
    const offered = [...zone.options].map((o) => o.value);
    expect(offered[0]).toBe('');
    expect(offered).toContain('America/New_York');
    expect([...zone.options].find((o) => o.value === 'America/New_York')?.textContent).toBe(
      'America/New York',
    );
    typeInto(zone, 'America/New_York');
    const form = ui.host.querySelector('form');
    await act(async () => form?.requestSubmit());
    expect(update).toHaveBeenCalledWith({
      name: 'Camille',
      locale: 'en',
      time_zone: 'America/New_York',
    });
    expect(setMe).toHaveBeenCalledWith(expect.objectContaining({ time_zone: 'America/New_York' }));
  });

  it('offers no zone to a server that keeps none', async () => {
    me = { id: 'me', name: 'Camille', locale: 'en' };
    const update = vi.spyOn(api.me, 'update').mockResolvedValue(me as User);
    await ui.render(<ProfileSection />);
    expect(selectFor('Time zone')).toBeNull();
    await act(async () => ui.host.querySelector('form')?.requestSubmit());
    expect(update).toHaveBeenCalledWith({ name: 'Camille', locale: 'en' });
  });
});
