// The web client end to end, in Chromium, against a real server (started by
// run.sh). The scenarios run in order and share state: the admin creates a
// workspace, invites an external person who joins from a second browser
// context, and so on. Screenshots: build/e2e/*.png.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  LOGO_PNG,
  axe,
  env,
  freshServer,
  launch,
  metric,
  newContext,
  shot,
  signIn,
  stopServer,
} from './lib.mjs';

const WS = 'Projet Hermès';
const OTHER_WS = 'Direction générale';
const GUEST = {
  email: 'camille@partenaire.test',
  name: 'Camille Partenaire',
  password: 'Salamandre-Verte-2031',
};
const BRAND = { name: 'Ministère de l’Exemple', primary: '#6a1b9a' };

let browser;
let admin; // context
let adminPage;
let guest;
let guestPage;
let workspaceId = '';
let otherId = '';
let inviteLink = '';

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

function assertNoConsoleErrors(ctx, who) {
  assert.deepEqual(ctx.errors, [], `${who}: console errors:\n${ctx.errors.join('\n')}`);
}

/** Drops the console lines of expected HTTP failures (the browser logs every 4xx). */
function forgetExpected(ctx, status) {
  ctx.errors = ctx.errors.filter((e) => !e.includes(`status of ${status}`));
}

async function apiFetch(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const csrf = JSON.parse(sessionStorage.getItem('ruche.csrf') ?? 'null');
      const headers = { 'Content-Type': 'application/json' };
      if (csrf && method !== 'GET') headers[csrf.header] = csrf.token;
      const r = await fetch(`/api/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
      });
      return { status: r.status, body: r.status === 204 ? null : await r.json() };
    },
    { method, path, body },
  );
}

async function guestId() {
  const members = await apiFetch(adminPage, 'GET', `/workspaces/${workspaceId}/members`);
  return members.body.find((m) => m.email === GUEST.email).user_id;
}

function totp(secretBase32, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/=+$/, '').toUpperCase())
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30000)));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, '0');
}

test('the login page loads fast and shows the instance', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  await page.goto(`${env.url}/login`, { waitUntil: 'load' });
  await page.waitForFunction(() => performance.getEntriesByType('navigation')[0]?.loadEventEnd > 0);
  const load = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    return { load: n.loadEventEnd - n.startTime, dcl: n.domContentLoadedEventEnd - n.startTime };
  });
  const formVisible = await (
    await page.waitForFunction(() =>
      document.querySelector('input[type="email"]') ? performance.now() : 0,
    )
  ).jsonValue();
  metric('login_page_load_ms', Math.round(load.load), {
    dom_content_loaded_ms: Math.round(load.dcl),
  });
  metric('login_form_visible_ms', Math.round(formVisible));

  await page.getByRole('heading', { name: 'Connexion à Ruche' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  await shot(page, '01-login');
  assertNoConsoleErrors(ctx, 'anonymous');
  await ctx.close();
});

test('an admin signs in and creates a workspace with modules', async () => {
  admin = await newContext(browser);
  adminPage = await admin.newPage();
  await signIn(adminPage, env.admin.email, env.admin.password);
  await adminPage.getByRole('heading', { name: 'Vos espaces de travail' }).waitFor();
  await shot(adminPage, '02-home-empty');

  await adminPage.getByRole('main').getByRole('link', { name: 'Nouvel espace' }).click();
  await adminPage.getByRole('heading', { name: 'Nouvel espace de travail' }).waitFor();
  await adminPage.getByLabel('Nom de l’espace').fill(WS);
  await adminPage.getByLabel('Description').fill('Refonte du portail des démarches en ligne.');
  await adminPage.getByLabel('Rapports', { exact: true }).check();
  await adminPage.getByLabel('Agenda', { exact: true }).uncheck();
  await shot(adminPage, '03-new-workspace');
  await adminPage.getByRole('button', { name: 'Créer l’espace' }).click();
  await adminPage.waitForURL(/\/w\/[^/]+$/);
  workspaceId = new URL(adminPage.url()).pathname.split('/')[2];

  await adminPage.getByRole('heading', { name: WS }).waitFor();
  const tiles = adminPage.locator('.module-grid .module-tile__name');
  await tiles.first().waitFor();
  assert.deepEqual(await tiles.allTextContents(), ['Discussion', 'Fichiers', 'Rapports', 'Tâches']);
  await adminPage.getByText(`Espace « ${WS} » créé`).waitFor();

  // A change made elsewhere (another tab, here the API) reaches the sidebar live.
  const renamed = `${WS} (pilote)`;
  try {
    const r = await apiFetch(adminPage, 'PATCH', `/workspaces/${workspaceId}`, { name: renamed });
    assert.equal(r.status, 200);
    await adminPage.locator('.sidebar').getByText(renamed).waitFor();
  } finally {
    await apiFetch(adminPage, 'PATCH', `/workspaces/${workspaceId}`, { name: WS });
  }
  await adminPage.locator('.sidebar .ws-item__name', { hasText: /^Projet Hermès$/ }).waitFor();

  // A second workspace, which the guest must never see.
  const r = await apiFetch(adminPage, 'POST', '/workspaces', { name: OTHER_WS, modules: ['chat'] });
  assert.equal(r.status, 201);
  otherId = r.body.id;
  await adminPage.reload();
  await adminPage.locator('.sidebar').getByText(OTHER_WS).waitFor();
  await shot(adminPage, '04-workspace-home');
  assertNoConsoleErrors(admin, 'admin');
});

test('the owner invites an external email and gets a link', async () => {
  await adminPage.getByRole('main').getByRole('link', { name: 'Paramètres' }).click();
  await adminPage.getByRole('heading', { name: 'Paramètres de l’espace' }).waitFor();
  const section = adminPage.locator('#invitations');
  await section.getByLabel('Adresse e-mail').fill(GUEST.email);
  await section.getByRole('button', { name: 'Envoyer l’invitation' }).click();
  const link = section.getByTestId('invitation-link');
  await link.waitFor();
  inviteLink = (await link.textContent()).trim();
  assert.match(inviteLink, new RegExp(`^${env.url}/invite/[A-Za-z0-9_-]+$`));
  await section.locator(`tr[data-invitation="${GUEST.email}"]`).getByText('En attente').waitFor();
  await shot(adminPage, '05-settings-invitation', section);
  assertNoConsoleErrors(admin, 'admin');
});

test('the invited person accepts in a second browser and lands in the workspace', async () => {
  await adminPage.goto(`${env.url}/w/${workspaceId}`);
  await adminPage.getByRole('heading', { name: WS }).waitFor();

  guest = await newContext(browser);
  guestPage = await guest.newPage();
  await guestPage.goto(inviteLink);
  await guestPage.getByRole('heading', { name: `Rejoindre « ${WS} »` }).waitFor();
  assert.equal(await guestPage.getByLabel('Adresse e-mail').inputValue(), GUEST.email);
  await guestPage.getByLabel('Nom complet').fill(GUEST.name);
  await guestPage.getByLabel('Nouveau mot de passe').fill(GUEST.password);
  await shot(guestPage, '06-invitation-accept');
  await guestPage.getByRole('button', { name: 'Créer mon compte et rejoindre' }).click();
  await guestPage.waitForURL(`${env.url}/w/${workspaceId}`);
  await guestPage.getByRole('heading', { name: WS }).waitFor();
  await shot(guestPage, '07-guest-workspace');

  // The owner's open page shows the arrival live.
  await adminPage.getByText(`${GUEST.name} a rejoint l’espace`).waitFor();
  assertNoConsoleErrors(guest, 'guest');
  assertNoConsoleErrors(admin, 'admin');
});

test('the external person sees only that workspace', async () => {
  await guestPage.goto(`${env.url}/`);
  await guestPage.getByRole('heading', { name: 'Vos espaces de travail' }).waitFor();
  const cards = guestPage.locator('.ws-card__name');
  await cards.first().waitFor();
  assert.deepEqual(await cards.allTextContents(), [WS]);
  assert.deepEqual(await guestPage.locator('.sidebar .ws-item__name').allTextContents(), [WS]);
  assert.equal(await guestPage.getByRole('link', { name: 'Nouvel espace' }).count(), 0);
  const list = await apiFetch(guestPage, 'GET', '/workspaces');
  assert.deepEqual(
    list.body.map((w) => w.name),
    [WS],
  );
  await shot(guestPage, '08-guest-home');

  await guestPage.goto(`${env.url}/w/${otherId}`);
  await guestPage.getByRole('heading', { name: 'Page introuvable' }).waitFor();
  forgetExpected(guest, 404);
  assertNoConsoleErrors(guest, 'guest');
});

test('the owner changes a member’s module rights and the member’s view follows live', async () => {
  await guestPage.goto(`${env.url}/w/${workspaceId}`);
  await guestPage.locator('.module-grid').getByText('Discussion').waitFor();

  await adminPage.goto(`${env.url}/w/${workspaceId}/settings`);
  const row = adminPage.locator(`tr[data-member="${GUEST.email}"]`);
  await row
    .getByRole('button', { name: new RegExp(`^Droits de ${GUEST.name} par module`) })
    .click();
  const rights = adminPage.locator(`tr[data-rights-for="${GUEST.email}"]`);
  await rights.getByLabel('Discussion').selectOption('none');
  await adminPage.getByText(`Droits de ${GUEST.name} enregistrés`).first().waitFor();
  await rights.getByLabel('Fichiers').selectOption('read');
  await adminPage
    .locator('.toast')
    .nth(1)
    .getByText(`Droits de ${GUEST.name} enregistrés`)
    .waitFor();
  await row.getByText('Aucun accès', { exact: true }).waitFor();
  await shot(adminPage, '09-member-rights', adminPage.locator('#members'));

  const members = await apiFetch(adminPage, 'GET', `/workspaces/${workspaceId}/members`);
  const g = members.body.find((m) => m.email === GUEST.email);
  assert.equal(g.rights.chat, 'none');
  assert.equal(g.rights.files, 'read');
  assert.equal(g.external, true);

  // Live: chat disappears from the member's home and sidebar; files is read-only.
  await guestPage.locator('.module-grid').getByText('Discussion').waitFor({ state: 'detached' });
  await guestPage.locator('.sidebar').getByText('Discussion').waitFor({ state: 'detached' });
  const files = guestPage.locator('.module-tile', { hasText: 'Fichiers' });
  await files.getByText('Lecture').waitFor();
  await shot(guestPage, '10-member-rights-live');

  await guestPage.goto(`${env.url}/w/${workspaceId}/chat`);
  await guestPage.getByText('Ce module n’est pas activé dans cet espace.').waitFor();
  await guestPage.goto(`${env.url}/w/${workspaceId}/files`);
  await guestPage
    .getByText('Vous avez un accès en lecture seule aux fichiers de cet espace.')
    .waitFor();
  assert.equal(await guestPage.getByRole('button', { name: 'Envoyer des fichiers' }).count(), 0);
  // The reports leave out what the member no longer reads (guests read the others).
  await guestPage.goto(`${env.url}/w/${workspaceId}/reports`);
  await guestPage.locator('.rep-card[data-module="files"]').waitFor();
  assert.deepEqual(await guestPage.locator('.rep-card h2').allTextContents(), [
    'Membres',
    'Fichiers',
    'Tâches',
  ]);
  await shot(guestPage, '11-reports-without-chat');
  assertNoConsoleErrors(guest, 'guest');
  assertNoConsoleErrors(admin, 'admin');
});

test('a member’s new name reaches the open settings and home live, and the table finds people', async () => {
  await adminPage.goto(`${env.url}/w/${workspaceId}/settings`);
  const section = adminPage.locator('#members');
  const row = section.locator(`tr[data-member="${GUEST.email}"]`);
  await row.locator('.members-table__name').getByText(GUEST.name, { exact: true }).waitFor();
  // From here the members are never read again: their events say it all.
  let reads = 0;
  const count = (req) => {
    if (new URL(req.url()).pathname === `/api/v1/workspaces/${workspaceId}/members`) reads++;
  };
  adminPage.on('request', count);
  const renamed = `${GUEST.name} (Préfecture)`;
  assert.equal((await apiFetch(guestPage, 'PATCH', '/me', { name: renamed })).status, 200);
  await row.locator('.members-table__name').getByText(renamed, { exact: true }).waitFor();

  const search = section.getByLabel('Trouver un membre (nom ou adresse)');
  await search.fill('prefecture');
  await section.locator('tr[data-member]').nth(1).waitFor({ state: 'detached' });
  assert.deepEqual(
    await section
      .locator('tr[data-member]')
      .evaluateAll((rows) => rows.map((r) => r.dataset.member)),
    [GUEST.email],
  );
  await search.fill('personne-inconnue');
  await section.getByText('Aucun membre ne correspond à cette recherche.').waitFor();
  await shot(adminPage, '10b-member-search', section);

  // The home, reached in the app, lists the new name from what is held.
  await adminPage.locator('a.link-muted', { hasText: WS }).click();
  await adminPage.locator('.member-list__name', { hasText: renamed }).waitFor();
  adminPage.off('request', count);
  assert.equal(reads, 0);
  assert.equal((await apiFetch(guestPage, 'PATCH', '/me', { name: GUEST.name })).status, 200);
  await adminPage
    .locator('.member-list__name', { hasText: renamed })
    .waitFor({ state: 'detached' });
  assertNoConsoleErrors(admin, 'admin');
});

test('the owner downloads the workspace export, tar opens it, an administrator imports it back', async () => {
  await adminPage.goto(`${env.url}/w/${workspaceId}/settings`);
  const section = adminPage.locator('#export');
  const [download] = await Promise.all([
    adminPage.waitForEvent('download'),
    section.getByRole('button', { name: 'Télécharger un export' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /\.tar$/);
  const file = await download.path();
  const entries = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).split('\n');
  for (const entry of ['README.txt', 'workspace.json', 'chat/channels.json', 'files/README.txt'])
    assert.ok(entries.includes(entry), entry);
  const manifest = JSON.parse(
    execFileSync('tar', ['-xOf', file, 'workspace.json'], { encoding: 'utf8' }),
  );
  assert.equal(manifest.format, 'ruche.workspace-export');
  assert.equal(manifest.workspace.id, workspaceId);
  assert.ok(manifest.members.some((m) => m.email === GUEST.email));
  await shot(adminPage, '11b-export', section);

  // The administrator imports it back, from the administration page.
  await adminPage.goto(`${env.url}/admin`);
  await adminPage.getByRole('tab', { name: 'Import' }).click();
  const panel = adminPage.locator('#import');
  await panel.getByLabel('Archive d’export (.tar)').setInputFiles(file);
  await panel.getByLabel('Nom du nouvel espace').fill('Copie importée');
  await panel.getByRole('button', { name: 'Importer' }).click();
  const done = panel.getByText('Espace « Copie importée » importé');
  await done.waitFor();
  await shot(adminPage, '11c-import', panel);
  await panel.getByRole('link', { name: 'Ouvrir l’espace' }).click();
  await adminPage.getByRole('heading', { level: 1, name: 'Copie importée' }).waitFor();
  assertNoConsoleErrors(admin, 'admin');
});

test('after the server restarts, the live connection comes back and catches up', async () => {
  // The member looks at the workspace home (chat is off for them).
  await guestPage.goto(`${env.url}/w/${workspaceId}`);
  await guestPage.locator('.module-grid').getByText('Fichiers').waitFor();
  assert.equal(await guestPage.locator('.module-grid').getByText('Discussion').count(), 0);

  const startServer = await stopServer();
  const banner = guestPage.getByTestId('reconnecting');
  await banner.waitFor();
  assert.match(await banner.textContent(), /reconnexion/);
  await shot(guestPage, '12-reconnecting');
  await startServer();

  // Written before the member's connection is back (it waits with backoff):
  // the resume must bring it.
  const r = await apiFetch(
    adminPage,
    'PATCH',
    `/workspaces/${workspaceId}/members/${await guestId()}`,
    {
      rights: { chat: 'write' },
    },
  );
  assert.equal(r.status, 200);
  await banner.waitFor({ state: 'detached', timeout: 20_000 });
  await guestPage.locator('.module-grid').getByText('Discussion').waitFor({ timeout: 15_000 });
  await guestPage.locator('.sidebar').getByText('Discussion').waitFor();
  for (const ctx of [guest, admin]) {
    ctx.errors = ctx.errors.filter(
      (e) =>
        !/ERR_CONNECTION_REFUSED|WebSocket connection to|ERR_EMPTY_RESPONSE|ERR_CONNECTION_RESET/.test(
          e,
        ),
    );
  }
  assertNoConsoleErrors(guest, 'guest');
  assertNoConsoleErrors(admin, 'admin');
});

test('a branding change is visible on the login page', async () => {
  await adminPage.goto(`${env.url}/admin#branding`);
  await adminPage.getByRole('tab', { name: 'Identité visuelle', selected: true }).waitFor();
  await adminPage.getByLabel('Nom de l’instance').fill(BRAND.name);
  await adminPage.getByLabel('Logo').setInputFiles({
    name: 'logo.png',
    mimeType: 'image/png',
    buffer: LOGO_PNG,
  });
  await adminPage.locator('.logo-field__preview img').waitFor();
  await adminPage.getByLabel('Couleur principale').fill(BRAND.primary);
  await adminPage
    .getByLabel('Contenu (Markdown)')
    .fill(
      '# Bienvenue\n\nL’espace numérique du **ministère**. ' +
        '[Aide](https://aide.example.org) <script>window.pwned=1</script> ' +
        '[piège](javascript:window.pwned=1) <img src="https://tracker.example/x.png">',
    );
  await adminPage.getByRole('button', { name: 'Enregistrer' }).click();
  await adminPage.getByText('Identité visuelle enregistrée').waitFor();
  await adminPage.locator('.topbar .brand__name', { hasText: BRAND.name }).waitFor();
  await shot(adminPage, '13-admin-branding', adminPage.locator('#home-page'));

  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  await page.goto(`${env.url}/login`);
  await page.getByRole('heading', { name: `Connexion à ${BRAND.name}` }).waitFor();
  assert.equal(await page.locator('.public__header .brand__name').textContent(), BRAND.name);
  assert.match(
    await page.locator('.public__header img.brand__logo').getAttribute('src'),
    /^data:image\/png;base64,/,
  );
  const primary = await page.evaluate(() =>
    getComputedStyle(document.documentElement).getPropertyValue('--color-primary').trim(),
  );
  assert.equal(primary, BRAND.primary);
  assert.equal(await page.title(), BRAND.name);

  // The home page Markdown: rendered, and sanitized.
  const home = page.locator('.public__home-page');
  await home.getByRole('heading', { name: 'Bienvenue' }).waitFor();
  const aide = home.getByRole('link', { name: 'Aide' });
  assert.equal(await aide.getAttribute('href'), 'https://aide.example.org');
  assert.match(await aide.getAttribute('rel'), /noopener/);
  assert.equal(await home.locator('script, img').count(), 0);
  assert.equal(await home.getByText('piège').getAttribute('href'), null);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  await shot(page, '14-login-branded');

  // Switch language on the login page; the choice survives a reload.
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { name: `Sign in to ${BRAND.name}` }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await page.getByLabel('Email address').waitFor();
  await page.reload();
  await page.getByRole('heading', { name: `Sign in to ${BRAND.name}` }).waitFor();
  await shot(page, '15-login-english');
  assertNoConsoleErrors(ctx, 'anonymous');
  await ctx.close();
  assertNoConsoleErrors(admin, 'admin');
});

