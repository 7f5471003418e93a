import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { mountPoint } from '../test/mount';
import { ShowMore, useShown } from './ShowMore';

const view = mountPoint();

function List({ items, step }: { items: string[]; step: number }) {
  const { shown, more, reset } = useShown(step);
  return (
    <>
      <ul>
        {items.slice(0, shown).map((x) => (
          <li key={x}>{x}</li>
        ))}
      </ul>
      <ShowMore total={items.length} shown={shown} onMore={more} />
      <button type="button" id="reset" onClick={reset}>
        reset
      </button>
    </>
  );
}

const ITEMS = Array.from({ length: 7 }, (_, i) => `item ${i}`);

describe('ShowMore', () => {
  it('shows a step at a time, says how many are not shown, and goes away once all are', async () => {
    await view.render(<List items={ITEMS} step={3} />);
    const rows = () => view.host.querySelectorAll('li').length;
    const button = () =>
      Array.from(view.host.querySelectorAll('button')).find((b) => b.id !== 'reset');
    expect(rows()).toBe(3);
    expect(button()?.textContent).toContain('4');
    await act(async () => button()?.click());
    expect(rows()).toBe(6);
    await act(async () => button()?.click());
    expect(rows()).toBe(7);
    expect(button()).toBeUndefined();
    await act(async () => view.host.querySelector<HTMLButtonElement>('#reset')?.click());
    expect(rows()).toBe(3);
  });
});
