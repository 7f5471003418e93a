// The ringing panel as people use it (English): who calls, which call, in
// which workspace; Join and Decline; the keyboard (Alt+Shift+C to reach it
// without the focus ever taken, Enter joins, Escape declines, the focus
// back where it was); said by an assertive live region; the tone while
// anything rings; several rings stacked; a system notification only for a
// hidden tab whose permission was granted before.
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventFrame, Member } from '../api';
import { mountPoint } from '../test/mount';
import { FakeNotification, hideTab, stubNotifications } from '../test/system-notifications';
import { RingingPanel } from './IncomingCalls';
import { RingingStore, type Ring } from './store';

const ui = mountPoint();

const MEMBERS = [
  { user_id: 'ada', name: 'Ada Lovelace' },
  { user_id: 'bob', name: 'Bob Martin' },
] as unknown as Member[];
const WORKSPACES: Record<string, string> = { w1: 'Chantier', w2: 'Bureau' };

let handlers: Map<string, Set<(e: EventFrame) => void>>;
let declined: string[];
let store: RingingStore;
let joined: Ring[];
let tones: { started: number; stopped: number };

function emit(type: string, data: Record<string, unknown>, workspace = 'w1') {
  handlers.get(type)?.forEach((h) => h({ type, workspace_id: workspace, seq: 0, data }));
}

async function ring(callId: string, o: Record<string, unknown> = {}) {
  await act(async () => {
    emit('call.ringing', {
      call_id: callId,
      workspace_id: 'w1',
      title: 'Point du lundi',
      from_user_id: 'ada',
      ring_seconds: 30,
      ...o,
    });
    // The caller's name read.
    for (let i = 0; i < 5; i++) await Promise.resolve();
    await vi.advanceTimersByTimeAsync(0);
  });
}

async function show() {
  await ui.render(
    <RingingPanel
      store={store}
      workspaceName={(id) => WORKSPACES[id]}
      onJoin={(r) => joined.push(r)}
      tone={() => {
        tones.started++;
        return () => {
          tones.stopped++;
        };
      }}
    />,
  );
}

const panel = () => ui.host.querySelector<HTMLElement>('section.ringing');
const calls = () =>
  [...ui.host.querySelectorAll('.ringing__call')].map((c) => ({
    who: c.querySelector('.ringing__who')?.textContent,
    where: c.querySelector('.ringing__where')?.textContent,
  }));
const button = (label: string, within: ParentNode = ui.host) =>
  [...within.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent === label);
const announced = () => ui.host.querySelector('[aria-live="assertive"]')?.textContent ?? '';

function key(target: Element, k: string, o: KeyboardEventInit = {}) {
  act(() => {
    target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, ...o }));
  });
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  handlers = new Map();
  declined = [];
  joined = [];
  tones = { started: 0, stopped: 0 };
  store = new RingingStore('me', {
    api: {
      members: async () => MEMBERS,
      decline: async (cid) => {
        declined.push(cid);
      },
      get: async () => {
        throw new Error('not asked');
      },
    },
    events: {
      subscribe: (type, h) => {
        const set = handlers.get(type) ?? new Set();
        handlers.set(type, set);
        set.add(h);
        return () => set.delete(h);
      },
    },
    now: () => Date.now(),
  });
  store.start();
});

afterEach(() => {
  act(() => store.stop());
  vi.useRealTimers();
  vi.unstubAllGlobals();
  Reflect.deleteProperty(document, 'visibilityState');
});

