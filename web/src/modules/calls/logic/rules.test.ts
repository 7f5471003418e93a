// The rules of a call that need no browser.
import { describe, expect, it } from 'vitest';
import type { CallParticipant, CallSignal } from '../../../api';
import { MEDIA_ATTEMPTS, gridColumns, isForMe, isPolite, offerTargets } from './rules';

const p = (id: string, user = `u-${id}`): CallParticipant => ({
  id,
  call_id: 'c1',
  user_id: user,
  joined_at: '2026-12-10T09:00:00Z',
  sending: false,
});

const signal = (over: Partial<CallSignal> = {}): CallSignal => ({
  call_id: 'c1',
  from: 'B',
  from_user_id: 'u2',
  to: 'A',
  kind: 'offer',
  data: {},
  ...over,
});

describe('who gives way', () => {
  it('exactly one of two is polite: the larger id', () => {
    expect(isPolite('01JZB', '01JZA')).toBe(true);
    expect(isPolite('01JZA', '01JZB')).toBe(false);
    for (const [a, b] of [
      ['x', 'y'],
      ['01K0', '01JZ'],
    ] as const) {
      expect(isPolite(a, b)).not.toBe(isPolite(b, a));
    }
  });
});

describe('whom a newcomer offers to', () => {
  it('everyone already in but itself, each once', () => {
    expect(offerTargets([p('A'), p('B'), p('C'), p('A')], 'C').map((x) => x.id)).toEqual([
      'A',
      'B',
    ]);
    // The same person's other tab is another participant: offered to as well.
    expect(offerTargets([p('A', 'u1'), p('B', 'u1')], 'B').map((x) => x.id)).toEqual(['A']);
    expect(offerTargets([p('C')], 'C')).toEqual([]);
  });
});

describe('signals for this tab', () => {
  it('takes what is addressed to its participant in its call', () => {
    expect(isForMe(signal(), 'c1', 'A')).toBe(true);
    for (const kind of ['answer', 'candidate', 'bye'] as const) {
      expect(isForMe(signal({ kind }), 'c1', 'A')).toBe(true);
    }
  });

  it('leaves the rest: another participant (the person’s other tab), call, itself, nonsense', () => {
    expect(isForMe(signal({ to: 'A2' }), 'c1', 'A')).toBe(false);
    expect(isForMe(signal({ call_id: 'c2' }), 'c1', 'A')).toBe(false);
    expect(isForMe(signal({ from: 'A' }), 'c1', 'A')).toBe(false);
    expect(isForMe(signal({ from: '' }), 'c1', 'A')).toBe(false);
    expect(isForMe(signal({ kind: 'hug' as never }), 'c1', 'A')).toBe(false);
    expect(isForMe(null, 'c1', 'A')).toBe(false);
  });
});

describe('media', () => {
  it('asks for both, then the microphone alone, then the camera alone', () => {
    expect(MEDIA_ATTEMPTS.map((a) => a.mode)).toEqual(['audio-video', 'audio', 'video']);
    expect(MEDIA_ATTEMPTS[1]?.constraints.video).toBeUndefined();
  });
});

describe('the grid', () => {
  it('grows by columns: 1, 2, 2x2, 3x3', () => {
    expect([1, 2, 3, 4, 5, 8, 9, 12].map(gridColumns)).toEqual([1, 2, 2, 2, 3, 3, 3, 4]);
  });
});
