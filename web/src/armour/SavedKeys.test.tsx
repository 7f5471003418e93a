// Where a person saves their keys and uses saved ones: the gate offers a
// saved file to whoever has no keys yet and on the forgotten-passphrase
// path; the verification screen's "your keys" saves the unlocked identity
// and replaces it with a saved one after a confirmation. Nothing is sent
// unless the file opens.
import { act } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api';
import { ApiError } from '../api/client';
import type { ArmourIdentity, ArmourIdentityChange } from '../api/types';
import { BrandingProvider, DEFAULT_BRANDING } from '../branding';
import { mountPoint } from '../test/mount';
import { ArmourGate } from './ArmourGate';
import { createIdentity, type CreatedIdentity } from './crypto';
import { MAX_IDENTITY_FILE_BYTES, formatIdentityFile } from './format';
import { identity } from './identity';
import { loadCrypto } from './load';
import { OwnKeys } from './SavedKeys';

const saveBlob = vi.hoisted(() => vi.fn<(blob: Blob, name: string) => void>());
vi.mock('../util/download', () => ({ saveBlob }));

const ui = mountPoint();
const THERE = '01HZTHERE0000000000000000T';
const HERE = '01HZHERE00000000000000000H';
const PASS = 'la clé de Basile est longue';

let basile: CreatedIdentity;
let mine: CreatedIdentity;
let record: ArmourIdentity | null;
let sent: ArmourIdentityChange[];

const recordOf = (c: CreatedIdentity): ArmourIdentity => ({
  box_public: c.box_public,
  sign_public: c.sign_public,
  sealed_secret: c.sealed_secret,
});

beforeAll(async () => {
  await loadCrypto();
  basile = createIdentity(THERE, PASS);
  mine = createIdentity(HERE, 'the keys I have here');
});

beforeEach(() => {
  record = null;
  sent = [];
  vi.spyOn(api.settings, 'public').mockResolvedValue(DEFAULT_BRANDING);
  vi.spyOn(api.armour, 'me').mockImplementation(async () => {
    if (!record) throw new ApiError(404, 'no_identity', '');
    return record;
  });
  vi.spyOn(api.armour, 'setMe').mockImplementation(async (b) => {
    sent.push(b);
    record = {
      box_public: b.box_public,
      sign_public: b.sign_public,
      sealed_secret: b.sealed_secret,
    };
    return record;
  });
});

afterEach(() => {
  act(() => identity.forget());
  vi.restoreAllMocks();
  saveBlob.mockReset();
});

const text = () => ui.host.textContent ?? '';
const button = (label: string) => {
  const b = [...ui.host.querySelectorAll('button')].find((x) => x.textContent?.trim() === label);
  if (!b) throw new Error(`no button "${label}" in: ${text()}`);
  return b;
};
const click = (label: string) => act(async () => button(label).click());

/** Waits for the screen to say `what` (the passphrase is hashed meanwhile). */
async function until(what: RegExp) {
  for (let i = 0; i < 200 && !what.test(text()); i++) {
    await act(() => new Promise((r) => setTimeout(r, 25)));
  }
  expect(text()).toMatch(what);
}

