// What the public share page decides without React (unit-tested): where a
// location inside a share lives in the URL, what went wrong with a link, and
// the drop folder's list of uploads.
import { isApiError } from '../../api/client';

/** Why a link shows no content. */
export type ShareProblem =
  | 'password' // the link needs a password
  | 'bad_password'
  | 'throttled' // too many wrong passwords from here
  | 'gone' // unknown, revoked or expired: the server does not say which
  | 'limit' // its download limit is reached
  | 'too_large'
  | 'quota'
  | 'network'
  | 'other';

export function problemOf(e: unknown): ShareProblem {
  if (!isApiError(e)) return 'other';
  if (e.code === 'password_required') return 'password';
  if (e.code === 'bad_password') return 'bad_password';
  if (e.status === 429) return 'throttled';
  if (e.status === 404) return 'gone';
  if (e.code === 'download_limit' || e.status === 410) return 'limit';
  if (e.status === 413) return 'too_large';
  if (e.status === 507 || e.code === 'quota_exceeded') return 'quota';
  if (e.status === 0) return 'network';
  return 'other';
}

/** The names below the shared folder, from the route's "*" parameter. */
export function pathOf(splat: string | undefined): string[] {
  return (splat ?? '').split('/').filter((s) => s !== '');
}

/** The page's URL for a location inside the share. */
export function pageHref(token: string, path: readonly string[]): string {
  const base = `/s/${encodeURIComponent(token)}`;
  return path.length ? `${base}/files/${path.map(encodeURIComponent).join('/')}` : base;
}

export interface Crumb {
  label: string;
  path: string[];
}

/** The shared folder, then each folder down to `path`. */
export function crumbsOf(rootName: string, path: readonly string[]): Crumb[] {
  const out: Crumb[] = [{ label: rootName, path: [] }];
  path.forEach((name, i) => out.push({ label: name, path: path.slice(0, i + 1) }));
  return out;
}

// --- The drop folder's uploads -------------------------------------------

export interface DropItem {
  id: number;
  /** The name chosen on this computer. */
  name: string;
  size: number;
  sent: number;
  status: 'sending' | 'done' | 'failed';
  /** The name the server gave it (differs when the name was taken). */
  savedAs?: string;
  problem?: ShareProblem;
}

export type DropAction =
  | { type: 'add'; items: { id: number; name: string; size: number }[] }
  | { type: 'progress'; id: number; sent: number }
  | { type: 'done'; id: number; savedAs: string }
  | { type: 'failed'; id: number; problem: ShareProblem };

export function dropReducer(state: DropItem[], action: DropAction): DropItem[] {
  switch (action.type) {
    case 'add':
      return [
        ...state,
        ...action.items.map((i) => ({ ...i, sent: 0, status: 'sending' as const })),
      ];
    case 'progress':
      return state.map((i) =>
        i.id === action.id && i.status === 'sending'
          ? { ...i, sent: Math.min(i.size, Math.max(i.sent, action.sent)) }
          : i,
      );
    case 'done':
      return state.map((i) =>
        i.id === action.id ? { ...i, sent: i.size, status: 'done', savedAs: action.savedAs } : i,
      );
    case 'failed':
      return state.map((i) =>
        i.id === action.id ? { ...i, status: 'failed', problem: action.problem } : i,
      );
  }
}

/** Whole percent sent of one upload (an empty file is complete once done). */
export function progressOf(item: DropItem): number {
  if (item.status === 'done') return 100;
  if (item.size <= 0) return 0;
  return Math.min(100, Math.floor((item.sent / item.size) * 100));
}
