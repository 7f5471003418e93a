// Helpers for the browser end-to-end tests: the browser, contexts that
// collect console errors, sign-in, API calls from a signed-in page,
// screenshots, axe-core.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const must = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run tests/e2e/run.sh`);
  return v;
};

export const env = {
  url: must('RUCHE_E2E_URL'),
  out: must('RUCHE_E2E_OUT'),
  repo: must('RUCHE_E2E_REPO'),
  chromium: process.env.RUCHE_E2E_CHROMIUM ?? '/usr/bin/chromium',
  admin: {
    email: must('RUCHE_E2E_ADMIN_EMAIL'),
    name: must('RUCHE_E2E_ADMIN_NAME'),
    password: must('RUCHE_E2E_ADMIN_PASSWORD'),
  },
};

// The web client's dev dependencies provide playwright-core and axe-core.
const require = createRequire(join(env.repo, 'web', 'package.json'));
const { chromium } = require('playwright-core');
const axePath = require.resolve('axe-core/axe.min.js');

mkdirSync(env.out, { recursive: true });

/** The browser; `args`: more Chromium flags (the calls' fake camera and microphone). */
export function launch({ args = [] } = {}) {
  return chromium.launch({
    executablePath: env.chromium,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...args,
    ],
  });
}

/**
 * A browser context (one person) whose pages report console errors and
 * uncaught exceptions into `ctx.errors`.
 */
export async function newContext(browser, options = {}) {
  const ctx = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    ...options,
  });
  ctx.errors = [];
  ctx.on('page', (page) => {
    page.on('console', (m) => {
      // A failed request's message does not name it: its location does.
      const where = m.location()?.url;
      if (m.type() === 'error')
        ctx.errors.push(`${page.url()}: console: ${m.text()}${where ? ` (${where})` : ''}`);
    });
    page.on('pageerror', (e) => ctx.errors.push(`${page.url()}: uncaught: ${e.message}`));
  });
  ctx.setDefaultTimeout(10_000);
  return ctx;
}

export async function signIn(page, email, password) {
  await page.goto(`${env.url}/login`);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.locator('.topbar').waitFor();
}

/**
 * An API request from a signed-in page, with its session cookie and CSRF
 * token: `json` goes as a JSON body, `bytes` (base64) as raw bytes. Paths
 * are under /api/v1, except share links (/s/...). Returns { status, body }:
 * the body parsed when it is JSON, its text otherwise, null for a 204.
 */
export async function pageFetch(page, method, path, { json, bytes } = {}) {
  return page.evaluate(
    async ({ method, path, json, bytes }) => {
      const csrf = JSON.parse(sessionStorage.getItem('ruche.csrf') ?? 'null');
      const headers = {};
      if (csrf && method !== 'GET') headers[csrf.header] = csrf.token;
      let body;
      if (json !== undefined) {
        headers['Content-Type'] = 'application/json';
        body = JSON.stringify(json);
      } else if (bytes !== undefined) {
        headers['Content-Type'] = 'application/octet-stream';
        body = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
      }
      const r = await fetch(path.startsWith('/s/') ? path : `/api/v1${path}`, {
        method,
        headers,
        body,
        credentials: 'same-origin',
      });
      const text = await r.text();
      let parsed = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // bytes
      }
      return { status: r.status, body: r.status === 204 ? null : parsed };
    },
    { method, path, json, bytes },
  );
}

/** pageFetch() that must answer one of `status` (any 2xx by default); its body. */
export async function pageOk(page, method, path, o = {}, status) {
  const r = await pageFetch(page, method, path, o);
  const good = status ? status.includes(r.status) : r.status >= 200 && r.status < 300;
  assert.ok(good, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * `who` ({email, name, password}) made a member of workspace `wsId` with
 * `role`: their account created by the administrator signed in on
 * `adminPage` (kept when it exists), an invitation, accepted from `page`
 * once signed in there. Returns their user id.
 */
export async function enrol(adminPage, wsId, page, who, role = 'member') {
  const { email, name, password } = who;
  const created = await pageFetch(adminPage, 'POST', '/admin/users', {
    json: { email, name, password, role: 'member' },
  });
  assert.ok([200, 201, 409].includes(created.status), JSON.stringify(created));
  const invitation = await pageOk(adminPage, 'POST', `/workspaces/${wsId}/invitations`, {
    json: { email, role },
  });
  await signIn(page, email, password);
  await pageOk(page, 'POST', `/invitations/${invitation.token}/accept`, { json: {} });
  return (await pageOk(page, 'GET', '/me')).id;
}

/** No console errors in a context, but those matching one of `expected` (provoked on purpose). */
export function assertNoConsoleErrors(ctx, who, expected = []) {
  const left = ctx.errors.filter((e) => !expected.some((re) => re.test(e)));
  assert.deepEqual(left, [], `${who}: console errors:\n${left.join('\n')}`);
}

/**
 * A screenshot of the viewport (the app's top bar and sidebar are sticky:
 * full-page captures would smear them), scrolled to `focus` if given.
 */
export async function shot(page, name, focus) {
  const path = join(env.out, `${name}.png`);
  if (focus) await focus.scrollIntoViewIfNeeded();
  await page.waitForTimeout(50);
  await page.screenshot({ path });
  return path;
}

/** Runs axe-core on the page (the context needs bypassCSP: the script is inlined). */
export async function axe(page) {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    // Colours are measured as painted: a toast fading in is half transparent
    // for 160 ms. Let every finite animation end first (a spinner's never does).
    const finite = document
      .getAnimations()
      .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity);
    await Promise.all(finite.map((a) => a.finished.catch(() => {})));
    // eslint-disable-next-line no-undef
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
  return violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
}

/**
 * The uploads a page's browser remembers to resume after a reload (the
 * web client's IndexedDB, web/src/modules/files/logic/unfinished.ts), as
 * stored: plain fields as they are, an armoured upload's sealed bytes by
 * their size. [] before the app made its database (never made here).
 */
export async function unfinishedUploads(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const r = indexedDB.open('ruche.files');
        // Not there yet: leave it to the app to make.
        r.onupgradeneeded = () => r.transaction.abort();
        r.onerror = () => resolve([]);
        r.onsuccess = () => {
          const db = r.result;
          const q = db.transaction('uploads').objectStore('uploads').getAll();
          q.onsuccess = () => {
            db.close();
            resolve(
              q.result.map((u) => ({
                ...u,
                sealed: u.sealed instanceof Blob ? { size: u.sealed.size } : u.sealed,
              })),
            );
          };
        };
      }),
  );
}

