// The calls page as people use it (English), with fake WebRTC and a fake
// call server: the list with who is in each call, starting a call and
// being in it, the controls, someone joining and leaving, leaving with the
// button, another page or the tab closing, a full call, a read-only member,
// a call through the SFU; joining from elsewhere (?join=) and ringing whom
// the opener asked, "Add people", who declined.
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  api,
  ApiError,
  type Call,
  type EventFrame,
  type Me,
  type Member,
  type Workspace,
} from '../../api';
import { BrandingProvider } from '../../branding';
import { liveEvents } from '../../events';
import { openCall } from '../../ringing/handoff';
import { mountPoint } from '../../test/mount';
import { CallsScreen } from './CallsPage';
import { FakeCallServer, FakeMedia, settle } from './fakes.test-util';
import { CallSession } from './session';

const ui = mountPoint();
const WS = 'w1';
const ME = { id: 'me', name: 'Camille Durand' } as Me;
const WORKSPACE = { id: WS, name: 'Chantier', modules: ['calls'], archived: false } as Workspace;
const MEMBERS = [
  { user_id: 'me', name: 'Camille Durand', email: 'c@x', rights: {} },
  { user_id: 'bob', name: 'Bob Martin', email: 'b@x', rights: {} },
  { user_id: 'eve', name: 'Eve Noir', email: 'e@x', rights: {} },
] as unknown as Member[];

let server: FakeCallServer;
let media: FakeMedia;
let calls: Call[];

function serve(right: 'read' | 'write') {
  vi.spyOn(api.settings, 'public').mockRejectedValue(new Error('offline'));
  vi.spyOn(api.workspaces, 'get').mockResolvedValue({
    ...WORKSPACE,
    role: 'member',
    rights: { calls: right },
  });
  vi.spyOn(api.workspaces, 'members').mockResolvedValue({ members: MEMBERS, seq: null });
  vi.spyOn(api.calls, 'list').mockImplementation(async () => calls);
}

async function show(right: 'read' | 'write' = 'write') {
  serve(right);
  await ui.render(
    <BrandingProvider>
      <CallsScreen workspace={WORKSPACE} me={ME} callDeps={() => server.deps('me', media)} />
    </BrandingProvider>,
  );
  await vi.waitFor(() => expect(ui.host.querySelector('.calls-list, .empty')).not.toBeNull());
}

const button = (label: string, within: ParentNode = ui.host) =>
  [...within.querySelectorAll<HTMLButtonElement>('button')].find(
    (b) => b.textContent === label || b.getAttribute('aria-label') === label,
  );
const heading = () => ui.host.querySelector('h1')?.textContent;
const tiles = () =>
  [...ui.host.querySelectorAll('.call-tile')].map(
    (t) => t.querySelector('.call-tile__name')?.textContent,
  );
const live = () => ui.host.querySelector('[aria-live="polite"]')?.textContent ?? '';

async function click(b: HTMLButtonElement | undefined) {
  expect(b).toBeDefined();
  await act(async () => b?.click());
  await act(() => settle());
}

/** Another person's tab in the call (Bob's). */
async function bobJoins() {
  const s = new CallSession(server.callId, server.deps('bob', new FakeMedia()));
  await act(async () => {
    await s.join();
    await settle();
  });
  return s;
}

beforeEach(() => {
  server = new FakeCallServer();
  media = new FakeMedia();
  calls = [
    {
      ...server.call(),
      title: 'Point du lundi',
      started_by: 'bob',
      participants: [
        { id: 'p00', call_id: 'c1', user_id: 'bob', joined_at: '', sending: false },
        { id: 'p00b', call_id: 'c1', user_id: 'eve', joined_at: '', sending: false },
      ],
    },
  ];
  vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
});

afterEach(() => {
  vi.restoreAllMocks();
  document.querySelectorAll('dialog').forEach((d) => d.remove());
});

