import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, type Workspace } from '../api';
import { BrandingProvider } from '../branding';
import { mountPoint } from '../test/mount';
import { WorkspacesProvider } from '../workspaces';
import { ModuleGate, ModuleOff } from './ModuleGate';

const ui = mountPoint();
const WORKSPACE = { id: 'w1', name: 'Chantier', modules: ['chat', 'tasks'] } as Workspace;

const $ = (sel: string) => ui.host.querySelector<HTMLElement>(sel);

beforeEach(() => {
  vi.spyOn(api.settings, 'public').mockRejectedValue(new Error('offline'));
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function gate(module: string, workspaceId = WORKSPACE.id) {
  const seen: Workspace[] = [];
  await ui.render(
    <BrandingProvider>
      <WorkspacesProvider userId="me">
        <ModuleGate workspaceId={workspaceId} module={module}>
          {(w) => {
            seen.push(w);
            return <p className="inside">{w.name}</p>;
          }}
        </ModuleGate>
      </WorkspacesProvider>
    </BrandingProvider>,
  );
  return seen;
}

describe('ModuleGate', () => {
  it('shows a spinner while the workspaces load', async () => {
    vi.spyOn(api.workspaces, 'list').mockReturnValue(new Promise(() => undefined));
    const seen = await gate('tasks');
    expect($('.loading')?.getAttribute('role')).toBe('status');
    expect($('.loading')?.textContent).toBe('Loading…');
    expect(seen).toEqual([]);
  });

  it('renders its children with the workspace when the module is on', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([WORKSPACE]);
    const seen = await gate('tasks');
    await vi.waitFor(() => expect($('.inside')?.textContent).toBe('Chantier'));
    expect(seen.at(-1)).toEqual(WORKSPACE);
    expect($('.empty')).toBeNull();
  });

  it('says the module is not turned on, under the module’s name, with the way back', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([WORKSPACE]);
    const seen = await gate('calendar');
    await vi.waitFor(() =>
      expect($('.empty__title')?.textContent).toBe(
        'This module is not turned on in this workspace.',
      ),
    );
    expect($('h1')?.textContent).toBe('Calendar');
    expect($('.page__subtitle')?.textContent).toBe('Chantier');
    expect($('.empty__icon')).not.toBeNull();
    const back = $('.empty__body a');
    expect(back?.getAttribute('href')).toBe('/w/w1');
    expect(back?.textContent).toBe('Back to Chantier');
    expect(seen).toEqual([]);
  });

  it('is the not-found page for an unknown workspace or module', async () => {
    vi.spyOn(api.workspaces, 'list').mockResolvedValue([WORKSPACE]);
    await gate('tasks', 'nope');
    await vi.waitFor(() => expect($('h1')?.textContent).toBe('Page not found'));
    expect($('.inside')).toBeNull();

    await gate('wiki');
    await vi.waitFor(() => expect($('h1')?.textContent).toBe('Page not found'));
    expect($('.inside')).toBeNull();
  });
});

describe('ModuleOff', () => {
  it('is the lock, the words and the link back to the workspace', async () => {
    await ui.render(<ModuleOff workspace={WORKSPACE} />);
    expect($('.empty__title')?.textContent).toBe('This module is not turned on in this workspace.');
    expect($('.empty__body a')?.getAttribute('href')).toBe('/w/w1');
  });
});
