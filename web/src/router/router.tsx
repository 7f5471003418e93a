// A small client-side router over the History API: the app has a dozen
// routes and needs no more than matching, links and navigation.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const listeners = new Set<() => void>();

function notify() {
  listeners.forEach((l) => l());
}

if (typeof window !== 'undefined') window.addEventListener('popstate', notify);

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const current = window.location.pathname + window.location.search + window.location.hash;
  if (to === current) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
}

function subscribe(cb: () => void) {
  listeners.add(cb);
  return () => listeners.delete(cb);
}

const getPath = () => window.location.pathname;
const getSearch = () => window.location.search;

export function usePathname(): string {
  return useSyncExternalStore(subscribe, getPath);
}

export function useSearchParams(): URLSearchParams {
  const search = useSyncExternalStore(subscribe, getSearch);
  return new URLSearchParams(search);
}

export type Params = Record<string, string>;

/**
 * Matches "/w/:id/:module" against a pathname; returns the decoded
 * parameters, or null. A trailing slash is ignored. A final "*" matches one
 * or more segments, given decoded and joined with "/" as params["*"].
 */
export function matchPath(pattern: string, pathname: string): Params | null {
  const norm = (s: string) => (s.length > 1 && s.endsWith('/') ? s.slice(0, -1) : s);
  const p = norm(pattern).split('/');
  let a = norm(pathname).split('/');
  const params: Params = {};
  if (p.length > 1 && p[p.length - 1] === '*') {
    if (a.length < p.length) return null;
    const rest = a.slice(p.length - 1);
    if (rest.some((s) => !s)) return null;
    try {
      params['*'] = rest.map((s) => decodeURIComponent(s)).join('/');
    } catch {
      return null;
    }
    p.pop();
    a = a.slice(0, p.length);
  }
  if (p.length !== a.length) return null;
  for (let i = 0; i < p.length; i++) {
    const want = p[i] ?? '';
    const got = a[i] ?? '';
    if (want.startsWith(':')) {
      if (!got) return null;
      try {
        params[want.slice(1)] = decodeURIComponent(got);
      } catch {
        return null;
      }
    } else if (want !== got) {
      return null;
    }
  }
  return params;
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

let prefetch: ((to: string) => void) | null = null;

/**
 * What a link does when pointed at or focused, before it is followed (the
 * app fetches the page's chunk, so that the click shows it at once).
 */
export function setPrefetch(f: ((to: string) => void) | null): void {
  prefetch = f;
}

/** An <a> that navigates without reloading on a plain left click. */
export function Link({ to, onClick, onPointerEnter, onFocus, ...rest }: LinkProps) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (
      e.defaultPrevented ||
      e.button !== 0 ||
      e.metaKey ||
      e.ctrlKey ||
      e.shiftKey ||
      e.altKey ||
      rest.target === '_blank'
    )
      return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a
      href={to}
      onClick={handle}
      onPointerEnter={(e) => {
        onPointerEnter?.(e);
        prefetch?.(to);
      }}
      onFocus={(e) => {
        onFocus?.(e);
        prefetch?.(to);
      }}
      {...rest}
    />
  );
}

/** Where to go after sign-in: only same-site paths are followed. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}
