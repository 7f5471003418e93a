// A share link opened by a guest in Chromium: a password-protected folder
// (password form, listing, download checked byte for byte, a subfolder by
// its link and back by the breadcrumbs) and a drop folder (upload through
// the page, a taken name renamed by the server). The owner prepares
// everything through the API. Screenshots: build/e2e/share-*.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import {
  assertNoConsoleErrors,
  axe,
  env,
  launch,
  metric,
  newContext,
  pageFetch,
  pageOk,
  shot,
  signIn,
} from './lib.mjs';

const PASSWORD = 'Cerf-Volant-Rouge-5150';
const REPORT = 'Compte rendu du 12 avril\nPrésents : 4\n\u00e9t\u00e9 \u{1F41D}\n';

let browser;
let owner;
let ownerPage;
let wsId = '';

/** A request from the owner's signed-in page: JSON, or raw bytes with `bytes`. */
const call = (method, path, o) => pageFetch(ownerPage, method, path, o);
const ok = (method, path, o) => pageOk(ownerPage, method, path, o);

const b64 = (s) => Buffer.from(s).toString('base64');

before(async () => {
  browser = await launch();
  owner = await newContext(browser);
  ownerPage = await owner.newPage();
  await signIn(ownerPage, env.admin.email, env.admin.password);
  wsId = (await ok('POST', '/workspaces', { json: { name: 'Partages', modules: ['files'] } })).id;
});

after(async () => {
  await browser?.close();
});

test('a password-protected folder: password, listing, download, subfolder', async () => {
  const folder = (
    await ok('POST', `/workspaces/${wsId}/files/folders`, { json: { name: 'Réunions' } })
  ).id;
  const sub = (
    await ok('POST', `/workspaces/${wsId}/files/folders`, {
      json: { name: 'Annexes', parent_id: folder },
    })
  ).id;
  await ok('PUT', `/files/${folder}/children/${encodeURIComponent('compte rendu.txt')}`, {
    bytes: b64(REPORT),
  });
  await ok('PUT', `/files/${sub}/children/plan.txt`, { bytes: b64('plan B') });
  const share = await ok('POST', `/files/${folder}/shares`, { json: { password: PASSWORD } });

  const guest = await newContext(browser, { acceptDownloads: true });
  const page = await guest.newPage();
  // A plain HTTP client still gets data, not the page.
  const api = await guest.request.get(share.url);
  assert.equal(api.status(), 401);
  assert.equal((await api.json()).error.code, 'password_required');

  await page.goto(share.url);
  await page.getByRole('heading', { name: 'Lien protégé' }).waitFor();
  await page.getByLabel('Mot de passe').fill('pas-le-bon-mot');
  await page.getByRole('button', { name: 'Ouvrir' }).click();
  await page.getByText('Mot de passe incorrect.').waitFor();
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Ouvrir' }).click();
  await page.getByRole('heading', { level: 1, name: 'Réunions' }).waitFor();
  const row = page.getByRole('row', { name: /compte rendu\.txt/ });
  await row.waitFor();
  await shot(page, 'share-1-folder');

  // The grant is an HttpOnly cookie for this link only.
  const cookies = await guest.cookies(share.url);
  const grant = cookies.find((c) => c.name === 'ruche_share');
  assert.ok(grant, 'no ruche_share cookie');
  assert.equal(grant.httpOnly, true);
  assert.equal(grant.sameSite, 'Strict');
  assert.equal(grant.path, new URL(share.url).pathname);
  assert.equal(await page.evaluate(() => document.cookie.includes('ruche_share')), false);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    row.getByRole('link', { name: 'Télécharger compte rendu.txt' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'compte rendu.txt');
  assert.equal(readFileSync(await download.path(), 'utf8'), REPORT);

  // Into the subfolder and back by the breadcrumbs; a reload keeps access.
  await page.getByRole('link', { name: 'Annexes' }).click();
  await page.getByRole('heading', { level: 1, name: 'Annexes' }).waitFor();
  assert.match(page.url(), /\/files\/Annexes$/);
  await page.reload();
  await page.getByRole('row', { name: /plan\.txt/ }).waitFor();
  await page.getByRole('navigation', { name: 'Emplacement dans le partage' })
    .getByRole('link', { name: 'Réunions' })
    .click();
  await page.getByRole('row', { name: /compte rendu\.txt/ }).waitFor();
  // A file's own address inside the share shows it, with the way back.
  await page.goto(`${share.url}/files/Annexes/plan.txt`);
  await page.getByRole('heading', { level: 1, name: 'plan.txt' }).waitFor();
  const [plan] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Télécharger' }).click(),
  ]);
  assert.equal(readFileSync(await plan.path(), 'utf8'), 'plan B');
  await page.getByRole('link', { name: '← Retour à Annexes' }).click();
  await page.getByRole('row', { name: /plan\.txt/ }).waitFor();

  const violations = await axeOn(share.url, PASSWORD);
  metric('axe_serious_or_critical', violations.length, { screen: 'share-folder' });
  assert.deepEqual(violations, []);

  // Revoked: the same page now says the link is dead.
  await ok('DELETE', `/shares/${share.id}`);
  await page.reload();
  await page.getByText('Ce lien n’existe pas, a été révoqué ou a expiré.', { exact: false }).waitFor();
  await shot(page, 'share-2-revoked');
  assertNoConsoleErrors(guest, 'guest', [/status of 40[14]/]);
  await guest.close();
});

