// Small browser-state hooks of the chat screen.
import { useSyncExternalStore } from 'react';

function subscribeFocus(cb: () => void) {
  window.addEventListener('focus', cb);
  window.addEventListener('blur', cb);
  document.addEventListener('visibilitychange', cb);
  return () => {
    window.removeEventListener('focus', cb);
    window.removeEventListener('blur', cb);
    document.removeEventListener('visibilitychange', cb);
  };
}

/** Whether the person is looking at this tab: visible and focused. */
export function useWindowFocused(): boolean {
  return useSyncExternalStore(
    subscribeFocus,
    () => document.visibilityState === 'visible' && document.hasFocus(),
  );
}
