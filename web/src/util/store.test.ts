import { describe, expect, it } from 'vitest';
import { Store } from './store';

type Shape = { kind: 'circle'; radius: number } | { kind: 'square'; side: number };

class Counter extends Store<{ n: number; label: string }> {
  constructor() {
    super({ n: 0, label: 'zero' });
  }
  add() {
    this.set({ n: this.state.n + 1 });
  }
  reset() {
    this.replace({ n: 0, label: 'reset' });
  }
  stop() {
    this.unsubscribeAll();
  }
}

class Shapes extends Store<Shape> {
  constructor() {
    super({ kind: 'circle', radius: 1 });
  }
  square(side: number) {
    this.replace({ kind: 'square', side });
  }
}

describe('Store', () => {
  it('keeps the same state object until it changes', () => {
    const c = new Counter();
    const first = c.getState();
    expect(c.getState()).toBe(first);
    c.add();
    expect(c.getState()).not.toBe(first);
    expect(first).toEqual({ n: 0, label: 'zero' });
    expect(c.getState()).toEqual({ n: 1, label: 'zero' });
  });

  it('merges with set and replaces whole with replace', () => {
    const c = new Counter();
    c.add();
    c.reset();
    expect(c.getState()).toEqual({ n: 0, label: 'reset' });
    const s = new Shapes();
    s.square(2);
    expect(s.getState()).toEqual({ kind: 'square', side: 2 });
  });

  it('tells every listener of each change, in order, until it unsubscribes', () => {
    const c = new Counter();
    const heard: string[] = [];
    const offA = c.subscribe(() => heard.push(`a${c.getState().n}`));
    c.subscribe(() => heard.push(`b${c.getState().n}`));
    c.add();
    offA();
    c.add();
    expect(heard).toEqual(['a1', 'b1', 'b2']);
  });

  it('has getState and subscribe bound, as useSyncExternalStore calls them', () => {
    const c = new Counter();
    const { getState, subscribe } = c;
    let calls = 0;
    subscribe(() => calls++);
    c.add();
    expect(getState().n).toBe(1);
    expect(calls).toBe(1);
  });

  it('tells no one after unsubscribeAll', () => {
    const c = new Counter();
    let calls = 0;
    c.subscribe(() => calls++);
    c.stop();
    c.add();
    expect(calls).toBe(0);
    expect(c.getState().n).toBe(1);
  });
});
