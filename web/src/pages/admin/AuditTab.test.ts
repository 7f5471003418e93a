import { describe, expect, it } from 'vitest';
import { AUDIT_PAGE, NO_AUDIT_FILTERS, auditQuery } from './AuditTab';

describe('auditQuery', () => {
  it('asks a page of everything when nothing narrows', () => {
    expect(auditQuery(NO_AUDIT_FILTERS)).toEqual({
      action: undefined,
      outcome: undefined,
      from: undefined,
      to: undefined,
      actor: undefined,
      workspace: undefined,
      limit: AUDIT_PAGE,
    });
  });

  it('takes in the whole last day, in the admin’s own time', () => {
    const q = auditQuery({ ...NO_AUDIT_FILTERS, from: '2026-03-28', to: '2026-03-29' });
    expect(q.from).toBe(new Date(2026, 2, 28).toISOString());
    expect(q.to).toBe(new Date(2026, 2, 30).toISOString());
  });

  it('sends the action as the server spells it, and who was picked', () => {
    const q = auditQuery({
      ...NO_AUDIT_FILTERS,
      action: '  Files. ',
      outcome: 'denied',
      actor: { id: 'u1', label: 'Alice' },
      workspace: { id: 'w1', label: 'Projet' },
    });
    expect(q).toMatchObject({ action: 'files.', outcome: 'denied', actor: 'u1', workspace: 'w1' });
  });
});
