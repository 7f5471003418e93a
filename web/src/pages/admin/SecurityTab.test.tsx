// Instance security: whom the directory shows members is one tick away,
// saved at once, and reads back as saved.
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, type AdminSettings } from '../../api';
import { ToastProvider } from '../../notifications/toasts';
import { mountPoint } from '../../test/mount';
import { SecurityTab } from './SecurityTab';

const refreshMe = vi.fn(async () => undefined);
vi.mock('../../session', async (original) => ({
  ...(await original<typeof import('../../session')>()),
  useMe: () => ({ id: 'root', name: 'Root', totp_enabled: true }),
  useSession: () => ({ refreshMe }),
}));

const ui = mountPoint();

afterEach(() => vi.restoreAllMocks());

const settings: AdminSettings = {
  instance_name: 'Ruche',
  logo: '',
  primary_color: '#1f5fbf',
  accent_color: '#f2b705',
  home_markdown: '',
  default_locale: 'fr',
  mfa_required_for_admins: false,
  directory: 'instance',
};

/** The checkbox labelled `text`. */
const boxFor = (text: string) => {
  const label = [...ui.host.querySelectorAll('label')].find((l) => l.textContent === text);
  const input = label ? document.getElementById(label.htmlFor) : null;
  if (!(input instanceof HTMLInputElement)) throw new Error(`no checkbox “${text}”`);
  return input;
};

describe('SecurityTab', () => {
  it('narrows the directory to the people of one’s workspaces, and back', async () => {
    let saved = settings;
    vi.spyOn(api.admin, 'settings').mockImplementation(async () => saved);
    const update = vi.spyOn(api.admin, 'updateSettings').mockImplementation(async (change) => {
      saved = { ...saved, ...change };
      return saved;
    });
    await ui.render(
      <ToastProvider>
        <SecurityTab />
      </ToastProvider>,
    );
    const box = () => boxFor('Members find only the people of their workspaces');
    await vi.waitFor(() => expect(box().checked).toBe(false));
    await act(async () => box().click());
    expect(update).toHaveBeenLastCalledWith({ directory: 'workspaces' });
    await vi.waitFor(() => expect(box().checked).toBe(true));
    await act(async () => box().click());
    expect(update).toHaveBeenLastCalledWith({ directory: 'instance' });
    await vi.waitFor(() => expect(box().checked).toBe(false));
  });
});