describe('the list', () => {
  it('shows the calls going on, who is in each, and a button to join', async () => {
    await show();
    const item = ui.host.querySelector('.calls-item');
    expect(item?.querySelector('h2')?.textContent).toBe('Point du lundi');
    expect(item?.querySelector('.calls-item__meta')?.textContent).toMatch(
      /^Started .* by Bob Martin$/,
    );
    expect(item?.querySelector('.calls-item__people > span:last-child')?.textContent).toBe(
      '2 people in the call: Bob Martin and Eve Noir',
    );
    expect(button('Join Point du lundi')?.textContent).toBe('Join');
    expect(button('Start a call')).toBeDefined();
    expect(ui.host.querySelector('.calls-readonly')).toBeNull();
  });

  it('names an untitled call after who started it', async () => {
    calls = [{ ...server.call(), title: '', started_by: 'eve', participants: [] }];
    await show();
    expect(ui.host.querySelector('.calls-item h2')?.textContent).toBe('Eve Noir’s call');
    expect(ui.host.querySelector('.calls-item__people')?.textContent).toBe(
      'Nobody in the call yet',
    );
  });

  it('says when no call is going on', async () => {
    calls = [];
    await show();
    expect(ui.host.querySelector('.empty__title')?.textContent).toBe('No call going on');
    expect(button('Start a call')).toBeDefined();
  });

  it('a read-only member joins calls but starts none', async () => {
    await show('read');
    await vi.waitFor(() => expect(ui.host.querySelector('.calls-readonly')).not.toBeNull());
    expect(ui.host.querySelector('.calls-readonly')?.textContent).toBe(
      'You can join calls, but not start them.',
    );
    expect(button('Start a call')).toBeUndefined();
    expect(button('Join Point du lundi')).toBeDefined();
  });

  it('says when calls are off for the person', async () => {
    serve('write');
    vi.spyOn(api.calls, 'list').mockRejectedValue(new ApiError(404, 'not_found', 'x'));
    await ui.render(
      <BrandingProvider>
        <CallsScreen workspace={WORKSPACE} me={ME} callDeps={() => server.deps('me', media)} />
      </BrandingProvider>,
    );
    await vi.waitFor(() =>
      expect(ui.host.querySelector('.empty__title')?.textContent).toBe(
        'This module is not turned on in this workspace.',
      ),
    );
  });
});

