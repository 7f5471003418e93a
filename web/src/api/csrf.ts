// The CSRF token of the cookie session. The cookie is shared by every tab of
// the origin, the token must follow it: it lives in this tab's
// sessionStorage and is handed over to new tabs through a BroadcastChannel
// (same origin only). A tab that finds no other tab holding it must sign in
// again (see docs in web/README.md: a server endpoint would remove this).
import type { CsrfStore } from './client';

const KEY = 'ruche.csrf';
const CHANNEL = 'ruche.session';

type Value = { header: string; token: string };
type Message = { kind: 'ask' } | { kind: 'value'; value: Value | null };

function isValue(v: unknown): v is Value {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Value).header === 'string' &&
    typeof (v as Value).token === 'string'
  );
}

export interface SharedCsrfStore extends CsrfStore {
  /** Asks the other open tabs for the token; resolves with it, or null after `timeoutMs`. */
  askOtherTabs(timeoutMs?: number): Promise<Value | null>;
  /** Called when another tab signs in or out. */
  onChange(listener: (v: Value | null) => void): () => void;
}

export function sessionCsrfStore(storage: Storage = window.sessionStorage): SharedCsrfStore {
  let value: Value | null = null;
  try {
    const raw = storage.getItem(KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    value = isValue(parsed) ? parsed : null;
  } catch {
    value = null;
  }
  const listeners = new Set<(v: Value | null) => void>();
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;

  const keep = (v: Value | null) => {
    value = v;
    try {
      if (v) storage.setItem(KEY, JSON.stringify(v));
      else storage.removeItem(KEY);
    } catch {
      // Storage full or disabled: the token stays in memory.
    }
  };

  channel?.addEventListener('message', (ev: MessageEvent<Message>) => {
    const m = ev.data;
    if (m?.kind === 'ask') {
      if (value) channel.postMessage({ kind: 'value', value } satisfies Message);
    } else if (m?.kind === 'value' && (m.value === null || isValue(m.value))) {
      const changed = JSON.stringify(m.value) !== JSON.stringify(value);
      if (changed) {
        keep(m.value);
        listeners.forEach((l) => l(m.value));
      }
    }
  });

  return {
    get: () => value,
    set: (v) => {
      keep(v);
      channel?.postMessage({ kind: 'value', value: v } satisfies Message);
    },
    askOtherTabs(timeoutMs = 60) {
      if (value) return Promise.resolve(value);
      if (!channel) return Promise.resolve(null);
      return new Promise((resolve) => {
        const done = (v: Value | null) => {
          clearTimeout(timer);
          off();
          resolve(v);
        };
        const off = this.onChange((v) => {
          if (v) done(v);
        });
        const timer = setTimeout(() => done(null), timeoutMs);
        channel.postMessage({ kind: 'ask' } satisfies Message);
      });
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
