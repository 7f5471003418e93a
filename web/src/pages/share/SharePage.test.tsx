import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import { mountPoint } from '../../test/mount';

const shareLink = vi.hoisted(() => ({
  info: vi.fn(),
  unlock: vi.fn(),
  list: vi.fn(),
  downloadUrl: vi.fn((token: string, path: string[]) => `/s/${token}/${path.join('/')}?download=1`),
  drop: vi.fn(),
}));
vi.mock('../../api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../api')>()),
  api: { shareLink },
}));

const { default: SharePage } = await import('./SharePage');

const view = mountPoint();

afterEach(() => {
  vi.clearAllMocks();
});

async function show(params: Record<string, string>) {
  await view.render(<SharePage params={params} />);
}

const input = () => view.host.querySelector('input[type="password"]') as HTMLInputElement;

async function type(el: HTMLInputElement, value: string) {
  await act(async () => {
    const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
    set?.call(el, value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function submit() {
  await act(async () => {
    view.host.querySelector('form')?.requestSubmit();
  });
}

describe('SharePage', () => {
  it('asks for the password, says when it is wrong, then lists the folder', async () => {
    shareLink.info
      .mockRejectedValueOnce(new ApiError(401, 'password_required', ''))
      .mockResolvedValue({
        mode: 'read',
        kind: 'folder',
        name: 'mars',
        root_name: 'Rapports',
        limit_reached: false,
      });
    shareLink.unlock
      .mockRejectedValueOnce(new ApiError(401, 'bad_password', ''))
      .mockResolvedValue({ unlocked: true });
    shareLink.list.mockResolvedValue({
      mode: 'read',
      name: 'mars',
      total: 1,
      items: [{ name: 'bilan.pdf', kind: 'file', size: 2048, mtime: '2040-03-01T10:00:00Z' }],
    });
    await show({ token: 'tok', '*': '2040/mars' });
    expect(view.host.textContent).toContain('Protected link');

    await type(input(), 'nope');
    await submit();
    expect(shareLink.unlock).toHaveBeenCalledWith('tok', 'nope');
    expect(view.host.textContent).toContain('Wrong password.');

    await type(input(), 'Gaufre-Sucrée-2040');
    await submit();
    expect(shareLink.info).toHaveBeenLastCalledWith('tok', ['2040', 'mars']);
    expect(shareLink.list).toHaveBeenCalledWith('tok', ['2040', 'mars']);
    expect(view.host.textContent).toContain('bilan.pdf');
    const crumbs = [...view.host.querySelectorAll('nav li')].map((li) => li.textContent);
    expect(crumbs).toEqual(['Rapports', '2040', 'mars']);
    const link = view.host.querySelector('a[download]') as HTMLAnchorElement;
    expect(link.getAttribute('href')).toBe('/s/tok/2040/mars/bilan.pdf?download=1');
  });

  it('says when too many wrong passwords were given', async () => {
    shareLink.info.mockRejectedValue(new ApiError(429, 'throttled', '', 300));
    await show({ token: 'tok' });
    expect(view.host.textContent).toContain('Too many wrong passwords.');
    expect(input()).not.toBeNull();
  });

  it('explains dead links and reached limits', async () => {
    shareLink.info.mockRejectedValue(new ApiError(404, 'not_found', ''));
    await show({ token: 'tok' });
    expect(view.host.textContent).toContain('does not exist, was revoked or has expired');

    shareLink.info.mockResolvedValue({
      mode: 'read',
      kind: 'file',
      name: 'a.pdf',
      root_name: 'a.pdf',
      size: 10,
      limit_reached: true,
    });
    await show({ token: 'other' });
    expect(view.host.textContent).toContain('reached its download limit');
    expect(view.host.querySelector('a[download]')).toBeNull();
  });

  it('offers a file for download', async () => {
    shareLink.info.mockResolvedValue({
      mode: 'read',
      kind: 'file',
      name: 'a.pdf',
      root_name: 'a.pdf',
      size: 2048,
      limit_reached: false,
    });
    await show({ token: 'tok' });
    expect(view.host.querySelector('h1')?.textContent).toContain('a.pdf');
    expect(view.host.textContent).toContain('2 kB');
    expect(view.host.querySelector('a[download]')?.getAttribute('href')).toBe('/s/tok/?download=1');
  });

  it('shows a file inside a shared folder with the way back', async () => {
    shareLink.info.mockResolvedValue({
      mode: 'read',
      kind: 'file',
      name: 'b.txt',
      root_name: 'Rapports',
      size: 3,
      limit_reached: false,
    });
    await show({ token: 'tok', '*': 'sub/b.txt' });
    expect(shareLink.info).toHaveBeenCalledWith('tok', ['sub', 'b.txt']);
    expect(shareLink.list).not.toHaveBeenCalled();
    const back = view.host.querySelector('a:not([download])') as HTMLAnchorElement;
    expect(back.getAttribute('href')).toBe('/s/tok/files/sub');
    expect(back.textContent).toContain('sub');
    expect(view.host.querySelector('a[download]')?.getAttribute('href')).toBe(
      '/s/tok/sub/b.txt?download=1',
    );
  });

  it('uploads into a drop folder and shows the name the server gave', async () => {
    shareLink.info.mockResolvedValue({
      mode: 'upload',
      kind: 'folder',
      name: 'Inbox',
      root_name: 'Inbox',
      limit_reached: false,
    });
    shareLink.drop.mockImplementation(
      (_t: string, file: File, _n: string, progress: (s: number, t: number) => void) => {
        progress(1, file.size);
        return { done: Promise.resolve({ name: 'devis (2).txt', size: file.size }), abort() {} };
      },
    );
    await show({ token: 'tok' });
    const file = new File(['hello'], 'devis.txt');
    const picker = view.host.querySelector('input[type="file"]') as HTMLInputElement;
    Object.defineProperty(picker, 'files', { value: [file], configurable: true });
    await act(async () => {
      picker.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(shareLink.drop).toHaveBeenCalledWith('tok', file, 'devis.txt', expect.any(Function));
    expect(view.host.textContent).toContain('devis (2).txt');
    expect(view.host.textContent).toContain('renamed: “devis.txt” was taken');
    expect(view.host.textContent).toContain('Sent');
  });
});
