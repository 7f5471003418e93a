import { act, useEffect } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mountPoint } from '../../test/mount';
import { useNotice } from './notice';

const mount = mountPoint();

const said: { say: (text: string) => void } = { say: () => {} };
function Probe({ scope }: { scope: string | null }) {
  const [notice, say] = useNotice(scope);
  useEffect(() => {
    said.say = say;
  }, [say]);
  return <p>{notice}</p>;
}

describe('useNotice', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows a notice in its own call only, for eight seconds', async () => {
    await mount.render(<Probe scope="call-1" />);
    act(() => said.say('Bob declined'));
    expect(mount.host.textContent).toBe('Bob declined');
    // Left, then in a new call at once: the old call's notice is not shown there.
    await mount.render(<Probe scope={null} />);
    expect(mount.host.textContent).toBe('');
    await mount.render(<Probe scope="call-2" />);
    expect(mount.host.textContent).toBe('');
    act(() => said.say('Ringing Carol'));
    expect(mount.host.textContent).toBe('Ringing Carol');
    act(() => vi.advanceTimersByTime(7999));
    expect(mount.host.textContent).toBe('Ringing Carol');
    act(() => vi.advanceTimersByTime(1));
    expect(mount.host.textContent).toBe('');
  });
});