test('a signed-in person switches language from the account menu', async () => {
  await adminPage.goto(`${env.url}/`);
  await adminPage.getByRole('button', { name: /Menu du compte/ }).click();
  await adminPage.getByRole('button', { name: 'English' }).click();
  await adminPage.getByRole('heading', { name: 'Your workspaces' }).waitFor();
  await adminPage.reload();
  await adminPage.getByRole('heading', { name: 'Your workspaces' }).waitFor();
  const me = await apiFetch(adminPage, 'GET', '/me');
  assert.equal(me.body.locale, 'en');
  await shot(adminPage, '16-home-english');
  await adminPage.getByRole('button', { name: /Account menu/ }).click();
  await adminPage.getByRole('button', { name: 'Français' }).click();
  await adminPage.getByRole('heading', { name: 'Vos espaces de travail' }).waitFor();
  assertNoConsoleErrors(admin, 'admin');
});

test('a new tab keeps the session: from an open tab, or from the server', async (t) => {
  // Another tab of the same browser hands over the CSRF token.
  const tab = await admin.newPage();
  await tab.goto(`${env.url}/w/${workspaceId}`);
  await tab.getByRole('heading', { name: WS }).waitFor();
  await tab.close();

  const probe = await fetch(`${env.url}/api/v1/auth/session`);
  if (probe.status === 404) {
    t.diagnostic('GET /api/v1/auth/session is missing: the no-other-tab case is skipped');
    return;
  }
  // No tab left: the server hands over the token of the cookie session.
  for (const p of admin.pages()) await p.close();
  adminPage = await admin.newPage();
  await adminPage.goto(`${env.url}/w/${workspaceId}/settings`);
  await adminPage.getByRole('heading', { name: 'Paramètres de l’espace' }).waitFor();
  const r = await apiFetch(adminPage, 'PATCH', `/workspaces/${workspaceId}`, {
    description: 'Refonte du portail des démarches en ligne.',
  });
  assert.equal(r.status, 200);
  assertNoConsoleErrors(admin, 'admin');
});