describe('the ringing panel', () => {
  it('says who calls, which call and where, with Join and Decline, and rings', async () => {
    await show();
    expect(panel()).toBeNull();
    expect(ui.host.querySelector('[aria-live="assertive"]')).not.toBeNull();
    await ring('c1');
    expect(panel()?.getAttribute('aria-label')).toBe('Incoming calls');
    expect(calls()).toEqual([
      { who: 'Ada Lovelace is calling', where: 'Point du lundi · Chantier' },
    ]);
    const group = ui.host.querySelector('[role="group"]');
    expect(group?.getAttribute('aria-labelledby')).toBe(ui.host.querySelector('.ringing__who')?.id);
    expect(group?.getAttribute('aria-describedby')).toBe(
      ui.host.querySelector('.ringing__where')?.id,
    );
    expect([...(group?.querySelectorAll('button') ?? [])].map((b) => b.textContent)).toEqual([
      'Join',
      'Decline',
    ]);
    expect(announced()).toBe(
      'Ada Lovelace is calling — Point du lundi · Chantier. Alt+Shift+C to answer.',
    );
    expect(ui.host.querySelector('.ringing__keys')?.textContent).toBe(
      'Alt+Shift+C: go to the call · Enter: join · Esc: decline',
    );
    expect(tones).toEqual({ started: 1, stopped: 0 });
    // Its time up: gone, silent, nothing said any more.
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    expect(panel()).toBeNull();
    expect(tones).toEqual({ started: 1, stopped: 1 });
    expect(announced()).toBe('');
  });

  it('names an untitled call after its caller, and an unknown caller “Someone”', async () => {
    await show();
    await ring('c1', { title: '' });
    expect(calls()).toEqual([
      { who: 'Ada Lovelace is calling', where: 'Ada Lovelace’s call · Chantier' },
    ]);
    await ring('c2', { from_user_id: 'zed', title: 'Revue', workspace_id: 'w9' });
    expect(calls()[0]).toEqual({ who: 'Someone is calling', where: 'Revue' });
  });

  it('Decline stops it and tells the server; Join opens the call', async () => {
    await show();
    await ring('c1');
    await act(async () => button('Decline')?.click());
    expect(declined).toEqual(['c1']);
    expect(panel()).toBeNull();
    expect(tones.stopped).toBe(1);

    await ring('c2');
    await act(async () => button('Join')?.click());
    expect(joined.map((r) => [r.callId, r.workspaceId])).toEqual([['c2', 'w1']]);
    expect(declined).toEqual(['c1']);
    expect(panel()).toBeNull();
  });

  it('stacks several rings, the newest first, each answered on its own', async () => {
    await show();
    await ring('c1');
    await ring('c2', { from_user_id: 'bob', title: 'Budget', workspace_id: 'w2' });
    expect(calls()).toEqual([
      { who: 'Bob Martin is calling', where: 'Budget · Bureau' },
      { who: 'Ada Lovelace is calling', where: 'Point du lundi · Chantier' },
    ]);
    expect(announced()).toMatch(/^Bob Martin is calling/);
    // One tone for them all.
    expect(tones.started).toBe(1);
    const first = ui.host.querySelectorAll('.ringing__call')[1];
    await act(async () => first && button('Decline', first)?.click());
    expect(declined).toEqual(['c1']);
    expect(calls().map((c) => c.who)).toEqual(['Bob Martin is calling']);
    expect(tones.stopped).toBe(0);
  });
});

describe('the keyboard', () => {
  it('never takes the focus; Alt+Shift+C reaches Join, Enter joins, the focus goes back', async () => {
    await show();
    const field = document.createElement('textarea');
    document.body.append(field);
    field.focus();
    await ring('c1');
    expect(document.activeElement).toBe(field);
    // Typing goes on: Enter and Escape in the field answer nothing.
    key(field, 'Enter');
    key(field, 'Escape');
    expect(joined).toEqual([]);
    expect(declined).toEqual([]);
    key(field, 'C', { code: 'KeyC', altKey: true, shiftKey: true });
    expect(document.activeElement).toBe(button('Join'));
    key(button('Join') as HTMLButtonElement, 'Enter');
    expect(joined.map((r) => r.callId)).toEqual(['c1']);
    expect(panel()).toBeNull();
    expect(document.activeElement).toBe(field);
    field.remove();
  });

  it('Escape in a call’s group declines it; the focus moves to the next call', async () => {
    await show();
    await ring('c1');
    await ring('c2');
    key(document.body, 'C', { code: 'KeyC', altKey: true, shiftKey: true });
    const join2 = button('Join');
    expect(document.activeElement).toBe(join2);
    const escape = new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true });
    act(() => {
      join2?.dispatchEvent(escape);
    });
    expect(escape.defaultPrevented).toBe(true);
    expect(declined).toEqual(['c2']);
    expect(document.activeElement).toBe(button('Join'));
    expect(calls()).toHaveLength(1);
  });

  it('the shortcut does nothing while nothing rings', async () => {
    await show();
    const e = new KeyboardEvent('keydown', {
      key: 'C',
      code: 'KeyC',
      altKey: true,
      shiftKey: true,
      cancelable: true,
    });
    act(() => {
      document.body.dispatchEvent(e);
    });
    expect(e.defaultPrevented).toBe(false);
  });
});

describe('a system notification', () => {
  beforeEach(stubNotifications);
  const hide = hideTab;

  it('shows for a hidden tab with the permission granted, and closes when it stops ringing', async () => {
    await show();
    hide(true);
    await ring('c1');
    expect(FakeNotification.shown.map((n) => [n.title, n.options.body, n.options.tag])).toEqual([
      ['Ada Lovelace is calling', 'Point du lundi · Chantier', 'ruche-call-c1'],
    ]);
    await act(async () => emit('call.ended', { call_id: 'c1' }));
    expect(FakeNotification.shown[0]?.closed).toBe(true);
    expect(FakeNotification.requestPermission).not.toHaveBeenCalled();
  });

  it('is not shown for a visible tab, nor without the permission (never asked for)', async () => {
    await show();
    await ring('c1');
    expect(FakeNotification.shown).toEqual([]);
    FakeNotification.permission = 'default';
    hide(true);
    await ring('c2');
    expect(FakeNotification.shown).toEqual([]);
    expect(FakeNotification.requestPermission).not.toHaveBeenCalled();
  });
});
