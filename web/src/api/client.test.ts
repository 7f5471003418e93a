import { describe, expect, it, vi } from 'vitest';
import { ApiError, createApi, isApiError, memoryCsrfStore, versionOf } from './client';

type Call = { url: string; init: RequestInit };

function fakeFetch(responses: (Response | Error)[]) {
  const calls: Call[] = [];
  const fn = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const next = responses.shift();
    if (!next) throw new Error('no more responses');
    if (next instanceof Error) throw next;
    return next;
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });

describe('api client', () => {
  it('sends the cookie and no CSRF header on reads', async () => {
    const csrf = memoryCsrfStore();
    csrf.set({ header: 'X-CSRF-Token', token: 'tok' });
    const f = fakeFetch([json(200, [])]);
    const api = createApi({ csrf, fetch: f.fetch });
    await api.workspaces.list();
    expect(f.calls[0]?.url).toBe('/api/v1/workspaces');
    expect(f.calls[0]?.init.credentials).toBe('same-origin');
    expect(f.calls[0]?.init.method).toBe('GET');
    expect((f.calls[0]?.init.headers as Record<string, string>)['X-CSRF-Token']).toBeUndefined();
  });

  it('sends the CSRF token, under the header the login named, on writes', async () => {
    const csrf = memoryCsrfStore();
    csrf.set({ header: 'X-Other', token: 'tok' });
    const f = fakeFetch([json(201, { id: 'w1', name: 'A', modules: ['chat'] })]);
    const api = createApi({ csrf, fetch: f.fetch });
    const w = await api.workspaces.create({ name: 'A', modules: ['chat'] });
    expect(w.id).toBe('w1');
    const headers = f.calls[0]?.init.headers as Record<string, string>;
    expect(headers['X-Other']).toBe('tok');
    expect(headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(String(f.calls[0]?.init.body))).toEqual({ name: 'A', modules: ['chat'] });
  });

  it("talks to share links outside /api/v1, without the session's CSRF token", async () => {
    const csrf = memoryCsrfStore();
    csrf.set({ header: 'X-CSRF-Token', token: 'tok' });
    const onUnauthorized = vi.fn();
    const f = fakeFetch([
      json(401, { error: { code: 'password_required', message: 'x' } }),
      json(200, { unlocked: true }),
      json(200, { mode: 'read', name: 'R', items: [], total: 0 }),
    ]);
    const api = createApi({ csrf, fetch: f.fetch, onUnauthorized });
    await expect(api.shareLink.info('t/k')).rejects.toMatchObject({ code: 'password_required' });
    expect(onUnauthorized).not.toHaveBeenCalled();
    await api.shareLink.unlock('t/k', 'secret');
    await api.shareLink.list('t/k', ['a b', 'c#d']);
    await expect(api.shareLink.info('t/k', ['a b', 'x.txt'])).rejects.toThrow();
    expect(f.calls.map((c) => c.url)).toEqual([
      '/s/t%2Fk/info',
      '/s/t%2Fk/unlock',
      '/s/t%2Fk/files/a%20b/c%23d',
      '/s/t%2Fk/info/a%20b/x.txt',
    ]);
    const headers = f.calls[1]?.init.headers as Record<string, string>;
    expect(headers['X-CSRF-Token']).toBeUndefined();
    expect(JSON.parse(String(f.calls[1]?.init.body))).toEqual({ password: 'secret' });
    expect(api.shareLink.downloadUrl('tok', [])).toBe('/s/tok?download=1');
    expect(api.shareLink.downloadUrl('tok', ['été.pdf'])).toBe(
      '/s/tok/files/%C3%A9t%C3%A9.pdf?download=1',
    );
  });

  it('encodes path segments', async () => {
    const f = fakeFetch([json(200, {})]);
    const api = createApi({ csrf: memoryCsrfStore(), fetch: f.fetch });
    await api.invitations.preview('a/b?c');
    expect(f.calls[0]?.url).toBe('/api/v1/invitations/a%2Fb%3Fc');
  });

  it('sends only the query parameters given', async () => {
    const f = fakeFetch([json(200, []), json(200, []), json(200, [])]);
    const api = createApi({ csrf: memoryCsrfStore(), fetch: f.fetch });
    await api.admin.audit();
    await api.admin.audit({ action: 'files.', before: 42, actor: '', limit: 100 });
    await api.workspaces.invitations('W', { status: 'closed', before: 'i1', limit: 100 });
    expect(f.calls.map((c) => c.url)).toEqual([
      '/api/v1/admin/audit',
      '/api/v1/admin/audit?action=files.&before=42&limit=100',
      '/api/v1/workspaces/W/invitations?status=closed&before=i1&limit=100',
    ]);
  });

  it('turns error bodies into ApiError with code, message and Retry-After', async () => {
    const f = fakeFetch([
      json(
        429,
        { error: { code: 'throttled', message: 'too many failed logins; retry later' } },
        { 'Retry-After': '30' },
      ),
    ]);
    const api = createApi({ csrf: memoryCsrfStore(), fetch: f.fetch });
    const err = await api.auth.login({ email: 'a@b.c', password: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(isApiError(err, 'throttled')).toBe(true);
    expect((err as ApiError).status).toBe(429);
    expect((err as ApiError).retryAfter).toBe(30);
  });

  it('reports an ended session on 401, except where 401 is an answer (login)', async () => {
    const onUnauthorized = vi.fn();
    const f = fakeFetch([
      json(401, { error: { code: 'mfa_required', message: 'enter the code' } }),
      json(401, { error: { code: 'invalid_token', message: 'session expired' } }),
    ]);
    const api = createApi({ csrf: memoryCsrfStore(), fetch: f.fetch, onUnauthorized });
    const login = await api.auth.login({ email: 'a@b.c', password: 'x' }).catch((e: unknown) => e);
    expect(isApiError(login, 'mfa_required')).toBe(true);
    expect(onUnauthorized).not.toHaveBeenCalled();
    await expect(api.workspaces.list()).rejects.toMatchObject({
      status: 401,
      code: 'invalid_token',
    });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('maps network failures to status 0 / network, and 204 to undefined', async () => {
    const f = fakeFetch([new TypeError('Failed to fetch'), new Response(null, { status: 204 })]);
    const api = createApi({ csrf: memoryCsrfStore(), fetch: f.fetch });
    await expect(api.me.get()).rejects.toMatchObject({ status: 0, code: 'network' });
    await expect(api.workspaces.remove('w1')).resolves.toBeUndefined();
    expect(f.calls[1]?.init.method).toBe('DELETE');
  });

  it('keeps a generic code when the error body is not JSON', async () => {
    const f = fakeFetch([
      new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    ]);
    const api = createApi({ csrf: memoryCsrfStore(), fetch: f.fetch });
    await expect(api.me.get()).rejects.toMatchObject({ status: 502, code: 'http_502' });
  });

  it('sends member rights changes as the server expects', async () => {
    const f = fakeFetch([json(200, { user_id: 'u1', rights: { chat: 'none' } })]);
    const api = createApi({ csrf: memoryCsrfStore(), fetch: f.fetch });
    await api.workspaces.changeMember('w1', 'u1', { rights: { chat: 'none' } });
    expect(f.calls[0]?.url).toBe('/api/v1/workspaces/w1/members/u1');
    expect(f.calls[0]?.init.method).toBe('PATCH');
    expect(JSON.parse(String(f.calls[0]?.init.body))).toEqual({ rights: { chat: 'none' } });
  });

  it('rings people into a call from the caller’s participant, and declines a ring', async () => {
    const csrf = memoryCsrfStore();
    csrf.set({ header: 'X-CSRF-Token', token: 'tok' });
    const f = fakeFetch([new Response(null, { status: 202 }), new Response(null, { status: 204 })]);
    const api = createApi({ csrf, fetch: f.fetch });
    await api.calls.ring('c1', 'p 1', { user_ids: ['u1', 'u2'] });
    expect(f.calls[0]?.url).toBe('/api/v1/calls/c1/participants/p%201/ring');
    expect(f.calls[0]?.init.method).toBe('POST');
    expect(JSON.parse(String(f.calls[0]?.init.body))).toEqual({ user_ids: ['u1', 'u2'] });
    expect((f.calls[0]?.init.headers as Record<string, string>)['X-CSRF-Token']).toBe('tok');
    await api.calls.decline('c1');
    expect(f.calls[1]?.url).toBe('/api/v1/calls/c1/decline');
    expect(f.calls[1]?.init.method).toBe('POST');
    expect(f.calls[1]?.init.body).toBeUndefined();
  });

  it('accepts an invitation with an empty body when signed in', async () => {
    const f = fakeFetch([json(200, { workspace_id: 'w1' }), json(200, { workspace_id: 'w1' })]);
    const api = createApi({ csrf: memoryCsrfStore(), fetch: f.fetch });
    await api.invitations.accept('tok');
    expect(f.calls[0]?.init.body).toBe('{}');
    await api.invitations.accept('tok', { name: 'N', password: 'p' });
    expect(JSON.parse(String(f.calls[1]?.init.body))).toEqual({ name: 'N', password: 'p' });
  });

  it('pages tasks with their filters, and changes one only at a version (If-Match)', async () => {
    const f = fakeFetch([
      json(200, []),
      json(200, { id: 't1', version: 4 }),
      json(412, { error: { code: 'precondition_failed', message: 'changed' } }),
      new Response(null, { status: 204 }),
      json(200, []),
    ]);
    const api = createApi({ csrf: memoryCsrfStore(), fetch: f.fetch });
    await api.tasks.list('w 1', { status: 'doing', assignee: 'me', limit: 1000, offset: 1000 });
    expect(f.calls[0]?.url).toBe(
      '/api/v1/workspaces/w%201/tasks?status=doing&assignee=me&limit=1000&offset=1000',
    );
    await api.tasks.update('t1', { status: 'done', due: null }, 3);
    expect(f.calls[1]?.url).toBe('/api/v1/tasks/t1');
    expect(f.calls[1]?.init.method).toBe('PATCH');
    expect((f.calls[1]?.init.headers as Record<string, string>)['If-Match']).toBe('"v3"');
    expect(JSON.parse(String(f.calls[1]?.init.body))).toEqual({ status: 'done', due: null });
    await expect(api.tasks.update('t1', { title: 'x' }, 3)).rejects.toMatchObject({
      status: 412,
      code: 'precondition_failed',
    });
    await api.tasks.remove('t1');
    expect(f.calls[3]?.init.method).toBe('DELETE');
    expect((f.calls[3]?.init.headers as Record<string, string>)['If-Match']).toBeUndefined();
    await api.tasks.mine({ status: ['todo', 'doing'], limit: 200 });
    expect(f.calls[4]?.url).toBe('/api/v1/me/tasks?status=todo%2Cdoing&limit=200');
  });
  it("changes a checklist item by item, reading the task's new version from each ETag", async () => {
    const item = {
      id: 'i1',
      text: 'Vis',
      done: false,
      position: 1024,
      done_by: null,
      done_at: null,
    };
    const f = fakeFetch([
      json(201, item, { ETag: '"v5"' }),
      json(200, { ...item, done: true }, { ETag: 'W/"v6"' }),
      new Response(null, { status: 204, headers: { ETag: '"v7"' } }),
      json(409, { error: { code: 'checklist_full', message: 'full' } }),
    ]);
    const api = createApi({ csrf: memoryCsrfStore(), fetch: f.fetch });
    expect(await api.tasks.checklist.add('t 1', { text: 'Vis' })).toEqual({
      value: item,
      version: 5,
    });
    expect(await api.tasks.checklist.update('t 1', 'i1', { done: true })).toMatchObject({
      value: { done: true },
      version: 6,
    });
    expect(await api.tasks.checklist.remove('t 1', 'i1')).toEqual({
      value: undefined,
      version: 7,
    });
    await expect(api.tasks.checklist.add('t 1', { text: 'x' })).rejects.toMatchObject({
      status: 409,
      code: 'checklist_full',
    });
    expect(f.calls.map((c) => `${c.init.method} ${c.url} ${String(c.init.body ?? '')}`)).toEqual([
      'POST /api/v1/tasks/t%201/checklist {"text":"Vis"}',
      'PATCH /api/v1/tasks/t%201/checklist/i1 {"done":true}',
      'DELETE /api/v1/tasks/t%201/checklist/i1 ',
      'POST /api/v1/tasks/t%201/checklist {"text":"x"}',
    ]);
    expect(versionOf('"12"')).toBeNull();
    expect(versionOf(null)).toBeNull();
  });

  it("pages a task's comments after one, and writes them", async () => {
    const f = fakeFetch([
      json(200, []),
      json(201, { id: 'c1' }),
      json(403, { error: { code: 'not_author', message: 'no' } }),
      new Response(null, { status: 204 }),
    ]);
    const api = createApi({ csrf: memoryCsrfStore(), fetch: f.fetch });
    await api.tasks.comments.list('t1', { after: 'c0', limit: 200 });
    await api.tasks.comments.create('t1', '**Oui**');
    await expect(api.tasks.comments.update('t1', 'c1', 'Non')).rejects.toMatchObject({
      status: 403,
      code: 'not_author',
    });
    await api.tasks.comments.remove('t1', 'c1');
    expect(f.calls.map((c) => `${c.init.method} ${c.url} ${String(c.init.body ?? '')}`)).toEqual([
      'GET /api/v1/tasks/t1/comments?after=c0&limit=200 ',
      'POST /api/v1/tasks/t1/comments {"body":"**Oui**"}',
      'PATCH /api/v1/tasks/t1/comments/c1 {"body":"Non"}',
      'DELETE /api/v1/tasks/t1/comments/c1 ',
    ]);
  });

  it('reads a calendar range as ISO instants, and changes an event only at its version ("<n>")', async () => {
    const f = fakeFetch([
      json(200, []),
      json(200, []),
      json(200, { id: 'e1', version: 13 }),
      json(412, { error: { code: 'precondition_failed', message: 'changed' } }),
      new Response(null, { status: 204 }),
    ]);
    const api = createApi({ csrf: memoryCsrfStore(), fetch: f.fetch });
    await api.calendar.occurrences('w 1', '2026-11-29T23:00:00.000Z', '2027-01-10T23:00:00.000Z');
    expect(f.calls[0]?.url).toBe(
      '/api/v1/workspaces/w%201/calendar/events?from=2026-11-29T23%3A00%3A00.000Z&to=2027-01-10T23%3A00%3A00.000Z',
    );
    await api.calendar.mine('2026-12-01T00:00:00Z', '2026-12-08T00:00:00Z');
    expect(f.calls[1]?.url).toBe(
      '/api/v1/me/calendar/events?from=2026-12-01T00%3A00%3A00Z&to=2026-12-08T00%3A00%3A00Z',
    );
    await api.calendar.update('e1', { title: 'Réunion' }, 12);
    expect(f.calls[2]?.url).toBe('/api/v1/calendar/events/e1');
    expect(f.calls[2]?.init.method).toBe('PATCH');
    expect((f.calls[2]?.init.headers as Record<string, string>)['If-Match']).toBe('"12"');
    await expect(api.calendar.update('e1', { title: 'x' }, 12)).rejects.toMatchObject({
      status: 412,
      code: 'precondition_failed',
    });
    await api.calendar.remove('e1', 13);
    expect(f.calls[4]?.init.method).toBe('DELETE');
    expect((f.calls[4]?.init.headers as Record<string, string>)['If-Match']).toBe('"13"');
  });

  it('changes or cancels one occurrence, named by its recurrence id, at the event’s version', async () => {
    const f = fakeFetch([
      json(200, { id: 'e1', version: 14 }),
      new Response(null, { status: 204 }),
    ]);
    const api = createApi({ csrf: memoryCsrfStore(), fetch: f.fetch });
    await api.calendar.updateOccurrence(
      'e 1',
      '2027-03-08T09:00:00.000Z',
      { start: '2027-03-08T10:00:00.000Z', end: '2027-03-08T11:00:00.000Z' },
      13,
    );
    await api.calendar.cancelOccurrence('e 1', '2027-03-15T09:00:00.000Z', 14);
    expect(f.calls.map((c) => `${c.init.method} ${c.url} ${String(c.init.body ?? '')}`)).toEqual([
      'PATCH /api/v1/calendar/events/e%201 {"start":"2027-03-08T10:00:00.000Z","end":"2027-03-08T11:00:00.000Z","recurrence_id":"2027-03-08T09:00:00.000Z"}',
      'DELETE /api/v1/calendar/events/e%201?recurrence_id=2027-03-15T09%3A00%3A00.000Z ',
    ]);
    expect(f.calls.map((c) => (c.init.headers as Record<string, string>)['If-Match'])).toEqual([
      '"13"',
      '"14"',
    ]);
  });

  it('changes or deletes an occurrence and the following ones: scope following, at the event’s version', async () => {
    const f = fakeFetch([
      json(200, { id: 'e2', version: 15 }),
      new Response(null, { status: 204 }),
    ]);
    const api = createApi({ csrf: memoryCsrfStore(), fetch: f.fetch });
    const rest = await api.calendar.updateFollowing(
      'e 1',
      '2027-03-08T09:00:00.000Z',
      { title: 'Suite', start: '2027-03-08T10:00:00.000Z', end: '2027-03-08T11:00:00.000Z' },
      13,
    );
    expect(rest.id).toBe('e2');
    await api.calendar.removeFollowing('e 1', '2027-03-15T09:00:00.000Z', 14);
    expect(f.calls.map((c) => `${c.init.method} ${c.url} ${String(c.init.body ?? '')}`)).toEqual([
      'PATCH /api/v1/calendar/events/e%201 {"title":"Suite","start":"2027-03-08T10:00:00.000Z","end":"2027-03-08T11:00:00.000Z","recurrence_id":"2027-03-08T09:00:00.000Z","scope":"following"}',
      'DELETE /api/v1/calendar/events/e%201?recurrence_id=2027-03-15T09%3A00%3A00.000Z&scope=following ',
    ]);
    expect(f.calls.map((c) => (c.init.headers as Record<string, string>)['If-Match'])).toEqual([
      '"13"',
      '"14"',
    ]);
  });

  it('answers an invitation: as an invitee, and by an answer link without a session', async () => {
    const f = fakeFetch([
      json(200, { id: 'e1', version: 14 }),
      json(200, { event: { title: 'Réunion' }, attendee: { email: 'a@b.c' } }),
      json(200, { event: { title: 'Réunion' }, attendee: { email: 'a@b.c' } }),
      json(401, { error: { code: 'unauthorized', message: 'no' } }),
    ]);
    const onUnauthorized = vi.fn();
    const api = createApi({ csrf: memoryCsrfStore(), fetch: f.fetch, onUnauthorized });
    await api.calendar.reply('e 1', 'tentative');
    await api.calendar.invitation('t/k');
    await api.calendar.answerInvitation('t/k', 'declined');
    expect(f.calls.map((c) => `${c.init.method} ${c.url} ${String(c.init.body ?? '')}`)).toEqual([
      'POST /api/v1/calendar/events/e%201/reply {"partstat":"tentative"}',
      'GET /api/v1/calendar/invitations/t%2Fk ',
      'POST /api/v1/calendar/invitations/t%2Fk {"partstat":"declined"}',
    ]);
    // The answer link is no session's: a 401 there does not end one.
    await expect(api.calendar.invitation('x')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('names the occurrence answered only when the answer is to one occurrence', async () => {
    const f = fakeFetch([
      json(200, { id: 'e1', version: 14 }),
      json(200, { id: 'e1', version: 15 }),
      json(200, { event: { title: 'Réunion' }, attendee: { email: 'a@b.c' }, occurrences: [] }),
      json(200, { event: { title: 'Réunion' }, attendee: { email: 'a@b.c' }, occurrences: [] }),
    ]);
    const api = createApi({ csrf: memoryCsrfStore(), fetch: f.fetch });
    await api.calendar.reply('e1', 'declined', '2027-03-08T09:00:00.000Z');
    await api.calendar.reply('e1', 'accepted', null);
    await api.calendar.answerInvitation('t', 'tentative', '2027-03-15T09:00:00.000Z');
    await api.calendar.answerInvitation('t', 'accepted');
    expect(f.calls.map((c) => `${c.init.method} ${c.url} ${String(c.init.body)}`)).toEqual([
      'POST /api/v1/calendar/events/e1/reply {"partstat":"declined","recurrence_id":"2027-03-08T09:00:00.000Z"}',
      'POST /api/v1/calendar/events/e1/reply {"partstat":"accepted"}',
      'POST /api/v1/calendar/invitations/t {"partstat":"tentative","recurrence_id":"2027-03-15T09:00:00.000Z"}',
      'POST /api/v1/calendar/invitations/t {"partstat":"accepted"}',
    ]);
  });
  it('reaches a call’s SFU as the caller’s participant', async () => {
    const f = fakeFetch([
      json(200, { type: 'answer', sdp: 'v=0 a' }),
      json(201, { id: '42', type: 'offer', sdp: 'v=0 o' }),
      new Response(null, { status: 204 }),
      new Response(null, { status: 202 }),
      new Response(null, { status: 204 }),
      json(409, { error: { code: 'feed_not_ready', message: 'not yet' } }),
    ]);
    const api = createApi({ csrf: memoryCsrfStore(), fetch: f.fetch });
    const sfu = '/api/v1/calls/c1/participants/p%201/sfu';
    expect(await api.calls.publish('c1', 'p 1', { sdp: 'v=0 p' })).toEqual({
      type: 'answer',
      sdp: 'v=0 a',
    });
    expect(await api.calls.subscribe('c1', 'p 1', { participant_id: 'p2' })).toMatchObject({
      id: '42',
    });
    await api.calls.answer('c1', 'p 1', '42', { sdp: 'v=0 r' });
    await api.calls.trickle('c1', 'p 1', { target: '42', candidates: [] });
    await api.calls.unsubscribe('c1', 'p 1', '42');
    expect(f.calls.map((c) => `${c.init.method} ${c.url} ${String(c.init.body ?? '')}`)).toEqual([
      `POST ${sfu}/publish {"sdp":"v=0 p"}`,
      `POST ${sfu}/subscriptions {"participant_id":"p2"}`,
      `POST ${sfu}/subscriptions/42/answer {"sdp":"v=0 r"}`,
      `POST ${sfu}/trickle {"target":"42","candidates":[]}`,
      `DELETE ${sfu}/subscriptions/42 `,
    ]);
    await expect(api.calls.subscribe('c1', 'p 1', { participant_id: 'p2' })).rejects.toMatchObject({
      status: 409,
      code: 'feed_not_ready',
    });
  });
  it('reads a report for a number of days, and gives the CSV download address', async () => {
    const f = fakeFetch([
      json(200, { workspace_id: 'w 1', days: 7 }),
      json(400, { error: { code: 'invalid_field', message: 'days' } }),
    ]);
    const api = createApi({ csrf: memoryCsrfStore(), fetch: f.fetch });
    expect(await api.reports.summary('w 1', 7)).toMatchObject({ days: 7 });
    expect(f.calls[0]?.url).toBe('/api/v1/workspaces/w%201/reports/summary?days=7');
    expect(f.calls[0]?.init.credentials).toBe('same-origin');
    await expect(api.reports.summary('w 1', 0)).rejects.toMatchObject({
      status: 400,
      code: 'invalid_field',
    });
    expect(api.reports.activityCsvUrl('w 1', 90)).toBe(
      '/api/v1/workspaces/w%201/reports/activity.csv?days=90',
    );
    expect(api.reports.tasksCsvUrl('w 1', 7, '2026-12-05')).toBe(
      '/api/v1/workspaces/w%201/reports/tasks.csv?days=7&today=2026-12-05',
    );
  });
});
