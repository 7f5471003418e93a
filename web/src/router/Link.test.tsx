// A link fetches its page before it is followed: pointed at or focused, it
// tells the app's prefetch where it leads (once set), and still runs the
// handlers it was given.
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountPoint } from '../test/mount';
import { Link, setPrefetch } from './router';

const ui = mountPoint();

afterEach(() => setPrefetch(null));

describe('Link', () => {
  it('asks for its page when pointed at or focused', async () => {
    const prefetch = vi.fn();
    const focused = vi.fn();
    setPrefetch(prefetch);
    await ui.render(
      <Link to="/w/w1/calendar?view=week" onFocus={focused}>
        Agenda
      </Link>,
    );
    const a = ui.host.querySelector('a') as HTMLAnchorElement;
    act(() => a.dispatchEvent(new PointerEvent('pointerover', { bubbles: true })));
    expect(prefetch).toHaveBeenLastCalledWith('/w/w1/calendar?view=week');
    act(() => a.focus());
    expect(prefetch).toHaveBeenCalledTimes(2);
    expect(focused).toHaveBeenCalledTimes(1);
  });

  it('asks nothing when no prefetch is set', async () => {
    await ui.render(<Link to="/me">Profile</Link>);
    const a = ui.host.querySelector('a') as HTMLAnchorElement;
    expect(() => act(() => a.focus())).not.toThrow();
  });
});
