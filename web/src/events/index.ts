// The app's single live-events connection and its React hooks.
import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { EventFrame } from '../api/types';
import { EventConnection, eventsUrl, type ConnectionState } from './connection';
import { PresenceTracker, type PresenceStatus } from './presence';

export { EventConnection, isNotice, type ConnectionState } from './connection';
export type { PresenceStatus } from './presence';

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

let presence: PresenceTracker | null = null;

/** The shared presence tracker, fed by the shared connection. */
export function presenceTracker(): PresenceTracker {
  if (!presence) {
    const tracker = new PresenceTracker((m) => liveEvents().send(m));
    for (const type of ['hello', 'presence.state', 'presence.changed'])
      liveEvents().subscribe(type, (e) => tracker.onFrame(e));
    if (typeof document !== 'undefined')
      document.addEventListener('visibilitychange', () =>
        tracker.visibilityChanged(document.visibilityState === 'hidden'),
      );
    presence = tracker;
  }
  return presence;
}

/** Whether `userId` is online, away or offline, followed while mounted. */
export function usePresence(workspaceId: string, userId: string): PresenceStatus {
  useEffect(() => presenceTracker().want(workspaceId, userId), [workspaceId, userId]);
  return useSyncExternalStore(
    (cb) => presenceTracker().subscribe(cb),
    () => presenceTracker().get(userId),
  );
}
