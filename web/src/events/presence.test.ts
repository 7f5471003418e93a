import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventFrame } from '../api/types';
import { AWAY_AFTER_MS, MAX_WATCHED, PresenceTracker } from './presence';

const frame = (type: string, workspace_id: string, data: Record<string, unknown>): EventFrame => ({
  type,
  workspace_id,
  seq: 0,
  data,
});

describe('PresenceTracker', () => {
  let sent: Record<string, unknown>[];
  let tracker: PresenceTracker;
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    tracker = new PresenceTracker((m) => {
      sent.push(m);
      return true;
    });
  });

  it('sends one subscription for what every component wants, after a burst', () => {
    tracker.want('w1', 'bob');
    tracker.want('w1', 'ada');
    tracker.want('w1', 'bob');
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(60);
    expect(sent).toEqual([
      { type: 'presence.subscribe', workspace_id: 'w1', user_ids: ['ada', 'bob'] },
    ]);
  });

  it('keeps a person followed while one component still wants them', () => {
    const a = tracker.want('w1', 'bob');
    tracker.want('w1', 'bob');
    a();
    tracker.want('w1', 'eve');
    vi.advanceTimersByTime(60);
    expect(sent.at(-1)?.user_ids).toEqual(['bob', 'eve']);
  });

  it('follows at most what the server accepts', () => {
    for (let i = 0; i < MAX_WATCHED + 20; i++) tracker.want('w1', `u${String(i).padStart(4, '0')}`);
    vi.advanceTimersByTime(60);
    expect((sent.at(-1)?.user_ids as string[]).length).toBe(MAX_WATCHED);
  });

  it('applies the state, then changes, of its workspace only', () => {
    tracker.want('w1', 'bob');
    const seen = vi.fn();
    tracker.subscribe(seen);
    tracker.onFrame(frame('presence.state', 'w1', { users: { bob: 'away' } }));
    expect(tracker.get('bob')).toBe('away');
    expect(tracker.get('ada')).toBe('offline');
    tracker.onFrame(frame('presence.changed', 'w1', { user_id: 'bob', status: 'online' }));
    expect(tracker.get('bob')).toBe('online');
    tracker.onFrame(frame('presence.changed', 'w2', { user_id: 'bob', status: 'offline' }));
    expect(tracker.get('bob')).toBe('online');
    tracker.onFrame(frame('presence.changed', 'w1', { user_id: 'bob', status: 'bogus' }));
    expect(tracker.get('bob')).toBe('online');
    expect(seen).toHaveBeenCalledTimes(2);
  });

  it('starts over in another workspace and subscribes again after a reconnection', () => {
    tracker.want('w1', 'bob');
    tracker.onFrame(frame('presence.state', 'w1', { users: { bob: 'online' } }));
    tracker.want('w2', 'eve');
    expect(tracker.get('bob')).toBe('offline');
    vi.advanceTimersByTime(60);
    sent.length = 0;
    tracker.onFrame({ type: 'hello', workspace_id: '', seq: 0, data: {} });
    expect(sent).toEqual([{ type: 'presence.subscribe', workspace_id: 'w2', user_ids: ['eve'] }]);
  });

  it('says away after the tab has been hidden a while, and back when shown', () => {
    tracker.visibilityChanged(true);
    vi.advanceTimersByTime(AWAY_AFTER_MS - 1);
    tracker.visibilityChanged(false); // back before the delay: nothing said
    expect(sent).toEqual([]);
    tracker.visibilityChanged(true);
    vi.advanceTimersByTime(AWAY_AFTER_MS);
    expect(sent).toEqual([{ type: 'presence', status: 'away' }]);
    tracker.visibilityChanged(false);
    expect(sent.at(-1)).toEqual({ type: 'presence', status: 'online' });
  });
});
