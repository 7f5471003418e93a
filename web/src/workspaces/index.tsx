// The signed-in person's workspaces (sidebar, list, home), kept fresh by the
// live events that change them.
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { ReactNode } from 'react';
import { api, moduleRight, type Access, type ModuleName, type Workspace } from '../api';
import { useEvent } from '../events';

interface WorkspacesValue {
  workspaces: Workspace[];
  loading: boolean;
  error: boolean;
  reload(): Promise<void>;
  byId(id: string): Workspace | undefined;
  /** Updates one entry at once (after a create or rename). */
  upsert(w: Workspace): void;
  remove(id: string): void;
}

const Ctx = createContext<WorkspacesValue | null>(null);

/**
 * The caller's right on `module` in a workspace (moduleRight) and whether
 * the workspace is archived, from GET /workspaces/{id}; null when it cannot
 * be read. What module stores show their write controls by.
 */
export async function moduleAccess(
  workspaceId: string,
  module: ModuleName,
): Promise<{ right: Access; archived: boolean } | null> {
  try {
    const w = await api.workspaces.get(workspaceId);
    return { right: moduleRight(w.rights, w.role, module), archived: w.archived };
  } catch {
    return null;
  }
}

export function WorkspacesProvider({ userId, children }: { userId: string; children: ReactNode }) {
  const [workspaces, setWorkspaces] = useState<Workspace[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState(false);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);

  const reload = useCallback(
    () =>
      api.workspaces.list().then(
        (list) => {
          setWorkspaces(list);
          setError(false);
          setLoading(false);
        },
        () => {
          setError(true);
          setLoading(false);
        },
      ),
    [],
  );

  // Bursts of events cause one reload.
  const reloadSoon = useCallback(() => {
    if (pending.current) clearTimeout(pending.current);
    pending.current = setTimeout(() => {
      pending.current = null;
      void reload();
    }, 150);
  }, [reload]);

  useEffect(() => {
    void reload();
    return () => {
      if (pending.current) clearTimeout(pending.current);
    };
  }, [reload, userId]);

  useEvent('workspace.*', reloadSoon);
  useEvent('member.added', (e) => {
    if (e.data?.user_id === userId) reloadSoon();
  });
  useEvent('member.updated', (e) => {
    if (e.data?.user_id === userId) reloadSoon();
  });
  useEvent('member.removed', (e) => {
    if (e.data?.user_id === userId) setWorkspaces((l) => l.filter((w) => w.id !== e.workspace_id));
  });
  useEvent('hello', reloadSoon);

  const upsert = useCallback((w: Workspace) => {
    setWorkspaces((l) => {
      const i = l.findIndex((x) => x.id === w.id);
      const next = i >= 0 ? l.map((x) => (x.id === w.id ? { ...x, ...w } : x)) : [...l, w];
      return next.sort((a, b) => a.name.localeCompare(b.name));
    });
  }, []);
  const remove = useCallback(
    (id: string) => setWorkspaces((l) => l.filter((w) => w.id !== id)),
    [],
  );
  const byId = useCallback((id: string) => workspaces.find((w) => w.id === id), [workspaces]);

  const value = useMemo(
    () => ({ workspaces, loading, error, reload, byId, upsert, remove }),
    [workspaces, loading, error, reload, byId, upsert, remove],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useWorkspaces(): WorkspacesValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('useWorkspaces outside WorkspacesProvider');
  return v;
}
