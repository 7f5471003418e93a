// The way into a call from elsewhere in the app (the ringing panel, chat's
// Call button): the calls page of the call's workspace with `?join={cid}`,
// which the page handles once (it joins through its own session, then drops
// the parameter: a reload shows the list and joins nothing). People to ring
// once in are handed over in memory, never in the address: gone with a
// reload, rung at most once.
import { navigate } from '../router/router';

const toRing = new Map<string, readonly string[]>();

/** The calls page's address that joins call `callId` of workspace `workspaceId`. */
export function joinHref(workspaceId: string, callId: string): string {
  return `/w/${encodeURIComponent(workspaceId)}/calls?join=${encodeURIComponent(callId)}`;
}

/**
 * Opens the calls page of `workspaceId` in call `callId`; once this tab is
 * in, the page rings `ring` (user ids; none: nobody).
 */
export function openCall(workspaceId: string, callId: string, ring: readonly string[] = []): void {
  if (ring.length > 0) toRing.set(callId, ring);
  else toRing.delete(callId);
  navigate(joinHref(workspaceId, callId));
}

/** Whom to ring once in `callId` (asked by openCall); forgotten once taken. */
export function takeRingRequest(callId: string): readonly string[] {
  const ids = toRing.get(callId) ?? [];
  toRing.delete(callId);
  return ids;
}