/** Chooses `content` in the form's file picker. */
async function pick(content: string, name = 'ruche-cles-2025-03-14.json') {
  const input = ui.host.querySelector<HTMLInputElement>('input[type="file"]');
  if (!input) throw new Error('no file picker');
  Object.defineProperty(input, 'files', {
    configurable: true,
    value: [new File([content], name, { type: 'application/json' })],
  });
  await act(async () => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  // File.text() resolves after the event.
  await act(() => new Promise((r) => setTimeout(r, 0)));
}

async function typePassphrase(value: string) {
  const input = [...ui.host.querySelectorAll<HTMLInputElement>('input[type="password"]')].find(
    (i) =>
      ui.host.querySelector(`label[for="${i.id}"]`)?.textContent === 'Passphrase of these keys',
  );
  if (!input) throw new Error('no passphrase field');
  await act(async () => {
    const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
    set?.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

const saved = (c: CreatedIdentity = basile) =>
  formatIdentityFile(THERE, c, new Date('2025-03-14T09:00:00Z'), 'https://ruche.example.org');

describe('the armour gate', () => {
  it('offers saved keys to a person without keys: a broken file or a wrong passphrase sends nothing', async () => {
    await ui.render(
      <BrandingProvider>
        <ArmourGate userId={HERE} subtitle="Coffre importé">
          <p>the workspace</p>
        </ArmourGate>
      </BrandingProvider>,
    );
    await until(/Choose your armour passphrase/);
    await click('Use saved keys');
    expect(text()).toContain('Choose the file where you saved your keys');

    await pick(`${saved()}${' '.repeat(MAX_IDENTITY_FILE_BYTES)}`);
    expect(text()).toContain('This is not a Ruche keys file, or it was changed.');
    await pick(saved().replace('ruche-armour-identity', 'ruche-export'));
    expect(text()).toContain('This is not a Ruche keys file, or it was changed.');
    await pick(saved());
    expect(text()).not.toContain('This is not a Ruche keys file');
    expect(text()).toContain('https://ruche.example.org');

    await typePassphrase('not the passphrase');
    await click('Use these keys');
    await until(/This passphrase does not open the keys of this file/);
    expect(sent).toEqual([]);

    await typePassphrase(PASS);
    await click('Use these keys');
    await until(/the workspace/);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.replace).toBeUndefined();
    expect(sent[0]?.box_public).toBe(basile.box_public);
    expect(identity.secrets(HERE)?.signPublic).toBe(basile.sign_public);
  }, 30_000);

  it('offers them on the forgotten-passphrase path, before new keys are made', async () => {
    record = recordOf(mine);
    await ui.render(
      <BrandingProvider>
        <ArmourGate userId={HERE} subtitle="Coffre importé">
          <p>the workspace</p>
        </ArmourGate>
      </BrandingProvider>,
    );
    await until(/Unlock your keys/);
    await click('Forgotten passphrase?');
    await click('Make new keys');
    expect(text()).toContain('Did you save your keys to a file?');
    await click('Use saved keys');
    await pick(saved());
    // Not the keys held here: the person is told they replace them.
    expect(text()).toContain('These are not the keys you have here');
    expect(button('Replace my keys')).toBeTruthy();
  }, 30_000);
});

describe('your keys, in the verification screen', () => {
  it('saves the unlocked identity as the server holds it, and replaces it with saved keys after a confirmation', async () => {
    record = recordOf(mine);
    await identity.load(HERE);
    await identity.unlock(HERE, 'the keys I have here');
    await ui.render(<OwnKeys userId={HERE} headingId="own" />);

    await click('Save my keys');
    await until(/Keys saved to the file ruche-cles-/);
    expect(saveBlob).toHaveBeenCalledTimes(1);
    const [blob, name] = saveBlob.mock.calls[0] ?? [];
    expect(name).toMatch(/^ruche-cles-\d{4}-\d{2}-\d{2}\.json$/);
    const file = JSON.parse((await blob?.text()) ?? '') as Record<string, unknown>;
    expect(file).toMatchObject({
      format: 'ruche-armour-identity',
      version: 1,
      user_id: HERE,
      box_public: mine.box_public,
      sealed_secret: mine.sealed_secret,
      origin: window.location.origin,
    });

    await click('Use saved keys');
    await pick(saved());
    await typePassphrase(PASS);
    await click('Replace my keys');
    // Asked first: nothing sent yet.
    const dialog = ui.host.querySelector('dialog[open]');
    expect(dialog?.textContent).toContain('Replace your keys?');
    expect(sent).toEqual([]);
    await act(async () => {
      dialog?.querySelector<HTMLButtonElement>('button[type="submit"]')?.click();
    });
    await until(/Your keys are now the file’s/);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.replace).toBe(true);
    expect(identity.secrets(HERE)?.boxPublic).toBe(basile.box_public);
  }, 30_000);
});
