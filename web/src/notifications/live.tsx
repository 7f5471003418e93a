// Wires the live connection to unread badges, mention toasts and browser
// notifications. Mounted once inside the signed-in shell.
import { useEffect } from 'react';
import type { EventFrame } from '../api/types';
import { useEvent } from '../events';
import { useI18n } from '../i18n';
import { useMe } from '../session';
import { useToast } from './toasts';
import { unread } from './unread';

export function mentionsUser(e: EventFrame, userId: string): boolean {
  const m = e.data?.mentions;
  return Array.isArray(m) && m.includes(userId);
}

export function browserNotificationsSupported(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window;
}

export function LiveNotifications({
  workspaceName,
}: {
  workspaceName: (id: string) => string | undefined;
}) {
  const me = useMe();
  const { toast } = useToast();
  const { t } = useI18n();

  useEffect(() => {
    unread.setUser(me.id);
    return () => unread.setUser(null);
  }, [me.id]);

  useEvent('*', (e) => {
    unread.record(e);
    if (!mentionsUser(e, me.id)) return;
    const where = workspaceName(e.workspace_id) ?? '';
    const title = t('toast.mention', { workspace: where });
    const body = typeof e.data?.snippet === 'string' ? e.data.snippet : undefined;
    toast({ kind: 'mention', title, body, href: `/w/${e.workspace_id}` });
    if (
      browserNotificationsSupported() &&
      Notification.permission === 'granted' &&
      document.visibilityState === 'hidden'
    ) {
      try {
        new Notification(title, { body, tag: `ruche-${e.workspace_id}-${e.seq}` });
      } catch {
        // Some browsers only allow notifications from a service worker.
      }
    }
  });

  useEvent('workspace.deleted', (e) => unread.forget(e.workspace_id));

  return null;
}
