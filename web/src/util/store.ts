// The state a screen reads with useSyncExternalStore: one immutable value,
// replaced (never changed in place) and announced to every listener.
// Module stores, call sessions and key managers extend it.

/**
 * Holds a state of type `S`. `getState` and `subscribe` are bound (pass
 * them to useSyncExternalStore as they are); `getState` returns the same
 * object until the state changes. Subclasses change it with `set` or
 * `replace`, which tell every listener, synchronously, in the order they
 * subscribed.
 */
export class Store<S extends object> {
  private readonly listeners = new Set<() => void>();

  constructor(protected state: S) {}

  getState = (): S => this.state;

  /** Calls `listener` after every change until the returned function is called. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** A new state: the current one with the fields of `update` (a shallow merge). */
  protected set(update: Partial<S>): void {
    this.replace({ ...this.state, ...update });
  }

  /** A new state, whole: for unions, whose fields a merge would mix. */
  protected replace(state: S): void {
    this.state = state;
    this.listeners.forEach((l) => l());
  }

  /** Forgets every listener: nothing is told of changes any more. */
  protected unsubscribeAll(): void {
    this.listeners.clear();
  }
}