describe('in a call', () => {
  it('starts a call with a title and is in it: self view, controls', async () => {
    calls = [];
    await show();
    const start = vi
      .spyOn(api.calls, 'start')
      .mockResolvedValue({ ...server.call(), title: 'Revue de chantier' });
    await click(button('Start a call'));
    const dialog = document.querySelector('dialog');
    const input = dialog?.querySelector('input');
    expect(dialog?.querySelector('.dialog__title')?.textContent).toBe('Start a call');
    act(() => {
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
      setter?.call(input, 'Revue de chantier');
      input?.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await click(button('Start and join', dialog ?? document));
    expect(start).toHaveBeenCalledWith(WS, 'Revue de chantier');
    await vi.waitFor(() => expect(heading()).toBe('Revue de chantier'));
    expect(document.querySelector('dialog')).toBeNull();
    expect(server.participants.map((p) => p.user_id)).toEqual(['me']);
    expect(tiles()).toEqual(['Camille Durand (you)']);
    const self = ui.host.querySelector<HTMLVideoElement>('.call-tile--self video');
    expect(self?.muted).toBe(true);
    expect(self?.classList.contains('call-tile__video--mirrored')).toBe(true);
    expect(ui.host.querySelector('.call-stage__alone')?.textContent).toMatch(/^Nobody else/);
    const group = ui.host.querySelector('[role="group"]');
    expect(group?.getAttribute('aria-label')).toBe('Call controls');
    expect([...(group?.querySelectorAll('button') ?? [])].map((b) => b.textContent)).toEqual([
      'Mute',
      'Turn camera off',
      'Share screen',
      'Leave the call',
    ]);
    // Mute: the button says what it does next, and that the microphone is off.
    await click(button('Mute'));
    expect(button('Unmute')).toBeDefined();
    expect(ui.host.querySelector('.call-tile--self [aria-label="Muted"]')).not.toBeNull();
    await click(button('Turn camera off'));
    expect(button('Turn camera on')).toBeDefined();
    expect(ui.host.querySelector('.call-tile--self .avatar')).not.toBeNull();
    await click(button('Share screen'));
    expect(button('Stop sharing')).toBeDefined();
    expect(
      ui.host.querySelector('.call-tile--self [aria-label="Sharing the screen"]'),
    ).not.toBeNull();
    // The screen is shown as it is, not mirrored.
    expect(self?.classList.contains('call-tile__video--mirrored')).toBe(false);
    await click(button('Stop sharing'));
    expect(button('Share screen')).toBeDefined();
  });

  it('joins from the list; someone joining and leaving shows, and is said', async () => {
    calls = [{ ...server.call(), title: 'Point du lundi' }];
    await show();
    await click(button('Join Point du lundi'));
    await vi.waitFor(() => expect(heading()).toBe('Point du lundi'));
    const bob = await bobJoins();
    await act(() => settle());
    expect(tiles()).toEqual(['Camille Durand (you)', 'Bob Martin']);
    expect(live()).toBe('Bob Martin joined the call');
    // Connecting until the connection is up.
    expect(
      ui.host.querySelector('.call-tile:not(.call-tile--self) .call-tile__status')?.textContent,
    ).toBe('Connecting…');
    await act(async () => {
      await bob.leave();
      await settle();
    });
    expect(tiles()).toEqual(['Camille Durand (you)']);
    expect(live()).toBe('Bob Martin left the call');
  });

  it('leaves with the button: back to the list, out of the call, the camera off', async () => {
    calls = [{ ...server.call(), title: 'Point du lundi' }];
    await show();
    await click(button('Join Point du lundi'));
    await vi.waitFor(() => expect(button('Leave the call')).toBeDefined());
    await click(button('Leave the call'));
    expect(heading()).toBe('Calls');
    expect(server.left).toEqual([{ pid: 'p01', keepalive: true }]);
    expect(media.tracks.every((t) => t.readyState === 'ended')).toBe(true);
  });

  it('leaves when the page goes (another route), and as the tab closes', async () => {
    calls = [{ ...server.call(), title: 'Point du lundi' }];
    await show();
    await click(button('Join Point du lundi'));
    await vi.waitFor(() => expect(button('Leave the call')).toBeDefined());
    act(() => {
      window.dispatchEvent(new Event('pagehide'));
    });
    expect(server.left).toEqual([{ pid: 'p01', keepalive: true }]);

    server = new FakeCallServer();
    await show();
    await click(button('Join Point du lundi'));
    await vi.waitFor(() => expect(button('Leave the call')).toBeDefined());
    await act(async () => ui.render(<p>elsewhere</p>));
    await act(() => settle());
    expect(server.left).toEqual([{ pid: 'p01', keepalive: true }]);
  });

  it('says when the call is full, and goes back to the list', async () => {
    server.full = true;
    await show();
    await click(button('Join Point du lundi'));
    await vi.waitFor(() =>
      expect(ui.host.querySelector('[role="alert"]')?.textContent).toMatch(
        /^This call is full: it takes nobody else\./,
      ),
    );
    expect(heading()).toBe('Calls');
    await click(button('Dismiss'));
    expect(ui.host.querySelector('[role="alert"]')).toBeNull();
  });

  it('through the SFU: tiles as peer to peer, a quiet one for who sends nothing, outages said', async () => {
    server.mode = 'sfu';
    calls = [{ ...server.call(), title: 'Point du lundi' }];
    await show();
    await click(button('Join Point du lundi'));
    await vi.waitFor(() => expect(button('Leave the call')).toBeDefined());
    const bob = await bobJoins();
    await act(() => settle());
    expect(tiles()).toEqual(['Camille Durand (you)', 'Bob Martin']);
    const bobTile = () => ui.host.querySelector('.call-tile:not(.call-tile--self)');
    expect(bobTile()?.querySelector('.call-tile__status')?.textContent).toBe('Connecting…');
    // Eve is in, sending nothing: her tile has no status to wait on.
    await act(async () => {
      server.addParticipant('p50', 'eve', null);
      await settle();
    });
    expect(tiles()).toEqual(['Camille Durand (you)', 'Bob Martin', 'Eve Noir']);
    expect(ui.host.querySelectorAll('.call-tile__status')).toHaveLength(1);
    // The SFU down (Bob back as a new participant cannot be received): said.
    server.sfuDown = true;
    await act(async () => {
      await bob.leave();
      server.addParticipant('p51', 'bob');
      await settle();
    });
    await vi.waitFor(() =>
      expect(ui.host.querySelector('.alert--warning')?.textContent).toMatch(
        /^The video server is not answering/,
      ),
    );
  });

  it('says when it joins without camera or microphone', async () => {
    media = new FakeMedia({ audio: false, video: false });
    await show();
    await click(button('Join Point du lundi'));
    await vi.waitFor(() => expect(button('Unmute')).toBeDefined());
    expect(ui.host.querySelector('.alert--warning')?.textContent).toMatch(
      /^No microphone or camera \(missing, or not allowed by the browser\): you see and hear the others/,
    );
    expect(button('Turn camera on')).toBeDefined();
  });
});

describe('ringing people in', () => {
  /** The live events the page follows (its store's and the declines), heard from here. */
  function hearLive() {
    const handlers = new Map<string, ((e: EventFrame) => void)[]>();
    vi.spyOn(liveEvents(), 'subscribe').mockImplementation((type, h) => {
      handlers.set(type, [...(handlers.get(type) ?? []), h]);
      return () => undefined;
    });
    return (type: string, data: Record<string, unknown>) =>
      act(() => handlers.get(type)?.forEach((h) => h({ type, workspace_id: WS, seq: 0, data })));
  }

  const notice = () => ui.host.querySelector('.call-notice[role="status"]')?.textContent ?? '';

  async function render() {
    await ui.render(
      <BrandingProvider>
        <CallsScreen workspace={WORKSPACE} me={ME} callDeps={() => server.deps('me', media)} />
      </BrandingProvider>,
    );
  }

  afterEach(() => {
    window.history.replaceState(null, '', '/');
  });

  it('?join= joins that call once, drops it from the address, and rings whom the opener asked', async () => {
    serve('write');
    calls = [{ ...server.call(), title: 'Point du lundi' }];
    openCall(WS, 'c1', ['eve', 'bob']);
    expect(window.location.search).toBe('?join=c1');
    await render();
    await vi.waitFor(() => expect(heading()).toBe('Point du lundi'));
    expect(window.location.pathname).toBe('/w/w1/calls');
    expect(window.location.search).toBe('');
    await vi.waitFor(() =>
      expect(server.rings).toEqual([{ pid: 'p01', user_ids: ['eve', 'bob'] }]),
    );
    await vi.waitFor(() => expect(notice()).toBe('Ringing Eve Noir and Bob Martin'));
    expect(server.participants.map((p) => p.user_id)).toEqual(['me']);

    // Left, then the page again (a reload): the list, no join, nobody rung again.
    await click(button('Leave the call'));
    await act(async () => ui.render(<p>elsewhere</p>));
    await render();
    await vi.waitFor(() => expect(ui.host.querySelector('.calls-list')).not.toBeNull());
    await act(() => settle());
    expect(heading()).toBe('Calls');
    expect(server.participants).toEqual([]);
    expect(server.rings).toHaveLength(1);
  });

  it('?join= without anyone to ring joins only', async () => {
    serve('read');
    window.history.replaceState(null, '', '/w/w1/calls?join=c1');
    await render();
    await vi.waitFor(() => expect(button('Leave the call')).toBeDefined());
    await act(() => settle());
    expect(window.location.search).toBe('');
    expect(server.rings).toEqual([]);
    expect(notice()).toBe('');
  });

  it('“Add people” lists the members who may join and are not in the call, and rings those checked', async () => {
    serve('write');
    vi.mocked(api.workspaces.members).mockResolvedValue({
      members: [
        ...MEMBERS,
        { user_id: 'zoe', name: 'Zoé Calls-off', email: 'z@x', rights: { calls: 'none' } },
        { user_id: 'ana', name: 'Ana Bell', email: 'a@x', rights: {} },
      ] as unknown as Member[],
      seq: null,
    });
    calls = [{ ...server.call(), title: 'Point du lundi' }];
    await render();
    await vi.waitFor(() => expect(ui.host.querySelector('.calls-list')).not.toBeNull());
    await click(button('Join Point du lundi'));
    await vi.waitFor(() => expect(button('Add people')).toBeDefined());
    await bobJoins();
    await act(() => settle());
    expect(button('Add people')?.getAttribute('aria-haspopup')).toBe('dialog');
    await click(button('Add people'));
    const dialog = document.querySelector('dialog');
    expect(dialog?.querySelector('.dialog__title')?.textContent).toBe('Add people to the call');
    expect(dialog?.querySelector('legend')?.textContent).toBe('Members to ring');
    // Not oneself, not Bob (in the call), not Zoé (calls are closed to her); by name.
    const labels = () =>
      [...(dialog?.querySelectorAll('.check__label') ?? [])].map((l) => l.textContent);
    expect(labels()).toEqual(['Ana Bell', 'Eve Noir']);
    const ring = button('Ring', dialog ?? document);
    expect(ring?.disabled).toBe(true);
    // The filter narrows (accents and case aside).
    const filter = dialog?.querySelector<HTMLInputElement>('input[type="search"]');
    expect(dialog?.querySelector(`label[for="${filter?.id}"]`)?.textContent).toBe('Filter members');
    act(() => {
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
      setter?.call(filter, 'EVE');
      filter?.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(labels()).toEqual(['Eve Noir']);
    await act(async () =>
      dialog?.querySelector<HTMLInputElement>('input[type="checkbox"]')?.click(),
    );
    expect(ring?.disabled).toBe(false);
    await click(ring);
    expect(server.rings).toEqual([{ pid: 'p01', user_ids: ['eve'] }]);
    expect(document.querySelector('dialog')).toBeNull();
    expect(notice()).toBe('Ringing Eve Noir');
  });

  it('“Add people” says the server’s refusal, and that everyone is in when nobody is left', async () => {
    serve('write');
    calls = [{ ...server.call(), title: 'Point du lundi' }];
    await show();
    await click(button('Join Point du lundi'));
    await vi.waitFor(() => expect(button('Add people')).toBeDefined());
    const refuse = vi.fn(async () => {
      throw new ApiError(400, 'invalid_field', 'eve may not join this call');
    });
    const session = CallSession.prototype;
    vi.spyOn(session, 'ring').mockImplementation(refuse);
    await click(button('Add people'));
    let dialog = document.querySelector('dialog');
    await act(async () =>
      dialog?.querySelector<HTMLInputElement>('input[type="checkbox"]')?.click(),
    );
    await click(button('Ring', dialog ?? document));
    expect(refuse).toHaveBeenCalledWith(['bob']);
    expect(dialog?.querySelector('[role="alert"]')?.textContent).toBe('Some values are not valid.');
    await click(button('Cancel', dialog ?? document));
    expect(document.querySelector('dialog')).toBeNull();

    // Bob and Eve in: nobody left to ring.
    await bobJoins();
    server.addParticipant('p40', 'eve', null);
    await act(() => settle());
    await click(button('Add people'));
    dialog = document.querySelector('dialog');
    expect(dialog?.querySelector('form > p')?.textContent).toBe(
      'Everyone who can join the call is in it already.',
    );
  });

  it('says who declined this call for a few seconds; another call’s declines are not said', async () => {
    const hear = hearLive();
    serve('write');
    calls = [{ ...server.call(), title: 'Point du lundi' }];
    await show();
    await click(button('Join Point du lundi'));
    await vi.waitFor(() => expect(button('Add people')).toBeDefined());
    hear('call.declined', { call_id: 'other', user_id: 'eve' });
    expect(notice()).toBe('');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      hear('call.declined', { call_id: 'c1', user_id: 'eve' });
      expect(notice()).toBe('Eve Noir declined the call');
      act(() => vi.advanceTimersByTime(7_999));
      expect(notice()).toBe('Eve Noir declined the call');
      act(() => vi.advanceTimersByTime(1));
      expect(notice()).toBe('');
    } finally {
      vi.useRealTimers();
    }
  });
});