test('the settings page lists invitations a hundred at a time, then the rest', async () => {
  const email = (i) => `vague-${String(i).padStart(3, '0')}@exemple.fr`;
  for (let i = 0; i < 104; i++) {
    const r = await apiFetch(adminPage, 'POST', `/workspaces/${otherId}/invitations`, {
      email: email(i),
    });
    assert.equal(r.status, 201);
  }
  await adminPage.goto(`${env.url}/w/${otherId}/settings`);
  const section = adminPage.locator('#invitations');
  const rows = section.locator('tr[data-invitation]');
  await section.locator(`tr[data-invitation="${email(103)}"]`).waitFor();
  assert.equal(await rows.count(), 100);
  assert.equal(await section.locator(`tr[data-invitation="${email(0)}"]`).count(), 0);
  const more = section.getByRole('button', { name: 'Afficher plus d’invitations' });
  await more.click();
  await section.locator(`tr[data-invitation="${email(0)}"]`).waitFor();
  assert.equal(await rows.count(), 104);
  await more.waitFor({ state: 'detached' });
  assertNoConsoleErrors(admin, 'admin');
});

test('a colleague is invited by name, picked from the directory, and joins from her home page', async () => {
  const colleague = { email: 'lucie.bernard@exemple.fr', name: 'Lucie Bernard' };
  const made = await apiFetch(adminPage, 'POST', '/admin/users', {
    ...colleague,
    password: 'Hirondelle-Bleue-2031',
  });
  assert.equal(made.status, 201);
  // She is signed in on her (empty) home page: the invitation comes to her live.
  const lucie = await newContext(browser);
  const luciePage = await lucie.newPage();
  await signIn(luciePage, colleague.email, 'Hirondelle-Bleue-2031');
  await adminPage.goto(`${env.url}/w/${otherId}/settings`);
  const section = adminPage.locator('#invitations');
  const field = section.getByLabel('Adresse e-mail');
  // The external person has an account: the directory never holds them.
  const asked = adminPage.waitForResponse((r) => r.url().includes('/api/v1/users?q=Camille'));
  await field.fill('Camille');
  assert.equal((await asked).status(), 200);
  // Two frames: the answer is drawn (were it to hold anyone).
  await adminPage.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
  );
  const suggestions = section.getByRole('listbox', { includeHidden: true }).getByRole('option');
  assert.equal(await suggestions.count(), 0);
  await field.fill('bernard luc');
  const option = suggestions.filter({ hasText: colleague.name });
  await option.waitFor();
  await shot(adminPage, '05b-settings-invite-colleague', section);
  await field.press('ArrowDown');
  await field.press('Enter');
  assert.equal(await field.inputValue(), colleague.email);
  await option.waitFor({ state: 'detached' });
  await section.getByRole('button', { name: 'Envoyer l’invitation' }).click();
  await section.locator(`tr[data-invitation="${colleague.email}"]`).waitFor();
  // Told (a toast, the bell) and listed on her home page: one click joins.
  await luciePage.locator('.toasts').getByText(`${env.admin.name} vous invite à rejoindre « ${OTHER_WS} ».`).waitFor();
  const waiting = luciePage.locator(`#invited li[data-invitation="${OTHER_WS}"]`);
  await waiting.waitFor();
  await shot(luciePage, '05c-home-invitation');
  await waiting.getByRole('button', { name: 'Rejoindre' }).click();
  await luciePage.waitForURL(`${env.url}/w/${otherId}`);
  await luciePage.getByRole('heading', { name: OTHER_WS }).waitFor();
  // Her arrival reaches the owner's open settings.
  await adminPage.locator(`#members [data-member="${colleague.email}"]`).waitFor();
  assertNoConsoleErrors(lucie, 'lucie');
  await lucie.close();
  assertNoConsoleErrors(admin, 'admin');
});

