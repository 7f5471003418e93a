// The ring tone: nothing made before the person used the page (the autoplay
// policy) or without WebAudio; a quiet chime now and every few seconds,
// stopped at once; a context the browser holds suspended asked to resume,
// its refusal swallowed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHIME_EVERY_MS, resetRingtoneForTests, startRingtone } from './ringtone';

class FakeParam {
  value = 0;
  setValueAtTime = vi.fn();
  linearRampToValueAtTime = vi.fn();
  exponentialRampToValueAtTime = vi.fn();
}

class FakeNode {
  connect = vi.fn();
  disconnect = vi.fn();
}

class FakeOscillator extends FakeNode {
  type = '';
  frequency = new FakeParam();
  onended: (() => void) | null = null;
  started: number[] = [];
  stopped = 0;
  start(at: number) {
    this.started.push(at);
  }
  stop() {
    this.stopped++;
  }
}

class FakeGain extends FakeNode {
  gain = new FakeParam();
}

let made: FakeAudioContext[] = [];

class FakeAudioContext {
  state: 'running' | 'suspended' = 'running';
  currentTime = 1;
  destination = new FakeNode();
  oscillators: FakeOscillator[] = [];
  gains: FakeGain[] = [];
  resume = vi.fn(() => Promise.reject(new DOMException('not allowed', 'NotAllowedError')));
  constructor() {
    made.push(this);
  }
  createOscillator() {
    const o = new FakeOscillator();
    this.oscillators.push(o);
    return o;
  }
  createGain() {
    const g = new FakeGain();
    this.gains.push(g);
    return g;
  }
}

const env = (activated: boolean) => ({
  AudioContext: FakeAudioContext as unknown as new () => AudioContext,
  activated: () => activated,
});

beforeEach(() => {
  vi.useFakeTimers();
  made = [];
  resetRingtoneForTests();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the ring tone', () => {
  it('makes nothing before the person used the page, or without WebAudio', () => {
    startRingtone(env(false))();
    startRingtone({ activated: () => true })();
    expect(made).toEqual([]);
  });

  it('chimes two quiet notes now and every few seconds, until stopped', () => {
    const stop = startRingtone(env(true));
    const ctx = made[0];
    expect(ctx?.oscillators.map((o) => o.frequency.value)).toEqual([880, 660]);
    const peaks = ctx?.gains.map((g) => g.gain.linearRampToValueAtTime.mock.calls[0]?.[0]);
    expect(peaks?.every((p) => typeof p === 'number' && p > 0 && p <= 0.05)).toBe(true);
    vi.advanceTimersByTime(CHIME_EVERY_MS);
    expect(ctx?.oscillators).toHaveLength(4);
    stop();
    expect(ctx?.oscillators.slice(2).every((o) => o.stopped > 0)).toBe(true);
    vi.advanceTimersByTime(3 * CHIME_EVERY_MS);
    expect(ctx?.oscillators).toHaveLength(4);
    // One context for the page, however many rings.
    startRingtone(env(true))();
    expect(made).toHaveLength(1);
  });

  it('asks a suspended context to resume and swallows its refusal', async () => {
    const stop = startRingtone({
      AudioContext: class extends FakeAudioContext {
        override state = 'suspended' as const;
      } as unknown as new () => AudioContext,
      activated: () => true,
    });
    expect(made[0]?.resume).toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(0);
    stop();
  });

  it('never throws, even when the browser refuses to make a context', () => {
    function NoDevice(): AudioContext {
      throw new Error('no audio device');
    }
    const stop = startRingtone({
      AudioContext: NoDevice as unknown as new () => AudioContext,
      activated: () => true,
    });
    expect(() => stop()).not.toThrow();
  });
});
