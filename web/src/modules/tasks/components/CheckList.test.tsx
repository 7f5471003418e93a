import { act, useState } from 'react';
import { describe, expect, it } from 'vitest';
import { mountPoint, typeInto } from '../../../test/mount';
import { CheckList, type CheckItem } from './CheckList';

const ui = mountPoint();

const ITEMS: CheckItem[] = Array.from({ length: 250 }, (_, i) => ({
  id: `p${i}`,
  label: i === 200 ? 'Éloïse Durand' : `Person ${i}`,
  hint: `p${i}@ruche.example`,
}));

function Picker({ initial }: { initial: string[] }) {
  const [selected, setSelected] = useState(initial);
  return (
    <CheckList
      legend="Assignees"
      items={ITEMS}
      selected={selected}
      onChange={setSelected}
      filterLabel="Filter people"
      empty="Nobody"
    />
  );
}

const rows = () =>
  [...ui.host.querySelectorAll('.tasks-checklist__item label')].map((l) => l.textContent);
const more = () =>
  [...ui.host.querySelectorAll('button')].find((b) => b.textContent?.startsWith('Show more'));

describe('CheckList', () => {
  it('shows a hundred rows, then more, and what is ticked past them', async () => {
    await ui.render(<Picker initial={['p200', 'p3']} />);
    // The first hundred, and the ticked one past them.
    expect(rows()).toHaveLength(101);
    expect(rows()[100]).toBe('Éloïse Durand');
    expect(more()?.textContent).toBe('Show more (150 not shown)');
    act(() => more()?.click());
    expect(rows()).toHaveLength(201);
    act(() => more()?.click());
    expect(rows()).toHaveLength(250);
    expect(rows()[200]).toBe('Éloïse Durand');
    expect(more()).toBeUndefined();
  });

  it('finds every word, accents and case aside, and starts again at a hundred', async () => {
    await ui.render(<Picker initial={[]} />);
    act(() => more()?.click());
    const filter = ui.host.querySelector<HTMLInputElement>('input[type="search"]');
    if (!filter) throw new Error('no filter');
    typeInto(filter, 'eloise DUR');
    expect(rows()).toEqual(['Éloïse Durand']);
    typeInto(filter, 'PERSON');
    expect(rows()).toHaveLength(100);
    expect(more()?.textContent).toBe('Show more (149 not shown)');
    typeInto(filter, 'person 12 example');
    expect(rows()).toEqual([
      'Person 12',
      'Person 112',
      'Person 120',
      'Person 121',
      'Person 122',
      'Person 123',
      'Person 124',
      'Person 125',
      'Person 126',
      'Person 127',
      'Person 128',
      'Person 129',
      'Person 212',
    ]);
    typeInto(filter, '');
    expect(rows()).toHaveLength(100);
  });

  it('ticks and unticks', async () => {
    await ui.render(<Picker initial={['p200']} />);
    const box = (label: string) =>
      [...ui.host.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')].find(
        (b) => b.closest('.tasks-checklist__item')?.querySelector('label')?.textContent === label,
      );
    act(() => box('Person 7')?.click());
    expect(box('Person 7')?.checked).toBe(true);
    act(() => box('Éloïse Durand')?.click());
    // Unticked past the hundred: out of sight until shown.
    expect(box('Éloïse Durand')).toBeUndefined();
    expect(rows()).toHaveLength(100);
  });
});
