// One line of text for a workspace event (recent activity).
import type { EventFrame, Member } from '../api';
import type { MessageKey } from '../i18n';
import type { Vars } from '../i18n/core';
import { moduleOfEvent } from '../events/modules';

export interface ActivityLine {
  key: MessageKey;
  vars: Vars;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function describeEvent(
  e: EventFrame,
  members: readonly Member[],
  roleName: (role: string) => string,
): ActivityLine {
  const d = e.data ?? {};
  const nameOf = (id: string) => members.find((m) => m.user_id === id)?.name ?? '';
  switch (e.type) {
    case 'workspace.created':
      return { key: 'activity.workspace_created', vars: { name: str(d.name) } };
    case 'workspace.updated':
      return d.archived === true
        ? { key: 'activity.workspace_archived', vars: {} }
        : { key: 'activity.workspace_updated', vars: { name: str(d.name) } };
    case 'member.added':
      return {
        key: 'activity.member_added',
        vars: { name: str(d.name) || nameOf(str(d.user_id)), role: roleName(str(d.role)) },
      };
    case 'member.updated':
      return {
        key: 'activity.member_updated',
        vars: { name: str(d.name) || nameOf(str(d.user_id)) },
      };
    case 'member.removed': {
      const name = nameOf(str(d.user_id));
      return name
        ? { key: 'activity.member_removed', vars: { name } }
        : { key: 'activity.member_removed_unknown', vars: {} };
    }
    case 'invitation.created':
      return { key: 'activity.invitation_created', vars: { email: str(d.email) } };
    case 'invitation.revoked':
      return { key: 'activity.invitation_revoked', vars: {} };
    case 'invitation.declined':
      return { key: 'activity.invitation_declined', vars: { email: str(d.email) } };
    case 'armour.changed':
      // A private channel's or direct conversation's own keys, or the workspace's.
      return {
        key: d.channel_id ? 'activity.armour_changed_channel' : 'activity.armour_changed',
        vars: {},
      };
    default: {
      const m = moduleOfEvent(e.type, d);
      return m
        ? { key: 'activity.module_event', vars: { module: m, type: e.type } }
        : { key: 'activity.other', vars: { type: e.type } };
    }
  }
}