/** axe-core on the unlocked folder page (a context that may inline the script). */
async function axeOn(url, password) {
  const ctx = await newContext(browser, { bypassCSP: true });
  const page = await ctx.newPage();
  await page.goto(url);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Ouvrir' }).click();
  await page.getByRole('table').waitFor();
  const v = await axe(page);
  await ctx.close();
  return v;
}

test('a drop folder takes files from the page and shows nothing else', async () => {
  const inbox = (
    await ok('POST', `/workspaces/${wsId}/files/folders`, { json: { name: 'Dépôt' } })
  ).id;
  await ok('PUT', `/files/${inbox}/children/devis.txt`, { bytes: b64('confidentiel') });
  const share = await ok('POST', `/files/${inbox}/shares`, { json: { mode: 'upload' } });

  const guest = await newContext(browser);
  const page = await guest.newPage();
  await page.goto(share.url);
  await page.getByRole('heading', { level: 1, name: 'Dépôt' }).waitFor();
  assert.equal(await page.getByText('confidentiel').count(), 0);
  assert.equal(await page.getByText('devis.txt').count(), 0);
  await page.locator('input[type="file"]').setInputFiles([
    { name: 'photo.txt', mimeType: 'text/plain', buffer: Buffer.from('une photo') },
    { name: 'devis.txt', mimeType: 'text/plain', buffer: Buffer.from('mon devis') },
  ]);
  const sent = page.getByRole('list', { name: 'Fichiers envoyés' });
  await sent.getByText('photo.txt').waitFor();
  await sent.getByText('(renommé : « devis.txt » était déjà pris)').waitFor();
  await page.waitForFunction(
    () =>
      document.querySelectorAll('.share-uploads__done').length === 2 &&
      document.querySelectorAll('.share-uploads progress').length === 0,
  );
  assert.equal(await sent.getByText('Envoyé', { exact: true }).count(), 2);
  await shot(page, 'share-3-drop');

  const kids = await ok('GET', `/files/${inbox}/children`);
  const byName = Object.fromEntries(kids.items.map((n) => [n.name, n]));
  assert.deepEqual(Object.keys(byName).sort(), ['devis (2).txt', 'devis.txt', 'photo.txt']);
  const content = await call('GET', `/files/${byName['devis (2).txt'].id}/content`);
  assert.equal(content.body, 'mon devis');
  const original = await call('GET', `/files/${byName['devis.txt'].id}/content`);
  assert.equal(original.body, 'confidentiel');
  assertNoConsoleErrors(guest, 'guest');
  await guest.close();
});

test('no console errors for the owner', () => {
  assertNoConsoleErrors(owner, 'owner');
});
