// How the caller's answer to an invitation shows on an occurrence.
import { describe, expect, it } from 'vitest';
import { answerClass, knownPartstat } from './invitations';

describe('an invitation in the views', () => {
  it('looks pending until answered, hatched for "maybe", struck through when declined', () => {
    expect(answerClass({ partstat: 'needs-action' })).toBe('cal-chip--pending');
    expect(answerClass({ partstat: 'tentative' })).toBe('cal-chip--tentative');
    expect(answerClass({ partstat: 'declined' })).toBe('cal-chip--declined');
    expect(answerClass({ partstat: 'accepted' })).toBe('');
    expect(answerClass({ partstat: null })).toBe('');
  });

  it('reads a calendar application’s other answers as not answered', () => {
    expect(knownPartstat('delegated')).toBe('needs-action');
    expect(knownPartstat('accepted')).toBe('accepted');
    expect(knownPartstat(null)).toBeNull();
    expect(knownPartstat('')).toBeNull();
  });
});
