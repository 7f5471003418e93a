// The app's single live-events connection and its React hooks.
import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { EventFrame } from '../api/types';
import { EventConnection, eventsUrl, type ConnectionState } from './connection';

export { EventConnection, type ConnectionState } from './connection';

interface ConnectionHooks {
  onConnectFailed?: (failures: number) => void;
  onRevoked?: () => void;
}

const hooks: ConnectionHooks = {};
let connection: EventConnection | null = null;

/** The shared connection (created on first use, started by the session). */
export function liveEvents(): EventConnection {
  connection ??= new EventConnection({
    url: eventsUrl(),
    onConnectFailed: (n) => hooks.onConnectFailed?.(n),
    onRevoked: () => hooks.onRevoked?.(),
  });
  return connection;
}

/** The session's reactions to a refused handshake and to revoked credentials. */
export function setConnectionHooks(h: ConnectionHooks): void {
  Object.assign(hooks, h);
}

/** Calls `handler` for each event of `type` ("x.y", "x.*" or "*") while mounted. */
export function useEvent(type: string, handler: (e: EventFrame) => void): void {
  const ref = useRef(handler);
  useEffect(() => {
    ref.current = handler;
  });
  useEffect(() => liveEvents().subscribe(type, (e) => ref.current(e)), [type]);
}

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(
    (cb) => liveEvents().onStateChange(cb),
    () => liveEvents().state,
  );
}
