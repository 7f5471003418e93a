// The scope a writer is asked (ScopeChoice) as tests read and pick it.
import { act } from 'react';

/** The scope asked within `within`: its legend, [label, checked] of each choice, and a pick by label. */
export function scopeAsked(within: ParentNode) {
  const set = within.querySelector('fieldset.cal-scope');
  const labels = () => [...(set?.querySelectorAll('label') ?? [])];
  return {
    legend: set?.querySelector('legend')?.textContent,
    radios: labels().map((l) => [l.textContent, l.querySelector('input')?.checked]),
    pick: (label: string) =>
      act(() =>
        labels()
          .find((l) => l.textContent === label)
          ?.querySelector('input')
          ?.click(),
      ),
  };
}