test('the audit log is narrowed by action and outcome, by person, and read further back', async () => {
  const wrong = await apiFetch(adminPage, 'POST', '/auth/login', {
    email: 'intrus@exemple.fr',
    password: 'pas-le-bon-mot-de-passe',
  });
  assert.equal(wrong.status, 401);
  forgetExpected(admin, 401);
  await adminPage.goto(`${env.url}/admin#audit`);
  await adminPage.getByRole('tab', { name: 'Journal d’audit', selected: true }).waitFor();
  const log = adminPage.locator('#audit-log');
  const rows = log.locator('tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 100);
  // Read further back: the 104 invitations of the test before are more than a page.
  await log.getByRole('button', { name: 'Afficher les entrées plus anciennes' }).click();
  await log.locator('tbody tr:nth-child(101)').waitFor();

  await log.getByLabel('Action').fill('auth.login');
  await log.getByLabel('Résultat').selectOption('failure');
  await log.getByRole('button', { name: 'Filtrer' }).click();
  await log.locator('tbody tr', { hasText: 'intrus@exemple.fr' }).waitFor();
  await adminPage.waitForFunction(
    () => document.querySelectorAll('#audit-log tbody tr').length === 1,
  );
  assert.equal(await rows.first().getAttribute('data-audit'), 'auth.login');

  // One person's entries: a click on their name.
  await log.getByRole('button', { name: 'Effacer les filtres' }).click();
  await log.locator('tr[data-audit="invitation.created"]').first().waitFor();
  await log
    .locator('tr[data-audit="invitation.created"]')
    .first()
    .getByRole('button', { name: env.admin.name })
    .click();
  await log.getByRole('button', { name: `Ne plus filtrer sur ${env.admin.name}` }).waitFor();
  await adminPage.waitForFunction(
    (name) =>
      [...document.querySelectorAll('#audit-log tbody tr td:nth-child(4)')].every(
        (td) => td.textContent === name,
      ),
    env.admin.name,
  );
  await shot(adminPage, '23-admin-audit', log);
  assertNoConsoleErrors(admin, 'admin');
});

test('the administration finds accounts by words, role and status', async () => {
  await adminPage.goto(`${env.url}/admin`);
  await adminPage.getByRole('tab', { name: 'Utilisateurs', selected: true }).waitFor();
  const list = adminPage.locator('#users-list');
  const rows = list.locator('tr[data-user]');
  await rows.first().waitFor();
  const everyone = await rows.count();
  assert.ok(everyone >= 2, `${everyone} accounts`);
  await list.getByLabel('Nom ou adresse').fill(env.admin.email.toUpperCase());
  await list.getByRole('button', { name: 'Filtrer' }).click();
  await list.getByRole('heading', { name: '1 compte' }).waitFor();
  assert.equal(await rows.count(), 1);
  assert.equal(await rows.first().getAttribute('data-user'), env.admin.email);
  await list.getByRole('button', { name: 'Effacer les filtres' }).click();
  await adminPage.waitForFunction(
    (n) => document.querySelectorAll('#users-list tr[data-user]').length === n,
    everyone,
  );
  await list.getByLabel('Rôle sur l’instance', { exact: true }).selectOption('guest');
  await list.getByRole('button', { name: 'Filtrer' }).click();
  await list.locator(`tr[data-user="${GUEST.email}"]`).waitFor();
  await adminPage.waitForFunction(() =>
    [...document.querySelectorAll('#users-list tr[data-user] select')].every(
      (s) => s.value === 'guest',
    ),
  );
  await list.getByLabel('Nom ou adresse').fill('personne-introuvable');
  await list.getByRole('button', { name: 'Filtrer' }).click();
  await list.getByText('Aucun compte ne correspond.').waitFor();
  assertNoConsoleErrors(admin, 'admin');
});

test('axe-core finds no critical or serious violation on login, home and settings', async () => {
  // axe is injected inline: only this context bypasses the CSP.
  const ctx = await newContext(browser, { bypassCSP: true });
  const page = await ctx.newPage();
  const report = {};
  await page.goto(`${env.url}/login`);
  await page.getByRole('heading', { name: `Connexion à ${BRAND.name}` }).waitFor();
  report.login = await axe(page);
  await signIn(page, env.admin.email, env.admin.password);
  const screens = {
    home: ['/', 'Vos espaces de travail'],
    workspace: [`/w/${workspaceId}`, WS],
    settings: [`/w/${workspaceId}/settings`, 'Paramètres de l’espace'],
    profile: ['/me', 'Profil et sécurité'],
    admin: ['/admin', 'Administration'],
  };
  for (const [name, [path, heading]] of Object.entries(screens)) {
    await page.goto(`${env.url}${path}`);
    await page.getByRole('heading', { name: heading, exact: true }).waitFor();
    await page.waitForTimeout(150);
    report[name] = await axe(page);
  }
  const bad = Object.entries(report).filter(([, v]) => v.length > 0);
  for (const [name, v] of Object.entries(report))
    metric('axe_serious_or_critical', v.length, { screen: name });
  assert.deepEqual(bad, [], `axe violations:\n${JSON.stringify(bad, null, 2)}`);
  assertNoConsoleErrors(ctx, 'axe');
  await ctx.close();
});

test('two-factor enrolment with a local QR code, then sign-in with a recovery code', async () => {
  await guestPage.goto(`${env.url}/me`);
  await guestPage.getByRole('button', { name: 'Activer la double authentification' }).click();
  const qr = guestPage.getByRole('img', { name: /QR code/ });
  await qr.waitFor();
  assert.match(await qr.getAttribute('src'), /^data:image\/png;base64,/);
  await guestPage.getByText('Saisir la clé manuellement').click();
  const secret = (await guestPage.locator('.totp-enrol__secret').textContent()).trim();
  await shot(guestPage, '17-totp-enrol');
  await guestPage.getByLabel('Code à 6 chiffres affiché par l’application').fill(totp(secret));
  await guestPage.getByRole('button', { name: 'Activer', exact: true }).click();
  const codes = guestPage.locator('.secret__codes code');
  await codes.first().waitFor();
  const recovery = (await codes.first().textContent()).trim();
  await guestPage.getByText('Activée', { exact: true }).waitFor();
  await shot(guestPage, '18-recovery-codes');

  await guestPage.getByRole('button', { name: /Menu du compte/ }).click();
  await guestPage.getByRole('button', { name: 'Se déconnecter' }).click();
  await guestPage.waitForURL(/\/login/);
  await guestPage.getByLabel('Adresse e-mail').fill(GUEST.email);
  await guestPage.getByLabel('Mot de passe').fill(GUEST.password);
  await guestPage.getByRole('button', { name: 'Se connecter' }).click();
  await guestPage.getByLabel('Code de vérification').fill(recovery);
  await shot(guestPage, '19-login-code');
  await guestPage.getByRole('button', { name: 'Vérifier' }).click();
  await guestPage.getByRole('heading', { name: 'Vos espaces de travail' }).waitFor();
  forgetExpected(guest, 401); // the mfa_required answer
  assertNoConsoleErrors(guest, 'guest');
});

test('first run: the one-time setup link creates the first administrator', async () => {
  const server = await freshServer();
  const ctx = await newContext(browser);
  try {
    const page = await ctx.newPage();
    await page.goto(server.link);
    await page.getByRole('heading', { name: 'Premier administrateur' }).waitFor();
    await page.getByLabel('Nom complet').fill('Grace Hopper');
    await page.getByLabel('Adresse e-mail').fill('grace@ruche.test');
    await page.getByLabel('Nouveau mot de passe').fill('Ornithorynque-Vert-1906');
    await shot(page, '20-setup');
    await page.getByRole('button', { name: 'Créer le compte administrateur' }).click();
    await page.getByRole('heading', { name: 'Administration' }).waitFor();
    await page.getByRole('tab', { name: 'Utilisateurs', selected: true }).waitFor();
    await page.locator('tr[data-user="grace@ruche.test"]').waitFor();
    await page.goto(server.link);
    await page.getByText('L’installation est déjà terminée').waitFor();
    assertNoConsoleErrors(ctx, 'setup');
  } finally {
    await ctx.close();
    await server.stop();
  }
});

test('on a phone-sized screen the navigation folds into a menu', async () => {
  const ctx = await newContext(browser, {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await ctx.newPage();
  await signIn(page, env.admin.email, env.admin.password);
  await page.getByRole('heading', { name: 'Vos espaces de travail' }).waitFor();
  const sidebar = page.locator('.sidebar');
  assert.equal(await sidebar.isVisible(), false);
  await page.getByRole('button', { name: 'Afficher ou masquer la navigation' }).click();
  await sidebar.getByText(WS).waitFor();
  await page.waitForTimeout(300); // the slide-in transition
  await shot(page, '21-mobile-menu');
  await sidebar.getByText(WS).click();
  await page.getByRole('heading', { name: WS }).waitFor();
  assert.equal(await sidebar.isVisible(), false);
  await shot(page, '22-mobile-workspace');
  assertNoConsoleErrors(ctx, 'mobile');
  await ctx.close();
});

test('no console errors in any context', () => {
  assertNoConsoleErrors(admin, 'admin');
  assertNoConsoleErrors(guest, 'guest');
});
