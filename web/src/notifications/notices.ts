// Notices to one person (docs/api.md "Live events", "Notices to one
// person"): frames with no workspace and no sequence number, whatever the
// page — calendar invitations, mentions in task comments. What every
// module's notices need to read them and to say where they lead. Pure.
import { isNotice } from '../events/connection';
import type { EventFrame, Workspace } from '../api';

/** A string field of a notice ('' when missing). */
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A string field of a notice, null when missing or empty. */
export const strOrNull = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** The data of a notice of one of these types (null: another frame, or a workspace's event). */
export function noticeData(
  e: EventFrame,
  types: readonly string[],
): Record<string, unknown> | null {
  if (!types.includes(e.type) || !isNotice(e)) return null;
  return e.data ?? {};
}

/** The workspaces where the person opens this module (`modules` lists only those they may). */
export function workspacesOpening(workspaces: readonly Workspace[], module: string): Set<string> {
  return new Set(workspaces.filter((w) => w.modules.includes(module)).map((w) => w.id));
}
