import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, csrfStore, type Me } from '../api';
import { mountPoint } from '../test/mount';
import { browserTimeZone } from '../util/timeZone';
import { SessionProvider, useSession } from '.';

vi.mock('../events', () => ({
  liveEvents: () => ({ start: () => undefined, stop: () => undefined }),
  setConnectionHooks: () => undefined,
}));

const ui = mountPoint();

afterEach(() => {
  vi.restoreAllMocks();
  csrfStore.set(null);
});

const camille: Me = {
  id: 'u1',
  email: 'camille@example.org',
  name: 'Camille',
  role: 'member',
  totp_enabled: false,
  disabled: false,
  locale: 'en',
  created_at: '2026-01-01T00:00:00Z',
} as Me;

/** Shows the session's zone, as the app would read it. */
function Probe() {
  return <output>{useSession().me?.time_zone ?? 'none'}</output>;
}
const seen = () => ui.host.querySelector('output')?.textContent;

async function signIn(me: Me) {
  csrfStore.set({ header: 'X-CSRF-Token', token: 't' });
  vi.spyOn(api.me, 'get').mockResolvedValue(me);
  const update = vi
    .spyOn(api.me, 'update')
    .mockImplementation(async (b) => ({ ...me, ...b }) as Me);
  await ui.render(
    <SessionProvider>
      <Probe />
    </SessionProvider>,
  );
  await act(async () => new Promise((r) => setTimeout(r, 0)));
  return update;
}

describe('the session and the person’s time zone', () => {
  it('gives the server this browser’s zone when it knows none', async () => {
    const zone = browserTimeZone();
    expect(zone).toBeTruthy();
    const update = await signIn({ ...camille, time_zone: '' });
    expect(update).toHaveBeenCalledWith({ time_zone: zone });
    expect(seen()).toBe(zone);
  });

  it('leaves a zone already set, and a server that keeps none, alone', async () => {
    let update = await signIn({ ...camille, time_zone: 'Asia/Tokyo' });
    expect(update).not.toHaveBeenCalled();
    expect(seen()).toBe('Asia/Tokyo');
    vi.restoreAllMocks();
    update = await signIn(camille);
    expect(update).not.toHaveBeenCalled();
  });
});
