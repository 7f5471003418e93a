// The app's API client and CSRF store, shared by every screen.
import { createApi, type ApiError } from './client';
import { sessionCsrfStore } from './csrf';

export * from './client';
export * from './types';

export const csrfStore = sessionCsrfStore();

const unauthorizedListeners = new Set<(e: ApiError) => void>();

/** Subscribes to "the session ended" (any authenticated request answered 401). */
export function onUnauthorized(listener: (e: ApiError) => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export const api = createApi({
  csrf: csrfStore,
  onUnauthorized: (e) => unauthorizedListeners.forEach((l) => l(e)),
});