/** Waits until the page's browser remembers an upload `match` accepts (unfinishedUploads); returns it. */
export async function rememberedUpload(page, match, timeout = 15_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const found = (await unfinishedUploads(page)).find(match);
    if (found) return found;
    if (Date.now() > end) throw new Error('the upload is not remembered');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A JSON metric line, in build/e2e/metrics.jsonl; run.sh prints them at the end. */
/** Polls `f` every 200 ms until it returns something truthy; returns that. */
export async function until(what, f, timeout = 15_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function metric(name, value, extra = {}) {
  appendFileSync(
    join(env.out, 'metrics.jsonl'),
    `${JSON.stringify({ metric: name, value, ...extra })}\n`,
  );
}

/** A small valid PNG (a 16x16 square) for the logo upload. */
/**
 * A drop from the desktop onto `target` (a locator): a real PNG drawn on a
 * canvas (64 × 48) named `png` and a text file `text.name` of `text.body`,
 * in one DataTransfer. Waits for the drop zone to say `over` before dropping;
 * `beforeDrop(page)` runs while it shows (a screenshot).
 */
export async function dropImageAndText(page, target, { png, text, over, beforeDrop }) {
  const files = await page.evaluateHandle(
    async ({ png, text }) => {
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 48;
      const g = canvas.getContext('2d');
      g.fillStyle = '#1f6f8b';
      g.fillRect(0, 0, 64, 48);
      g.fillStyle = '#f2c14e';
      g.fillRect(8, 8, 24, 16);
      const image = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
      const dt = new DataTransfer();
      dt.items.add(new File([image], png, { type: 'image/png' }));
      dt.items.add(new File([text.body], text.name, { type: 'text/plain' }));
      return dt;
    },
    { png, text },
  );
  await target.dispatchEvent('dragenter', { dataTransfer: files });
  await target.dispatchEvent('dragover', { dataTransfer: files });
  await page.getByText(over).waitFor();
  if (beforeDrop) await beforeDrop(page);
  await target.dispatchEvent('drop', { dataTransfer: files });
  return files;
}

export const LOGO_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR4nGPIkp5FEmIY1TCqYfhqAABkyR8QyrpgmgAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * Stops the server (SIGTERM) and returns a function that starts it again on
 * the same address with the same data. run.sh stops whichever is running at
 * the end (pid file).
 */
export async function stopServer() {
  const pidfile = must('RUCHE_E2E_PIDFILE');
  const pid = Number(readFileSync(pidfile, 'utf8'));
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return async function startServer() {
    const listen = new URL(env.url).host;
    const log = openSync(must('RUCHE_E2E_LOG'), 'a');
    const outPath = `${pidfile}.stdout`;
    const out = openSync(outPath, 'w');
    const child = spawn(
      must('RUCHE_E2E_BIN'),
      ['serve', '--data', must('RUCHE_E2E_DATA'), '--listen', listen],
      {
        detached: true,
        stdio: ['ignore', out, log],
      },
    );
    child.unref();
    writeFileSync(pidfile, String(child.pid));
    for (let i = 0; i < 150; i++) {
      if (readFileSync(outPath, 'utf8').includes('listening on')) return;
      if (child.exitCode !== null) throw new Error(`the server exited: ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the server did not restart');
  };
}

/**
 * A second, empty server (no account yet) for the first-run setup. Returns
 * its URL, the one-time setup link it printed, and stop().
 */
export async function freshServer() {
  const dir = mkdtempSync(join(tmpdir(), 'ruche-e2e-setup.'));
  const outPath = join(dir, 'stdout');
  const out = openSync(outPath, 'w');
  const child = spawn(
    must('RUCHE_E2E_BIN'),
    ['serve', '--data', join(dir, 'data'), '--listen', '127.0.0.1:0'],
    {
      stdio: ['ignore', out, 'ignore'],
    },
  );
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.on('exit', stop);
  for (let i = 0; i < 150; i++) {
    const text = readFileSync(outPath, 'utf8');
    const url = /listening on (http:\/\/\S+)/.exec(text)?.[1];
    const link = /(http:\/\/\S+\/setup\?token=\S+)/.exec(text)?.[1];
    if (url && link) {
      return {
        url,
        link,
        stop: async () => {
          stop();
          await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    if (child.exitCode !== null) throw new Error(`the setup server exited: ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  throw new Error('the setup server did not print its setup link');
}
