// The instance's directory (GET /users): colleagues found by what is typed,
// every word in their name or address, to invite them without knowing
// their address by heart. Asked once typing pauses; an answer to older
// text is dropped, and until the new one comes the last one narrows to the
// new text (no flicker between keystrokes). External accounts have no
// directory (404): nothing is suggested to them.
import { useEffect, useState } from 'react';
import { api, type DirectoryEntry } from '../api';
import { wordMatcher } from './memberSearch';

/** How long typing pauses before the server is asked. */
export const DIRECTORY_PAUSE_MS = 200;
/** Fewer characters find too many to be of use. */
const MIN_CHARS = 2;

const narrowed = wordMatcher<DirectoryEntry>((p) => `${p.name} ${p.email}`);

export function useDirectorySearch(text: string, enabled = true): readonly DirectoryEntry[] {
  const q = text.trim();
  const asked = enabled && q.length >= MIN_CHARS;
  const [found, setFound] = useState<{ q: string; people: DirectoryEntry[] }>({
    q: '',
    people: [],
  });
  useEffect(() => {
    if (!asked) return;
    let stale = false;
    const timer = setTimeout(() => {
      api.users.search(q).then(
        (people) => {
          if (!stale) setFound({ q, people });
        },
        () => {
          if (!stale) setFound({ q, people: [] });
        },
      );
    }, DIRECTORY_PAUSE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [q, asked]);
  if (!asked) return [];
  return found.q === q ? found.people : narrowed(found.people, q);
}
