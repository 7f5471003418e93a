// The ringing panel, mounted once in the app shell: whatever page of
// whatever workspace the person is on, each call ringing them shows as
// "<name> is calling — <title> · <workspace>" with Join and Decline, a quiet
// ring tone plays, and a hidden tab shows a system notification (only when
// the permission was granted before: never asked for here).
//
// Focus: the panel never takes it. Someone typing keeps typing (a key
// meant for a message must never answer or refuse a call); the ring is said
// at once by an assertive live region, with the way to reach it: Alt+Shift+C
// moves the focus to the newest call's Join button (the panel is also first
// in the tab order after the skip link). Within a call's group Enter joins
// (the Join button; Decline is a button too), Escape declines. When the
// call focused stops ringing, the focus goes to the next one, else back to
// where Alt+Shift+C took it from.
import {
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import type { KeyboardEvent as ReactKeyboardEvent } from 'react';
import { Avatar } from '../components/Avatar';
import { Button } from '../components/Button';
import { useI18n } from '../i18n';
import { desktopNotice } from '../notifications/live';
import { useMe } from '../session';
import { openCall } from './handoff';
import { startRingtone } from './ringtone';
import { RingingStore, type Ring } from './store';

/** The shell's panel: its own store, following the person's live events. */
export function IncomingCalls({
  workspaceName,
}: {
  workspaceName: (id: string) => string | undefined;
}) {
  const me = useMe();
  const [store] = useState(() => new RingingStore(me.id));
  useEffect(() => {
    store.start();
    return () => store.stop();
  }, [store]);
  return <RingingPanel store={store} workspaceName={workspaceName} />;
}

/** The keyboard shortcut to the panel: Alt+Shift+C (the key's place, whatever the layout). */
export function isRingShortcut(e: KeyboardEvent): boolean {
  return e.altKey && e.shiftKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyC';
}

export function RingingPanel({
  store,
  workspaceName,
  onJoin = (r) => openCall(r.workspaceId, r.callId),
  tone = startRingtone,
}: {
  store: RingingStore;
  workspaceName: (id: string) => string | undefined;
  /** Opens the call (the calls page joins it). */
  onJoin?: (ring: Ring) => void;
  /** Starts the ring tone; returns what stops it. */
  tone?: () => () => void;
}) {
  const { t } = useI18n();
  const rings = useSyncExternalStore(store.subscribe, () => store.getState().rings);
  const panel = useRef<HTMLElement>(null);
  /** The focus is in the panel (a ring may vanish under it). */
  const inside = useRef(false);
  /** Where Alt+Shift+C took the focus from. */
  const before = useRef<HTMLElement | null>(null);
  const notifications = useRef(new Map<number, Notification>());
  const [hidden, setHidden] = useState(
    () => typeof document !== 'undefined' && document.visibilityState === 'hidden',
  );

  const someone = t('calls.someone');
  const nameOf = useCallback((r: Ring) => r.fromName ?? someone, [someone]);
  const whereOf = useCallback(
    (r: Ring) => {
      const title = r.title.trim() || t('calls.untitled', { name: r.fromName ?? someone });
      const ws = workspaceName(r.workspaceId);
      return ws ? t('ringing.where', { title, workspace: ws }) : title;
    },
    [t, someone, workspaceName],
  );

  // The tone, while anything rings.
  const ringing = rings.length > 0;
  useEffect(() => (ringing ? tone() : undefined), [ringing, tone]);

  // Said as it comes: the newest ring (an assertive live region, present all along).
  const newest = rings[0];
  const announce = newest
    ? t('ringing.announce', { name: nameOf(newest), where: whereOf(newest) })
    : '';

  // Alt+Shift+C: to the newest call's Join button.
  useEffect(() => {
    if (!ringing) return;
    const onKey = (e: KeyboardEvent) => {
      if (!isRingShortcut(e)) return;
      e.preventDefault();
      const active = document.activeElement as HTMLElement | null;
      if (!panel.current?.contains(active)) before.current = active;
      panel.current?.querySelector<HTMLButtonElement>('[data-ring-action="join"]')?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [ringing]);

  // The focused call stopped ringing: the next one, else where the focus was.
  useLayoutEffect(() => {
    if (!inside.current || panel.current?.contains(document.activeElement)) return;
    const next = panel.current?.querySelector<HTMLButtonElement>('[data-ring-action="join"]');
    if (next) {
      next.focus();
      return;
    }
    inside.current = false;
    const back = before.current;
    before.current = null;
    if (back?.isConnected) back.focus({ preventScroll: true });
  }, [rings]);

  // A hidden tab: a system notification per ring (permission granted before only).
  useEffect(() => {
    const onVisibility = () => setHidden(document.visibilityState === 'hidden');
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, []);
  useEffect(() => {
    const shown = notifications.current;
    const live = new Set(rings.map((r) => r.n));
    for (const [n, notification] of shown) {
      if (!live.has(n) || !hidden) {
        notification.close();
        shown.delete(n);
      }
    }
    if (!hidden) return;
    for (const r of rings) {
      if (shown.has(r.n)) continue;
      const notification = desktopNotice(t('ringing.calling', { name: nameOf(r) }), {
        body: whereOf(r),
        tag: `ruche-call-${r.callId}`,
        requireInteraction: true,
      });
      if (notification) shown.set(r.n, notification);
    }
  }, [rings, hidden, t, nameOf, whereOf]);
  useEffect(() => {
    const shown = notifications.current;
    return () => {
      shown.forEach((n) => n.close());
      shown.clear();
    };
  }, []);

  const join = (r: Ring) => {
    if (store.accept(r.callId)) onJoin(r);
  };

  return (
    <>
      <div className="visually-hidden" aria-live="assertive" aria-atomic="true">
        {announce}
      </div>
      {ringing ? (
        <section
          ref={panel}
          className="ringing"
          aria-label={t('ringing.region')}
          onFocus={() => {
            inside.current = true;
          }}
          onBlur={(e) => {
            if (!panel.current?.contains(e.relatedTarget as Node | null)) inside.current = false;
          }}
        >
          {rings.map((r) => (
            <RingItem
              key={r.callId}
              name={nameOf(r)}
              seed={r.fromUserId}
              where={whereOf(r)}
              onJoin={() => join(r)}
              onDecline={() => store.decline(r.callId)}
            />
          ))}
          <p className="ringing__keys">{t('ringing.keys')}</p>
        </section>
      ) : null}
    </>
  );
}

function RingItem({
  name,
  seed,
  where,
  onJoin,
  onDecline,
}: {
  name: string;
  seed: string;
  where: string;
  onJoin(): void;
  onDecline(): void;
}) {
  const { t } = useI18n();
  const id = useId();
  const onKeyDown = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      // Not the page's own Escape (closing a menu, marking a channel read).
      e.preventDefault();
      e.stopPropagation();
      onDecline();
    } else if (
      e.key === 'Enter' &&
      (e.target as HTMLElement).dataset.ringAction !== 'decline' &&
      !e.altKey &&
      !e.ctrlKey &&
      !e.metaKey
    ) {
      // Join itself too: one join, not the key's and then the button's click.
      e.preventDefault();
      onJoin();
    }
  };
  return (
    <div
      className="ringing__call"
      role="group"
      aria-labelledby={`${id}-who`}
      aria-describedby={`${id}-where`}
      onKeyDown={onKeyDown}
    >
      <Avatar name={name} seed={seed} />
      <div className="ringing__text">
        <p id={`${id}-who`} className="ringing__who">
          {t('ringing.calling', { name })}
        </p>
        <p id={`${id}-where`} className="ringing__where">
          {where}
        </p>
      </div>
      <div className="ringing__actions">
        <Button variant="primary" icon="phone" data-ring-action="join" onClick={onJoin}>
          {t('ringing.join')}
        </Button>
        <Button variant="danger" icon="phoneOff" data-ring-action="decline" onClick={onDecline}>
          {t('ringing.decline')}
        </Button>
      </div>
    </div>
  );
}
