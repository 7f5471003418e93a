// The live events components subscribe to, heard from a test: the shared
// connection's subscribe() is spied on, and each frame given goes to the
// handlers whose pattern matches (an exact type, "x.*", or "*" for all
// but control frames), in act().
import { act, type ReactNode } from 'react';
import { expect, vi } from 'vitest';
import { api } from '../api';
import type { EventFrame, Workspace } from '../api/types';
import { liveEvents } from '../events';
import { ToastProvider } from '../notifications/toasts';
import { WorkspacesProvider } from '../workspaces';
import type { Mounted } from './mount';

/** Call before rendering; returns what delivers a frame. */
export function hearLive(): (e: EventFrame) => void {
  const handlers: [string, (e: EventFrame) => void][] = [];
  vi.spyOn(liveEvents(), 'subscribe').mockImplementation((type, h) => {
    const entry: [string, (e: EventFrame) => void] = [type, h];
    handlers.push(entry);
    return () => {
      const i = handlers.indexOf(entry);
      if (i >= 0) handlers.splice(i, 1);
    };
  });
  return (e) =>
    act(() => {
      for (const [pattern, h] of [...handlers]) {
        const match =
          (pattern === '*' && !['hello', 'error'].includes(e.type)) ||
          pattern === e.type ||
          (pattern.endsWith('.*') && e.type.startsWith(pattern.slice(0, -1)));
        if (match) h(e);
      }
    });
}

/**
 * A component of the app shell that turns notices into toasts, rendered
 * with `ui` (a mountPoint()) as the shell has it: toasts, and the person's
 * workspaces "w1" (Chantier, with `module`) and "w2" (Bureau, chat only).
 * Returns what delivers a frame, and the toast action's spy.
 */
export async function showNotices(ui: Mounted, node: ReactNode, module: string) {
  const hear = hearLive();
  const ws = (id: string, name: string, modules: string[]) =>
    ({ id, name, modules, archived: false }) as Workspace;
  const list = vi
    .spyOn(api.workspaces, 'list')
    .mockResolvedValue([ws('w1', 'Chantier', [module]), ws('w2', 'Bureau', ['chat'])]);
  const open = vi.fn();
  await ui.render(
    <ToastProvider onOpen={open}>
      <WorkspacesProvider userId="me">{node}</WorkspacesProvider>
    </ToastProvider>,
  );
  await vi.waitFor(() => expect(list).toHaveBeenCalled());
  await act(async () => undefined);
  return { hear, open };
}
