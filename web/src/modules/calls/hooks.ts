// The call this page is in: one CallSession at a time, left when the person
// leaves, when the page unmounts (another route) and, best effort, when the
// tab closes or reloads (a keepalive DELETE on pagehide).
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { api } from '../../api';
import { liveEvents } from '../../events';
import { CallSession, browserCallDeps, type CallDeps, type CallState } from './session';

const nothing = () => () => undefined;

/** The browser's WebRTC, the app's API client and live events. */
export function defaultCallDeps(): CallDeps {
  return browserCallDeps(api.calls, liveEvents());
}

export interface UseCall {
  session: CallSession | null;
  state: CallState | null;
  /** Joins a call (leaving the one the page is in, if any). */
  join(callId: string): void;
  /** Leaves the call (or forgets a failed attempt). */
  close(): void;
}

export function useCall(makeDeps: () => CallDeps = defaultCallDeps): UseCall {
  const [session, setSession] = useState<CallSession | null>(null);
  const state = useSyncExternalStore(session ? session.subscribe : nothing, () =>
    session ? session.getState() : null,
  );

  useEffect(() => {
    if (!session) return;
    const unload = () => session.leaveOnUnload();
    window.addEventListener('pagehide', unload);
    return () => {
      // Left with the button, another call joined, or another page: out of
      // this one. A reload while the leaving waits for its byes still sends
      // the DELETE (pagehide), so the listener stays until it is done.
      void session.leave().finally(() => window.removeEventListener('pagehide', unload));
    };
  }, [session]);

  const join = useCallback(
    (callId: string) => {
      const s = new CallSession(callId, makeDeps());
      setSession(s);
      void s.join();
    },
    [makeDeps],
  );
  const close = useCallback(() => setSession(null), []);
  return { session, state, join, close };
}
