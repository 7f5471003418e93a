// The browser's system notifications in a test: a Notification class that
// records what it shows (permission granted unless set), and the tab shown
// or hidden as the page sees it.
import { act } from 'react';
import { vi } from 'vitest';

export class FakeNotification {
  static permission: NotificationPermission = 'granted';
  static requestPermission = vi.fn();
  static shown: FakeNotification[] = [];
  closed = false;
  onclick: (() => void) | null = null;
  constructor(
    readonly title: string,
    readonly options: NotificationOptions,
  ) {
    FakeNotification.shown.push(this);
  }
  close() {
    this.closed = true;
  }
}

/** Installs FakeNotification, none shown yet, the permission granted (call in beforeEach). */
export function stubNotifications() {
  FakeNotification.shown = [];
  FakeNotification.permission = 'granted';
  FakeNotification.requestPermission.mockClear();
  vi.stubGlobal('Notification', FakeNotification);
}

/** The tab hidden or shown, and the page told. */
export function hideTab(hidden: boolean) {
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => (hidden ? 'hidden' : 'visible'),
  });
  act(() => {
    document.dispatchEvent(new Event('visibilitychange'));
  });
}
