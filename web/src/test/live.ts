// The live events components subscribe to, heard from a test: the shared
// connection's subscribe() is spied on, and each frame given goes to the
// handlers whose pattern matches (an exact type, "x.*", or "*" for all
// but control frames), in act().
import { act } from 'react';
import { vi } from 'vitest';
import type { EventFrame } from '../api/types';
import { liveEvents } from '../events';

/** Call before rendering; returns what delivers a frame. */
export function hearLive(): (e: EventFrame) => void {
  const handlers: [string, (e: EventFrame) => void][] = [];
  vi.spyOn(liveEvents(), 'subscribe').mockImplementation((type, h) => {
    const entry: [string, (e: EventFrame) => void] = [type, h];
    handlers.push(entry);
    return () => {
      const i = handlers.indexOf(entry);
      if (i >= 0) handlers.splice(i, 1);
    };
  });
  return (e) =>
    act(() => {
      for (const [pattern, h] of [...handlers]) {
        const match =
          (pattern === '*' && !['hello', 'error'].includes(e.type)) ||
          pattern === e.type ||
          (pattern.endsWith('.*') && e.type.startsWith(pattern.slice(0, -1)));
        if (match) h(e);
      }
    });
}
