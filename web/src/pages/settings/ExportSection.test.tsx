import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import type { Workspace } from '../../api';
import { mountPoint } from '../../test/mount';

const workspaces = vi.hoisted(() => ({
  exportReady: vi.fn(),
  exportUrl: vi.fn((id: string) => `/api/v1/workspaces/${id}/export`),
}));
vi.mock('../../api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../api')>()),
  api: { workspaces },
}));
const startDownload = vi.hoisted(() => vi.fn());
vi.mock('../../util/download', () => ({ startDownload }));

const { ExportSection } = await import('./ExportSection');

const view = mountPoint();
const w = { id: 'W1', name: 'Équipe' } as Workspace;

afterEach(() => {
  vi.clearAllMocks();
});

async function click() {
  await act(async () => {
    (view.host.querySelector('button') as HTMLButtonElement).click();
  });
}

describe('ExportSection', () => {
  it('starts the download once the server says an export would start', async () => {
    workspaces.exportReady.mockResolvedValue(undefined);
    await view.render(<ExportSection w={w} />);
    await click();
    expect(workspaces.exportReady).toHaveBeenCalledWith('W1');
    expect(startDownload).toHaveBeenCalledWith('/api/v1/workspaces/W1/export');
    expect(view.host.querySelector('[role="alert"]')).toBeNull();
  });

  it('says another export is running instead of starting a download that would fail', async () => {
    workspaces.exportReady.mockRejectedValue(new ApiError(503, 'http_503', ''));
    await view.render(<ExportSection w={w} />);
    await click();
    expect(startDownload).not.toHaveBeenCalled();
    expect(view.host.querySelector('[role="alert"]')?.textContent).toMatch(
      /Another export is running/,
    );
  });
});
