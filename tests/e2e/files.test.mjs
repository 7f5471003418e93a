// The files screens end to end, in Chromium, against a real server (started
// by run.sh). Three people in three browser contexts: the owner of a
// workspace, a member with the write right and a read-only member. The
// scenarios run in order and share state. Screenshots: build/e2e/files-*.png.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  LOGO_PNG,
  assertNoConsoleErrors,
  axe,
  enrol,
  env,
  launch,
  metric,
  newContext,
  pageFetch,
  pageOk,
  rememberedUpload,
  shot,
  signIn,
  unfinishedUploads,
} from './lib.mjs';

const WS = 'Dossiers Loire';
const WRITER = {
  email: 'camille@ruche.test',
  name: 'Camille Durand',
  password: 'Pelican-Orange-3141',
};
const READER = {
  email: 'denis@ruche.test',
  name: 'Denis Martin',
  password: 'Heron-Cendre-2718',
};
const SHARE_PASSWORD = 'Lanterne-Verte-9021';
/** A file above the tus threshold (8 MiB): sent in resumable chunks. */
const BIG = 9 * 1024 * 1024 + 123;

let browser;
let owner;
let ownerPage;
let writer;
let writerPage;
let reader;
let readerPage;
let wsId = '';
let tmp = '';

const apiFetch = (page, method, path, body) => pageFetch(page, method, path, { json: body });
const ok = (page, method, path, body, status = [200, 201, 204]) =>
  pageOk(page, method, path, { json: body }, status);

/** The root's entries by name, from the API. */
async function rootItems(page) {
  const l = await ok(page, 'GET', `/workspaces/${wsId}/files`);
  return Object.fromEntries(l.items.map((n) => [n.name, n]));
}

/** A one-page PDF with `text` in Helvetica (ASCII only), its cross-reference table exact. */
function minimalPdf(text) {
  const content = `BT /F1 36 Tf 20 90 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R ' +
      '/Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets = objects.map((o, i) => {
    const at = out.length;
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
    return at;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const at of offsets) out += `${String(at).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return out;
}

const option = (page, name) =>
  page.getByRole('listbox', { name: /^Contenu de/ }).getByRole('option', {
    name: new RegExp(`^${name.replace(/[.()]/g, '\\$&')}`),
  });
const entries = (page) => page.getByRole('listbox', { name: /^Contenu de/ }).getByRole('option');
const details = (page, name) => page.getByRole('complementary', { name: `Détails de ${name}` });

async function select(page, name) {
  await option(page, name).click();
  await details(page, name).waitFor();
}

/**
 * Drops files (name -> text or bytes) on the browser, as a person dragging
 * them from the desktop: on the folder shown, or on the element `on` names.
 */
async function dropFiles(page, files, on = '[data-testid="files-drop"]') {
  const list = Object.entries(files).map(([name, v]) => ({
    name,
    b64: Buffer.from(v).toString('base64'),
    type: name.endsWith('.png') ? 'image/png' : 'text/plain',
  }));
  await page.evaluate(
    ({ list, on }) => {
      const dt = new DataTransfer();
      for (const f of list) {
        const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
        dt.items.add(new File([bytes], f.name, { type: f.type }));
      }
      const zone = document.querySelector(on);
      const opts = { bubbles: true, cancelable: true, dataTransfer: dt };
      zone.dispatchEvent(new DragEvent('dragenter', opts));
      zone.dispatchEvent(new DragEvent('dragover', opts));
      zone.dispatchEvent(new DragEvent('drop', opts));
    },
    { list, on },
  );
}

async function uploadsDone(page, count) {
  const title = page.locator('#files-uploads-title');
  await title
    .filter({ hasText: new RegExp(`^${count} fichiers? envoyés?$`) })
    .waitFor({ timeout: 30_000 });
  assert.equal(
    await page.getByRole('progressbar', { name: 'Progression totale' }).getAttribute('value'),
    '100',
  );
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'ruche-e2e-files.'));
  browser = await launch();
  owner = await newContext(browser);
  ownerPage = await owner.newPage();
  await signIn(ownerPage, env.admin.email, env.admin.password);
  wsId = (
    await ok(ownerPage, 'POST', '/workspaces', {
      name: WS,
      modules: ['files', 'chat'],
    })
  ).id;
  writer = await newContext(browser);
  writerPage = await writer.newPage();
  await enrol(ownerPage, wsId, writerPage, WRITER);
  reader = await newContext(browser);
  readerPage = await reader.newPage();
  const readerId = await enrol(ownerPage, wsId, readerPage, READER);
  await ok(ownerPage, 'PATCH', `/workspaces/${wsId}/members/${readerId}`, {
    rights: { files: 'read' },
  });
  // The live connections follow the new workspace.
  await writerPage.reload();
  await ownerPage.reload();
});

after(async () => {
  await browser?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('an empty workspace says how to start; the sidebar leads to the files', async () => {
  await ownerPage.goto(`${env.url}/w/${wsId}`);
  await ownerPage.locator('.sidebar').getByRole('link', { name: 'Fichiers' }).click();
  await ownerPage.waitForURL(new RegExp(`/w/${wsId}/files$`));
  await ownerPage.getByRole('heading', { level: 1, name: 'Fichiers' }).waitFor();
  await ownerPage.getByText('Aucun fichier pour l’instant').waitFor();
  await ownerPage.getByTestId('files-quota').waitFor();
  await shot(ownerPage, 'files-01-empty');
  await writerPage.goto(`${env.url}/w/${wsId}/files`);
  await writerPage.getByText('Aucun fichier pour l’instant').waitFor();
  assertNoConsoleErrors(owner, 'owner');
});

test('the WebDAV addresses shown under the files answer a desktop client', async () => {
  await ownerPage.goto(`${env.url}/w/${wsId}/files`);
  const panel = ownerPage.getByTestId('files-desktop');
  await panel.getByText('Ouvrir ces fichiers depuis votre ordinateur (WebDAV)').click();
  const [here, everywhere, user] = await panel.locator('code').allTextContents();
  const urls = [here, everywhere];
  assert.deepEqual(urls, [`${env.url}/dav/files/${wsId}/`, `${env.url}/dav/files/`]);
  assert.equal(user, env.admin.email);
  const auth = `Basic ${Buffer.from(`${env.admin.email}:${env.admin.password}`).toString('base64')}`;
  const listings = [];
  for (const url of urls) {
    const r = await fetch(url, { method: 'PROPFIND', headers: { Authorization: auth, Depth: '1' } });
    assert.equal(r.status, 207, url);
    listings.push(await r.text());
  }
  assert.ok(listings[1].includes(`<D:href>/dav/files/${wsId}/</D:href>`), listings[1]);
  assert.ok(listings[1].includes(`<D:displayname>${WS}</D:displayname>`), listings[1]);
  await panel.getByRole('link', { name: 'Créer un jeton d’application' }).waitFor();
  assertNoConsoleErrors(owner, 'owner');
});

test('search by name finds a file in a subfolder and opens the folder that holds it', async () => {
  const folder = await ok(ownerPage, 'POST', `/workspaces/${wsId}/files/folders`, { name: 'Comptes' });
  await pageOk(
    ownerPage,
    'PUT',
    `/files/${folder.id}/children/${encodeURIComponent('Bilan trimestriel.txt')}`,
    { bytes: Buffer.from('T3').toString('base64') },
    [200, 201],
  );
  await ownerPage.goto(`${env.url}/w/${wsId}/files`);
  const box = ownerPage.getByRole('searchbox', { name: 'Chercher des fichiers et dossiers par leur nom' });
  await box.fill('TRIMESTRIEL');
  await box.press('Enter');
  const results = ownerPage.getByRole('list', { name: 'Résultats pour « TRIMESTRIEL »' });
  const hit = results.getByRole('button', { name: /Bilan trimestriel\.txt/ });
  await hit.waitFor();
  assert.equal(await results.getByRole('listitem').count(), 1);
  assert.equal(await hit.locator('mark').textContent(), 'trimestriel');
  assert.match(await hit.textContent(), /dans \/Comptes/);
  await shot(ownerPage, 'files-search');
  await hit.click();
  await ownerPage.waitForURL(new RegExp(`/w/${wsId}/files/${folder.id}$`));
  await option(ownerPage, 'Bilan trimestriel.txt').waitFor();
  // Nothing found says so; clearing the box brings the folder back.
  await box.fill('introuvable');
  await box.press('Enter');
  await ownerPage.getByText('Aucun fichier ni dossier de cet espace n’a « introuvable » dans son nom.').waitFor();
  // The newest 50 shown, then the older ones on demand.
  for (let i = 0; i < 60; i++)
    await pageOk(
      ownerPage,
      'PUT',
      `/files/${folder.id}/children/${encodeURIComponent(`Relevé mensuel ${i}.txt`)}`,
      { bytes: Buffer.from(String(i)).toString('base64') },
      [200, 201],
    );
  await box.fill('mensuel');
  await box.press('Enter');
  const monthly = ownerPage.getByRole('list', { name: 'Résultats pour « mensuel »' });
  await monthly.getByRole('button', { name: /Relevé mensuel 59\.txt/ }).waitFor();
  assert.equal(await monthly.getByRole('listitem').count(), 50);
  const older = ownerPage.getByRole('button', { name: 'Noms plus anciens' });
  await older.click();
  await monthly.getByRole('button', { name: /Relevé mensuel 0\.txt/ }).waitFor();
  assert.equal(await monthly.getByRole('listitem').count(), 60);
  await older.waitFor({ state: 'detached' });
  await box.fill('');
  await option(ownerPage, 'Bilan trimestriel.txt').waitFor();
  // The tests after this one start from the root.
  await ownerPage.goto(`${env.url}/w/${wsId}/files`);
  await option(ownerPage, 'Comptes').waitFor();
  assertNoConsoleErrors(owner, 'owner');
});

test('a file starred from its details is in the favorites, which lead to its folder', async () => {
  const folder = await ok(ownerPage, 'POST', `/workspaces/${wsId}/files/folders`, { name: 'Marchés' });
  await pageOk(
    ownerPage,
    'PUT',
    `/files/${folder.id}/children/${encodeURIComponent('Cahier des charges.txt')}`,
    { bytes: Buffer.from('CCTP').toString('base64') },
    [200, 201],
  );
  await ownerPage.goto(`${env.url}/w/${wsId}/files/${folder.id}`);
  await option(ownerPage, 'Cahier des charges.txt').click();
  const pane = details(ownerPage, 'Cahier des charges.txt');
  await pane.getByRole('button', { name: 'Ajouter aux favoris' }).click();
  await pane.getByRole('button', { name: 'Retirer des favoris' }).waitFor();
  assert.equal(await pane.getByRole('button', { name: 'Retirer des favoris' }).getAttribute('aria-pressed'), 'true');

  await ownerPage.goto(`${env.url}/w/${wsId}/files`);
  await ownerPage.getByRole('button', { name: 'Favoris' }).click();
  const list = ownerPage.getByRole('list', { name: 'Favoris' });
  const hit = list.getByRole('button', { name: /^Cahier des charges\.txt/ });
  await hit.waitFor();
  assert.match(await hit.textContent(), /dans \/Marchés/);
  await shot(ownerPage, 'files-favorites');
  await hit.click();
  await ownerPage.waitForURL(new RegExp(`/w/${wsId}/files/${folder.id}$`));
  await option(ownerPage, 'Cahier des charges.txt').waitFor();
  // Unstarred from the favorites: none left.
  await ownerPage.getByRole('button', { name: 'Favoris' }).click();
  // The list empties at once (optimistic); the server's answer comes after.
  const unstarred = ownerPage.waitForResponse(
    (r) => r.request().method() === 'DELETE' && /\/files\/[^/]+\/favorite$/.test(r.url()),
  );
  await list.getByRole('button', { name: 'Retirer Cahier des charges.txt des favoris' }).click();
  await ownerPage.getByText('Aucun favori pour l’instant', { exact: false }).waitFor();
  assert.equal((await unstarred).status(), 204);
  const left = await ok(ownerPage, 'GET', `/workspaces/${wsId}/files/favorites`);
  assert.equal(left.length, 0);
  await ownerPage.goto(`${env.url}/w/${wsId}/files`);
  await option(ownerPage, 'Comptes').waitFor();
  assertNoConsoleErrors(owner, 'owner');
});

test('dropped files upload with progress and appear live for another member', async () => {
  const started = Date.now();
  await dropFiles(ownerPage, {
    'notes.txt': 'Réunion du 3 mars : <b>pas de HTML ici</b>\nDeuxième ligne.\n',
    'plan.png': LOGO_PNG,
    'budget-2026.csv': 'poste;montant\nétude;1200\n',
  });
  await uploadsDone(ownerPage, 3);
  metric('files_drop_upload_ms', Date.now() - started, { files: 3 });
  for (const name of ['notes.txt', 'plan.png', 'budget-2026.csv'])
    await option(ownerPage, name).waitFor();
  await shot(ownerPage, 'files-02-dropped');
  // The other member's screen follows without a reload.
  for (const name of ['notes.txt', 'plan.png', 'budget-2026.csv'])
    await option(writerPage, name).waitFor();
  const items = await rootItems(ownerPage);
  assert.equal(
    items['notes.txt'].size,
    Buffer.byteLength('Réunion du 3 mars : <b>pas de HTML ici</b>\nDeuxième ligne.\n'),
  );
  assertNoConsoleErrors(owner, 'owner');
  assertNoConsoleErrors(writer, 'writer');
});

test('the file input uploads a large file in resumable chunks that survive a dropped connection', async () => {
  const big = Buffer.alloc(BIG);
  for (let i = 0; i < BIG; i += 4096) big[i] = (i / 4096) % 251;
  // The first chunk's connection drops: the upload asks where it is and goes on.
  let dropped = 0;
  const uploads = (u) => u.pathname.startsWith('/api/v1/uploads/');
  await ownerPage.route(uploads, async (route) => {
    if (route.request().method() === 'PATCH' && dropped === 0) {
      dropped++;
      await route.abort('connectionreset');
    } else {
      await route.continue();
    }
  });
  await ownerPage.getByTestId('files-input').setInputFiles([
    { name: 'archive.bin', mimeType: 'application/octet-stream', buffer: big },
    {
      name: 'lisez-moi.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from('# Lisez-moi\n'),
    },
  ]);
  await uploadsDone(ownerPage, 5);
  await ownerPage.unroute(uploads);
  assert.equal(dropped, 1);
  await option(ownerPage, 'archive.bin').waitFor();
  const items = await rootItems(ownerPage);
  assert.equal(items['archive.bin'].size, BIG);
  await shot(ownerPage, 'files-03-uploaded-big');
  assertNoConsoleErrors(owner, 'owner', [/ERR_CONNECTION_RESET|ERR_FAILED/]);
  owner.errors.length = 0;
});

test('an upload in flight can be cancelled: nothing is left behind', async () => {
  // Slow chunks, as on a poor connection.
  const slow = (u) => u.pathname.startsWith('/api/v1/uploads/');
  await ownerPage.route(slow, async (route) => {
    if (route.request().method() === 'PATCH') await new Promise((r) => setTimeout(r, 1500));
    await route.continue().catch(() => undefined);
  });
  await ownerPage
    .getByTestId('files-input')
    .setInputFiles([
      { name: 'annule.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(BIG) },
    ]);
  const row = ownerPage.locator('.files-upload', { hasText: 'annule.bin' });
  await ownerPage
    .locator('.files-upload[data-status="uploading"]', { hasText: 'annule.bin' })
    .waitFor();
  await row.getByRole('button', { name: 'Annuler l’envoi de annule.bin' }).click();
  await row.getByText('Annulé').waitFor();
  await ownerPage.unroute(slow);
  await ownerPage.waitForTimeout(500);
  assert.equal((await rootItems(ownerPage))['annule.bin'], undefined);
  assert.equal(await option(ownerPage, 'annule.bin').count(), 0);
  assertNoConsoleErrors(owner, 'owner', [/ERR_FAILED|ERR_ABORTED/]);
  owner.errors.length = 0;
});

test('a folder picked with its subfolders is recreated, then browsed by breadcrumbs', async () => {
  const dir = join(tmp, 'Chantier');
  mkdirSync(join(dir, 'photos', '2026'), { recursive: true });
  writeFileSync(join(dir, 'compte-rendu.txt'), 'Compte rendu');
  writeFileSync(join(dir, 'photos', '2026', 'pont.png'), LOGO_PNG);
  await ownerPage.getByTestId('folder-input').setInputFiles(dir);
  await uploadsDone(ownerPage, 7);
  const chantier = option(ownerPage, 'Chantier');
  await chantier.waitFor();
  await chantier.dblclick();
  await ownerPage.getByRole('heading', { level: 1, name: 'Chantier' }).waitFor();
  await option(ownerPage, 'compte-rendu.txt').waitFor();
  // Keyboard: the first entry has the focus; Enter opens the folder.
  await option(ownerPage, 'photos').click();
  await ownerPage.keyboard.press('Enter');
  await ownerPage.getByRole('heading', { level: 1, name: 'photos' }).waitFor();
  await option(ownerPage, '2026').dblclick();
  await option(ownerPage, 'pont.png').waitFor();
  const crumbs = ownerPage.getByRole('navigation', { name: 'Emplacement' });
  assert.equal(await crumbs.locator('[aria-current="page"]').textContent(), '2026');
  await shot(ownerPage, 'files-04-breadcrumbs');
  // Backspace goes up one folder.
  await option(ownerPage, 'pont.png').click();
  await ownerPage.keyboard.press('Backspace');
  await ownerPage.getByRole('heading', { level: 1, name: 'photos' }).waitFor();
  await option(ownerPage, '2026').waitFor();
  await crumbs.getByRole('link', { name: 'Chantier' }).click();
  await ownerPage.getByRole('heading', { level: 1, name: 'Chantier' }).waitFor();
  await crumbs.getByRole('link', { name: 'Fichiers' }).click();
  await ownerPage.getByRole('heading', { level: 1, name: 'Fichiers' }).waitFor();
  await option(ownerPage, 'notes.txt').waitFor();
  assertNoConsoleErrors(owner, 'owner');
});

test('create a folder, rename with F2, move and copy through the folder picker', async () => {
  await ownerPage.getByRole('button', { name: 'Nouveau dossier' }).click();
  const dialog = ownerPage.getByRole('dialog', { name: 'Nouveau dossier' });
  await dialog.getByLabel('Nom du dossier').fill('Rapports');
  await dialog.getByRole('button', { name: 'Créer le dossier' }).click();
  await option(ownerPage, 'Rapports').waitFor();
  await option(writerPage, 'Rapports').waitFor();

  // F2 renames the selected entry.
  await select(ownerPage, 'budget-2026.csv');
  await ownerPage.keyboard.press('F2');
  const rename = ownerPage.getByRole('dialog', {
    name: 'Renommer « budget-2026.csv »',
  });
  // A name already taken: 409, said in words.
  await rename.getByLabel('Nouveau nom').fill('notes.txt');
  await rename.getByRole('button', { name: 'Renommer' }).click();
  await rename.getByRole('alert').getByText('Un élément porte déjà ce nom ici.').waitFor();
  await rename.getByLabel('Nouveau nom').fill('budget-final.csv');
  await shot(ownerPage, 'files-05-rename');
  await rename.getByLabel('Nouveau nom').press('Enter');
  await option(ownerPage, 'budget-final.csv').waitFor();
  await option(writerPage, 'budget-final.csv').waitFor();
  assert.equal(await option(writerPage, 'budget-2026.csv').count(), 0);

  // Move into Rapports.
  await select(ownerPage, 'budget-final.csv');
  await details(ownerPage, 'budget-final.csv').getByRole('button', { name: 'Déplacer' }).click();
  const move = ownerPage.getByRole('dialog', {
    name: 'Déplacer « budget-final.csv »',
  });
  await move.getByRole('button', { name: 'Rapports' }).click();
  await shot(ownerPage, 'files-06-move-picker');
  await move.getByRole('button', { name: 'Déplacer dans Rapports' }).click();
  await option(ownerPage, 'budget-final.csv').waitFor({ state: 'detached' });
  await option(writerPage, 'budget-final.csv').waitFor({ state: 'detached' });

  // Copy notes.txt into Rapports.
  await select(ownerPage, 'notes.txt');
  await details(ownerPage, 'notes.txt').getByRole('button', { name: 'Copier' }).click();
  const copy = ownerPage.getByRole('dialog', { name: 'Copier « notes.txt »' });
  await copy.getByRole('button', { name: 'Rapports' }).click();
  await copy.getByRole('button', { name: 'Copier dans Rapports' }).click();
  await copy.waitFor({ state: 'detached' });
  const rapports = (await rootItems(ownerPage)).Rapports;
  const inside = await ok(ownerPage, 'GET', `/files/${rapports.id}/children`);
  assert.deepEqual(inside.items.map((n) => n.name).sort(), ['budget-final.csv', 'notes.txt']);
  assertNoConsoleErrors(owner, 'owner', [/status of 409/]);
  owner.errors.length = 0;
  assertNoConsoleErrors(writer, 'writer');
});

test('Delete moves to the trash; the trash restores and purges', async () => {
  await select(ownerPage, 'lisez-moi.md');
  await ownerPage.keyboard.press('Delete');
  await option(ownerPage, 'lisez-moi.md').waitFor({ state: 'detached' });
  await ownerPage.locator('.toast', { hasText: '« lisez-moi.md » mis à la corbeille' }).waitFor();
  await select(ownerPage, 'Chantier');
  await details(ownerPage, 'Chantier')
    .getByRole('button', { name: 'Mettre à la corbeille' })
    .click();
  await option(ownerPage, 'Chantier').waitFor({ state: 'detached' });

  await ownerPage.getByRole('button', { name: 'Corbeille' }).click();
  await ownerPage.waitForURL(new RegExp(`/w/${wsId}/files/trash$`));
  await ownerPage.getByRole('heading', { level: 1, name: 'Corbeille' }).waitFor();
  await ownerPage.getByRole('row', { name: /lisez-moi\.md/ }).waitFor();
  await shot(ownerPage, 'files-07-trash');
  await ownerPage.getByRole('button', { name: 'Restaurer lisez-moi.md' }).click();
  await ownerPage.getByRole('row', { name: /lisez-moi\.md/ }).waitFor({ state: 'detached' });
  await ownerPage.getByRole('button', { name: 'Supprimer définitivement Chantier' }).click();
  const confirm = ownerPage.getByRole('dialog', {
    name: 'Supprimer « Chantier » définitivement ?',
  });
  await confirm.getByRole('button', { name: 'Supprimer définitivement' }).click();
  await ownerPage.getByText('La corbeille est vide').waitFor();
  await ownerPage.getByRole('link', { name: 'Retour aux fichiers' }).click();
  await option(ownerPage, 'lisez-moi.md').waitFor();
  await option(writerPage, 'lisez-moi.md').waitFor();
  assert.equal(await option(writerPage, 'Chantier').count(), 0);
  assertNoConsoleErrors(owner, 'owner');
});

test('the trash shows its newest 200 entries, then older ones on demand', async () => {
  // 201 deletions by Camille, a file each, ten at a time.
  const made = await writerPage.evaluate(
    async ({ ws, count }) => {
      const csrf = JSON.parse(sessionStorage.getItem('ruche.csrf') ?? 'null');
      const headers = { [csrf.header]: csrf.token };
      const one = async (i) => {
        const name = `ancien-${String(i).padStart(3, '0')}.txt`;
        const put = await fetch(`/api/v1/workspaces/${ws}/files/children/${name}`, {
          method: 'PUT',
          headers: { ...headers, 'Content-Type': 'application/octet-stream' },
          body: 'x',
          credentials: 'same-origin',
        });
        if (put.status !== 201) return `PUT ${name}: ${put.status}`;
        const { id } = await put.json();
        const del = await fetch(`/api/v1/files/${id}`, {
          method: 'DELETE',
          headers,
          credentials: 'same-origin',
        });
        return del.status === 204 ? id : `DELETE ${name}: ${del.status}`;
      };
      const ids = [];
      for (let i = 0; i < count; i += 10)
        ids.push(
          ...(await Promise.all(
            Array.from({ length: Math.min(10, count - i) }, (_, k) => one(i + k)),
          )),
        );
      return ids;
    },
    { ws: wsId, count: 201 },
  );
  assert.deepEqual(
    made.filter((r) => r.includes(' ')),
    [],
  );
  await ownerPage.getByRole('button', { name: 'Corbeille' }).click();
  await ownerPage.waitForURL(new RegExp(`/w/${wsId}/files/trash$`));
  const rows = ownerPage.locator('.files-trash__table tbody tr');
  const older = ownerPage.getByRole('button', { name: 'Suppressions plus anciennes' });
  await older.waitFor();
  assert.equal(await rows.count(), 200);
  await older.click();
  await older.waitFor({ state: 'detached' });
  assert.equal(await rows.count(), 201);
  assert.match(await rows.last().textContent(), /ancien-00\d\.txt/, 'the oldest last');

  // Purged, the trash is empty again.
  const purged = await ownerPage.evaluate(async (ids) => {
    const csrf = JSON.parse(sessionStorage.getItem('ruche.csrf') ?? 'null');
    let failed = 0;
    for (const id of ids) {
      const r = await fetch(`/api/v1/files/${id}?purge=1`, {
        method: 'DELETE',
        headers: { [csrf.header]: csrf.token },
        credentials: 'same-origin',
      });
      if (r.status !== 204) ++failed;
    }
    return failed;
  }, made);
  assert.equal(purged, 0);
  await ownerPage.getByRole('link', { name: 'Retour aux fichiers' }).click();
  await option(ownerPage, 'lisez-moi.md').waitFor();
  assertNoConsoleErrors(owner, 'owner');
});

test('previews: an image through an object URL, text escaped in a <pre>, PDF drawn in a sandboxed frame', async () => {
  await select(ownerPage, 'plan.png');
  await details(ownerPage, 'plan.png').getByRole('button', { name: 'Aperçu' }).click();
  const img = ownerPage
    .getByRole('dialog', { name: 'plan.png' })
    .getByRole('img', { name: 'Aperçu de plan.png' });
  await img.waitFor();
  await ownerPage.waitForFunction(
    () => document.querySelector('.files-preview img')?.naturalWidth === 16,
  );
  assert.match(await img.getAttribute('src'), /^blob:/);
  await shot(ownerPage, 'files-08-preview-image');
  await ownerPage.keyboard.press('Escape');

  await option(ownerPage, 'notes.txt').click();
  await ownerPage.keyboard.press('Enter');
  const text = ownerPage.getByRole('dialog', { name: 'notes.txt' }).locator('pre');
  await text.waitFor();
  assert.match(await text.textContent(), /<b>pas de HTML ici<\/b>/);
  assert.equal(await text.locator('b').count(), 0);
  await shot(ownerPage, 'files-09-preview-text');
  await ownerPage.keyboard.press('Escape');

  await dropFiles(ownerPage, { 'devis.pdf': minimalPdf('Devis 2026'), 'casse.pdf': '%PDF-1.4\n%%EOF\n' });
  await uploadsDone(ownerPage, 9);
  await option(ownerPage, 'devis.pdf').dblclick();
  const pdfFrame = ownerPage
    .getByRole('dialog', { name: 'devis.pdf' })
    .locator('iframe[title="Pages de devis.pdf"]');
  assert.equal(await pdfFrame.getAttribute('sandbox'), 'allow-scripts');
  await pdfFrame.contentFrame().getByRole('img', { name: 'Page 1 sur 1' }).waitFor();
  const viewer = ownerPage.frames().find((f) => f.url().endsWith('/pdf-viewer.html'));
  assert.ok(viewer, 'no PDF frame');
  // Drawn: dark pixels where the text is. Sandboxed: an opaque origin, no cookie.
  const seen = await viewer.evaluate(() => {
    const c = document.querySelector('canvas');
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let dark = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i] < 128 && px[i + 3] > 0) dark++;
    let cookie = 'readable';
    try {
      void document.cookie;
    } catch {
      cookie = 'blocked';
    }
    return { dark, origin: window.origin, cookie };
  });
  assert.ok(seen.dark > 50, `the page looks blank (${seen.dark} dark pixels)`);
  assert.equal(seen.origin, 'null');
  assert.equal(seen.cookie, 'blocked');
  // The page is sandboxed by its own policy too (opened directly, it still
  // gets an opaque origin), and only the app may frame it.
  const heads = await ownerPage.evaluate(async () => {
    const page = await fetch('/pdf-viewer.html');
    const script = await fetch('/pdf-viewer/viewer.js');
    return {
      csp: page.headers.get('Content-Security-Policy'),
      xfo: page.headers.get('X-Frame-Options'),
      corp: script.headers.get('Cross-Origin-Resource-Policy'),
    };
  });
  assert.match(heads.csp, /sandbox allow-scripts/);
  assert.match(heads.csp, /frame-ancestors 'self'/);
  assert.doesNotMatch(heads.csp, /unsafe/);
  assert.equal(heads.xfo, 'SAMEORIGIN');
  assert.equal(heads.corp, 'cross-origin');
  await shot(ownerPage, 'files-09b-preview-pdf');
  await ownerPage.keyboard.press('Escape');
  await option(ownerPage, 'casse.pdf').dblclick();
  await ownerPage
    .getByRole('dialog', { name: 'casse.pdf' })
    .getByText('n’a pas pu être lu')
    .waitFor();
  await ownerPage.keyboard.press('Escape');
  assertNoConsoleErrors(owner, 'owner');
});

test('a share link with a password opens anonymously, only with the password', async () => {
  await select(ownerPage, 'notes.txt');
  await details(ownerPage, 'notes.txt').getByRole('button', { name: 'Partager' }).click();
  const dialog = ownerPage.getByRole('dialog', {
    name: 'Partager « notes.txt »',
  });
  await dialog.getByLabel('Mot de passe (facultatif)').fill(SHARE_PASSWORD);
  await dialog.getByLabel('Nombre de téléchargements').fill('5');
  await dialog.getByRole('button', { name: 'Créer le lien' }).click();
  const link = dialog.locator('.secret__value code');
  await link.waitFor();
  const url = await link.textContent();
  assert.match(url, /\/s\/[A-Za-z0-9_-]{20,}$/);
  await dialog.getByText('Copiez-le maintenant').waitFor();
  await dialog.getByText('0 téléchargement sur 5').waitFor();
  await shot(ownerPage, 'files-10-share');

  const guest = await browser.newContext();
  try {
    const path = new URL(url).pathname;
    const denied = await guest.request.get(`${env.url}${path}`);
    assert.equal(denied.status(), 401);
    assert.equal((await denied.json()).error.code, 'password_required');
    const wrong = await guest.request.get(`${env.url}${path}`, {
      headers: { 'X-Share-Password': 'pas-le-bon-mot' },
    });
    assert.equal(wrong.status(), 401);
    const got = await guest.request.get(`${env.url}${path}`, {
      headers: { 'X-Share-Password': SHARE_PASSWORD },
    });
    assert.equal(got.status(), 200);
    assert.match(got.headers()['content-disposition'], /attachment/);
    assert.match(await got.text(), /Réunion du 3 mars/);
  } finally {
    await guest.close();
  }
  // Revoked: the link stops working.
  await dialog.getByRole('button', { name: 'Fermer' }).click();
  await details(ownerPage, 'notes.txt').getByRole('button', { name: 'Partager' }).click();
  await dialog.getByText('1 téléchargement sur 5').waitFor();
  await dialog.getByRole('button', { name: 'Révoquer' }).click();
  await dialog.getByText('Aucun lien actif.').waitFor();
  await dialog.getByRole('button', { name: 'Fermer' }).click();
  assertNoConsoleErrors(owner, 'owner');
});

test('versions: upload a new version, then restore the old one', async () => {
  await select(ownerPage, 'notes.txt');
  await details(ownerPage, 'notes.txt').getByRole('button', { name: 'Versions' }).click();
  const dialog = ownerPage.getByRole('dialog', {
    name: 'Versions de « notes.txt »',
  });
  await dialog.getByRole('row', { name: /Version 1/ }).waitFor();
  await dialog.getByTestId('version-input').setInputFiles({
    name: 'notes-v2.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('Deuxième version des notes.\n'),
  });
  await dialog.getByRole('row', { name: /Version 2/ }).waitFor();
  await dialog.getByRole('row', { name: /Version 2.*Actuelle/ }).waitFor();
  const fid = (await rootItems(ownerPage))['notes.txt'].id;
  assert.equal(
    await ok(ownerPage, 'GET', `/files/${fid}/content`),
    'Deuxième version des notes.\n',
  );
  await shot(ownerPage, 'files-11-versions');
  await dialog.getByRole('button', { name: 'Restaurer la version 1' }).click();
  await dialog.getByRole('row', { name: /Version 3.*Actuelle/ }).waitFor();
  assert.match(await ok(ownerPage, 'GET', `/files/${fid}/content`), /^Réunion du 3 mars/);
  await dialog.getByRole('button', { name: 'Fermer' }).click();
  assertNoConsoleErrors(owner, 'owner');
});

test('an existing name asks: keep both adds a number', async () => {
  await dropFiles(ownerPage, { 'notes.txt': 'Une autre note' });
  const dialog = ownerPage.getByRole('dialog', {
    name: 'Un élément porte déjà ce nom',
  });
  await dialog.waitFor();
  await shot(ownerPage, 'files-12-conflict');
  await dialog.getByRole('button', { name: 'Garder les deux' }).click();
  await option(ownerPage, 'notes (2).txt').waitFor();
  assertNoConsoleErrors(owner, 'owner');
});

test('files dropped on a folder go into it; a taken name there asks first', async () => {
  const into = await ok(ownerPage, 'POST', `/workspaces/${wsId}/files/folders`, {
    name: 'Arrivées',
  });
  await option(ownerPage, 'Arrivées').waitFor();
  const row = `li[role="option"][data-id="${into.id}"]`;
  const inside = async () =>
    (await ok(ownerPage, 'GET', `/files/${into.id}/children`)).items.map((n) => n.name).sort();
  await dropFiles(ownerPage, { 'bon-de-livraison.txt': 'BL 4512' }, row);
  await ownerPage
    .locator('.files-upload', { hasText: 'bon-de-livraison.txt' })
    .getByText('Envoyé')
    .waitFor();
  assert.deepEqual(await inside(), ['bon-de-livraison.txt']);
  assert.equal(await option(ownerPage, 'bon-de-livraison.txt').count(), 0);
  // The same name again, on the folder: the names there count, not the ones shown.
  await dropFiles(ownerPage, { 'bon-de-livraison.txt': 'BL 4513' }, row);
  const dialog = ownerPage.getByRole('dialog', { name: 'Un élément porte déjà ce nom' });
  await dialog.getByRole('button', { name: 'Garder les deux' }).click();
  await ownerPage
    .locator('.files-upload', { hasText: 'bon-de-livraison (2).txt' })
    .getByText('Envoyé')
    .waitFor();
  assert.deepEqual(await inside(), ['bon-de-livraison (2).txt', 'bon-de-livraison.txt']);
  assertNoConsoleErrors(owner, 'owner');
});

test('a large upload interrupted by a reload shows as interrupted and goes on with its file picked again', async () => {
  // On disk: picked again, it has the same name, size and modification time.
  // Past one chunk (8 MiB), smaller than archive.bin (the grid sorts by size).
  const size = 8 * 1024 * 1024 + 65_536;
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + (i >> 13)) & 255;
  const path = join(tmp, 'reprise.bin');
  writeFileSync(path, bytes);
  mkdirSync(join(tmp, 'autre'));
  const other = join(tmp, 'autre', 'reprise.bin');
  writeFileSync(other, bytes.subarray(0, size - 1));

  // The first chunk reaches the server; the second never does: the page is reloaded meanwhile.
  const uploads = (u) => u.pathname.startsWith('/api/v1/uploads/');
  const later = (r) => r.method() === 'PATCH' && r.headers()['upload-offset'] !== '0';
  let held = null;
  await ownerPage.route(uploads, async (route) => {
    if (later(route.request())) held = route;
    else await route.continue();
  });
  const firstChunk = ownerPage.waitForResponse(
    (r) => r.request().method() === 'PATCH' && uploads(new URL(r.url())),
  );
  const secondChunk = ownerPage.waitForRequest((r) => uploads(new URL(r.url())) && later(r));
  await ownerPage.getByTestId('files-input').setInputFiles(path);
  assert.equal((await firstChunk).status(), 204);
  await secondChunk;
  // Remembered by this browser (IndexedDB): where it lands and how to know the file, no bytes.
  const kept = await rememberedUpload(ownerPage, (u) => u.name === 'reprise.bin');
  assert.equal(kept.kind, 'plain');
  assert.equal(kept.size, size);
  assert.equal(kept.target, '/reprise.bin');
  assert.equal(kept.fileName, 'reprise.bin');
  assert.equal(kept.sealed, undefined);
  assert.match(kept.url, /^\/api\/v1\/uploads\/[0-9A-Za-z]+$/);
  const url = kept.url;
  assert.equal(
    await ownerPage.locator('.files-upload', { hasText: 'reprise.bin' }).getAttribute('data-status'),
    'uploading',
  );

  // Uploads in flight ask before the page goes: it goes.
  const accept = (d) => d.accept().catch(() => undefined);
  ownerPage.on('dialog', accept);
  await ownerPage.reload();
  ownerPage.off('dialog', accept);
  await held?.abort().catch(() => undefined);
  await ownerPage.unroute(uploads);
  const sent = [];
  const onRequest = (r) => {
    const p = new URL(r.url()).pathname;
    if (uploads(new URL(r.url())) || p === `/api/v1/workspaces/${wsId}/files/uploads`)
      sent.push({ method: r.method(), path: p, offset: r.headers()['upload-offset'] });
  };
  ownerPage.on('request', onRequest);
  const row = ownerPage.locator('.files-upload', { hasText: 'reprise.bin' });
  await ownerPage.locator('.files-upload[data-status="interrupted"]', { hasText: 'reprise.bin' }).waitFor();
  await row.getByText('Interrompu : choisissez de nouveau le fichier pour reprendre l’envoi.').waitFor();
  await ownerPage.locator('#files-uploads-title').filter({ hasText: /^1 envoi interrompu$/ }).waitFor();
  await shot(ownerPage, 'files-13a-interrupted');

  // Another file of that name (one byte shorter): refused, said, nothing sent.
  const input = row.getByLabel('Fichier à reprendre : reprise.bin');
  await input.setInputFiles(other);
  await row
    .getByRole('alert')
    .getByText('« reprise.bin » n’est pas le fichier interrompu', { exact: false })
    .waitFor();
  assert.equal(await row.getAttribute('data-status'), 'interrupted');
  assert.deepEqual(sent, []);

  // The same file: it goes on at the same URL, from the server's offset.
  await input.setInputFiles(path);
  await ownerPage.locator('.files-upload[data-status="done"]', { hasText: 'reprise.bin' }).waitFor({ timeout: 30_000 });
  ownerPage.off('request', onRequest);
  assert.deepEqual(sent, [
    { method: 'HEAD', path: url, offset: undefined },
    { method: 'PATCH', path: url, offset: String(8 * 1024 * 1024) },
  ]);
  assert.equal((await unfinishedUploads(ownerPage)).length, 0);

  // The file is whole: downloaded, the very bytes.
  await select(ownerPage, 'reprise.bin');
  const [download] = await Promise.all([
    ownerPage.waitForEvent('download'),
    details(ownerPage, 'reprise.bin').getByRole('button', { name: 'Télécharger' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'reprise.bin');
  assert.ok(readFileSync(await download.path()).equals(bytes), 'the downloaded bytes differ');
  assertNoConsoleErrors(owner, 'owner', [/ERR_FAILED|ERR_ABORTED/]);
  owner.errors.length = 0;
});

test('signing out forgets the uploads this browser kept, here and on the server', async () => {
  const size = 8 * 1024 * 1024 + 4096;
  const path = join(tmp, 'depart.bin');
  writeFileSync(path, Buffer.alloc(size, 7));
  await writerPage.goto(`${env.url}/w/${wsId}/files`);
  // The first chunk reaches the server; the second waits: interrupted by the sign-out.
  const uploads = (u) => u.pathname.startsWith('/api/v1/uploads/');
  const later = (r) => r.method() === 'PATCH' && r.headers()['upload-offset'] !== '0';
  let held = null;
  await writerPage.route(uploads, async (route) => {
    if (later(route.request())) held = route;
    else await route.continue();
  });
  const secondChunk = writerPage.waitForRequest((r) => uploads(new URL(r.url())) && later(r));
  await writerPage.getByTestId('files-input').setInputFiles(path);
  await secondChunk;
  const kept = await rememberedUpload(writerPage, (u) => u.name === 'depart.bin');
  const tusHead = (url) =>
    writerPage.evaluate(
      async (u) =>
        (await fetch(u, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } })).status,
      url,
    );
  assert.equal(await tusHead(kept.url), 200);

  const terminated = writerPage.waitForResponse(
    (r) => r.request().method() === 'DELETE' && new URL(r.url()).pathname === kept.url,
  );
  const accept = (d) => d.accept().catch(() => undefined);
  writerPage.on('dialog', accept);
  await writerPage.getByRole('button', { name: /Menu du compte/ }).click();
  await writerPage.getByRole('button', { name: 'Se déconnecter' }).click();
  assert.equal((await terminated).status(), 204);
  await writerPage.waitForURL(/\/login/);
  writerPage.off('dialog', accept);
  await held?.abort().catch(() => undefined);
  await writerPage.unroute(uploads);
  // Nothing of it stays in this browser (its name, its folder).
  assert.deepEqual(
    (await unfinishedUploads(writerPage)).filter((u) => u.userId === kept.userId),
    [],
  );

  // Back in: no interrupted upload to show, and the server let it go.
  await signIn(writerPage, WRITER.email, WRITER.password);
  await writerPage.goto(`${env.url}/w/${wsId}/files`);
  await writerPage.getByTestId('files-input').waitFor({ state: 'attached' });
  assert.equal(await writerPage.locator('.files-upload', { hasText: 'depart.bin' }).count(), 0);
  assert.equal(await tusHead(kept.url), 404);
  assertNoConsoleErrors(writer, 'writer', [/status of 404/, /ERR_FAILED|ERR_ABORTED/]);
  writer.errors.length = 0;
});

test('a full quota is said clearly; a lock shows who holds it', async () => {
  const usage = await ok(ownerPage, 'GET', `/workspaces/${wsId}/files/usage`);
  await ok(ownerPage, 'PUT', `/admin/workspaces/${wsId}/files-quota`, {
    quota_bytes: usage.used_bytes + 100,
  });
  await ownerPage.reload();
  await option(ownerPage, 'notes.txt').waitFor();
  await dropFiles(ownerPage, { 'trop-gros.txt': 'x'.repeat(5000) });
  const row = ownerPage.locator('.files-upload', { hasText: 'trop-gros.txt' });
  await row.getByText('Le quota de stockage de l’espace est atteint').waitFor();
  await ownerPage
    .getByTestId('files-quota')
    .getByText(/utilisés sur/)
    .waitFor();
  await shot(ownerPage, 'files-13-quota');
  await ok(ownerPage, 'PUT', `/admin/workspaces/${wsId}/files-quota`, {
    quota_bytes: null,
  });

  const fid = (await rootItems(ownerPage))['notes.txt'].id;
  const lock = await ok(writerPage, 'POST', `/files/${fid}/lock`, {
    timeout_s: 600,
  });
  await ownerPage.reload();
  await option(ownerPage, 'notes.txt').getByText(`Verrouillé par ${WRITER.name}`).waitFor();
  await select(ownerPage, 'notes.txt');
  await details(ownerPage, 'notes.txt')
    .getByText(/Verrouillé par Camille Durand jusqu’au/)
    .waitFor();
  await shot(ownerPage, 'files-14-lock');
  await writerPage.evaluate(
    async ({ fid, token }) => {
      const csrf = JSON.parse(sessionStorage.getItem('ruche.csrf'));
      await fetch(`/api/v1/files/${fid}/lock`, {
        method: 'DELETE',
        headers: { [csrf.header]: csrf.token, 'Lock-Token': `<${token}>` },
      });
    },
    { fid, token: lock.token },
  );
  assertNoConsoleErrors(owner, 'owner', [/status of 507/]);
  owner.errors.length = 0;
  writer.errors.length = 0;
});

test('list or grid, remembered; arrows move in the grid', async () => {
  await ownerPage.getByRole('button', { name: 'Grille' }).click();
  await ownerPage.locator('.files-list--grid').waitFor();
  await ownerPage.reload();
  await ownerPage.locator('.files-list--grid').waitFor();
  assert.equal(
    await ownerPage.getByRole('button', { name: 'Grille' }).getAttribute('aria-pressed'),
    'true',
  );
  // An image's tile shows the picture, drawn from its bytes on a canvas (no
  // <img> pointing at the API); other files keep their icon.
  const thumb = option(ownerPage, 'plan.png').locator('canvas.files-thumb__canvas');
  await thumb.waitFor();
  const pixel = await thumb.evaluate((c) =>
    Array.from(c.getContext('2d').getImageData(120, 90, 1, 1).data),
  );
  const purple = [0x6a, 0x1b, 0x9a, 255]; // LOGO_PNG's one colour
  assert.ok(
    pixel.every((v, i) => Math.abs(v - purple[i]) <= 2),
    `thumbnail pixel ${pixel}`,
  );
  assert.equal(await option(ownerPage, 'notes.txt').locator('canvas').count(), 0);
  assert.equal(await ownerPage.locator('.files-list img').count(), 0);
  const first = entries(ownerPage).first();
  await first.click();
  await ownerPage.keyboard.press('ArrowRight');
  const second = await entries(ownerPage).nth(1).getAttribute('aria-selected');
  assert.equal(second, 'true');
  await ownerPage.keyboard.press('End');
  assert.equal(await entries(ownerPage).last().getAttribute('aria-selected'), 'true');
  assert.equal(
    await ownerPage.evaluate(() => document.activeElement?.getAttribute('role')),
    'option',
  );
  await shot(ownerPage, 'files-15-grid');
  // Sorting by size puts the big file last among files.
  await ownerPage.getByLabel('Trier par').selectOption('size');
  const kinds = await entries(ownerPage).evaluateAll((els) => els.map((e) => e.dataset.kind));
  assert.equal(kinds[0], 'folder', JSON.stringify(kinds));
  assert.match(await entries(ownerPage).last().textContent(), /archive\.bin/);
  await ownerPage.getByLabel('Trier par').selectOption('name');
  await ownerPage.getByRole('button', { name: 'Liste' }).click();
  assertNoConsoleErrors(owner, 'owner');
});

test('a folder of 1,200 entries: further pages load while scrolling, the keyboard reaches the last', async () => {
  const N = 1200; // more than a page (1,000)
  const big = await ok(ownerPage, 'POST', `/workspaces/${wsId}/files/folders`, { name: 'Archives' });
  // Its entries by WebDAV from here, 16 at a time, waiting when the server
  // says to (writes are rate-limited per person: REL-4). Names sort as numbers.
  const auth = `Basic ${Buffer.from(`${env.admin.email}:${env.admin.password}`).toString('base64')}`;
  let next = 0;
  let made = 0;
  const worker = async () => {
    while (next < N) {
      const name = `Lot ${String(++next).padStart(4, '0')}`;
      for (;;) {
        const r = await fetch(`${env.url}/dav/files/${wsId}/Archives/${encodeURIComponent(name)}`, {
          method: 'MKCOL',
          headers: { Authorization: auth },
        });
        if (r.status === 429) {
          await new Promise((done) => setTimeout(done, 1000 * Number(r.headers.get('Retry-After') ?? 1)));
          continue;
        }
        if (r.status === 201) made++;
        break;
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  assert.equal(made, N);
  await option(ownerPage, 'Archives').dblclick();
  await ownerPage.getByRole('heading', { level: 1, name: 'Archives' }).waitFor();
  await option(ownerPage, 'Lot 0001').waitFor();
  assert.equal(await entries(ownerPage).count(), 1000); // the first page
  // End, again and again: each time the last entry loaded takes the focus,
  // and the next page comes as the list nears its end, without a click.
  await option(ownerPage, 'Lot 0001').click();
  for (let i = 0; i < 20 && (await entries(ownerPage).count()) < N; i++) {
    await ownerPage.keyboard.press('End');
    await ownerPage.waitForTimeout(300);
  }
  assert.equal(await entries(ownerPage).count(), N);
  assert.equal(await ownerPage.locator('.files-more').count(), 0);
  await ownerPage.keyboard.press('End');
  const last = option(ownerPage, `Lot ${N}`);
  assert.equal(await last.getAttribute('aria-selected'), 'true');
  assert.equal(
    await ownerPage.evaluate(() => document.activeElement?.getAttribute('data-id')),
    await last.getAttribute('data-id'),
  );
  await ownerPage.keyboard.press('Home');
  assert.equal(await option(ownerPage, 'Lot 0001').getAttribute('aria-selected'), 'true');
  // A click among all the rows: the time until the next frame, recorded.
  const ms = await ownerPage.evaluate(async () => {
    const rows = document.querySelectorAll('[role="listbox"] [role="option"]');
    const t0 = performance.now();
    rows[1].click();
    await new Promise((r) => requestAnimationFrame(() => r()));
    return performance.now() - t0;
  });
  assert.equal(await option(ownerPage, 'Lot 0002').getAttribute('aria-selected'), 'true');
  metric('files_select_click_ms', Math.round(ms * 10) / 10, { entries: N });
  await shot(ownerPage, 'files-16-long-folder');
  // Gone again: the next scenarios see the root as before.
  const crumbs = ownerPage.getByRole('navigation', { name: 'Emplacement' });
  await crumbs.getByRole('link', { name: 'Fichiers' }).click();
  await ownerPage.getByRole('heading', { level: 1, name: 'Fichiers' }).waitFor();
  await ok(ownerPage, 'DELETE', `/files/${big.id}`);
  await ok(ownerPage, 'DELETE', `/files/${big.id}?purge=1`);
  assertNoConsoleErrors(owner, 'owner');
});

test('a read-only member browses and downloads but sees no write action', async () => {
  await readerPage.goto(`${env.url}/w/${wsId}/files`);
  await option(readerPage, 'notes.txt').waitFor();
  await readerPage
    .getByText('Vous avez un accès en lecture seule aux fichiers de cet espace.')
    .waitFor();
  for (const name of ['Envoyer des fichiers', 'Envoyer un dossier', 'Nouveau dossier'])
    assert.equal(await readerPage.getByRole('button', { name }).count(), 0, name);
  await select(readerPage, 'notes.txt');
  const pane = details(readerPage, 'notes.txt');
  await pane.getByRole('button', { name: 'Télécharger' }).waitFor();
  for (const name of ['Renommer', 'Déplacer', 'Copier', 'Partager', 'Mettre à la corbeille'])
    assert.equal(await pane.getByRole('button', { name }).count(), 0, name);
  // Keys do nothing either.
  await readerPage.keyboard.press('Delete');
  await readerPage.keyboard.press('F2');
  assert.equal(await readerPage.getByRole('dialog').count(), 0);
  await pane.getByRole('button', { name: 'Versions' }).click();
  const versions = readerPage.getByRole('dialog', {
    name: 'Versions de « notes.txt »',
  });
  await versions.getByRole('row', { name: /Version 3/ }).waitFor();
  assert.equal(await versions.getByRole('button', { name: /Restaurer/ }).count(), 0);
  assert.equal(
    await versions.getByRole('button', { name: 'Envoyer une nouvelle version' }).count(),
    0,
  );
  await shot(readerPage, 'files-16-read-only');
  await versions.getByRole('button', { name: 'Fermer' }).click();
  // Dropping does nothing.
  await dropFiles(readerPage, { 'intrus.txt': 'non' });
  await readerPage.waitForTimeout(300);
  assert.equal(await readerPage.locator('.files-uploads').count(), 0);
  assertNoConsoleErrors(reader, 'reader');
});

test('axe-core finds no critical or serious violation on the files screens', async () => {
  const ctx = await newContext(browser, { bypassCSP: true });
  const page = await ctx.newPage();
  await signIn(page, env.admin.email, env.admin.password);
  const report = {};
  await page.goto(`${env.url}/w/${wsId}/files`);
  await option(page, 'notes.txt').waitFor();
  await select(page, 'notes.txt');
  report.list = await axe(page);
  await page.getByRole('button', { name: 'Grille' }).click();
  await page.locator('.files-list--grid').waitFor();
  report.grid = await axe(page);
  await page.getByRole('button', { name: 'Liste' }).click();
  await details(page, 'notes.txt').getByRole('button', { name: 'Partager' }).click();
  await page
    .getByRole('dialog', { name: 'Partager « notes.txt »' })
    .getByText('Aucun lien actif.')
    .waitFor();
  report.share = await axe(page);
  await page.keyboard.press('Escape');
  await details(page, 'notes.txt').getByRole('button', { name: 'Versions' }).click();
  await page
    .getByRole('dialog', { name: 'Versions de « notes.txt »' })
    .getByRole('row', { name: /Version 1/ })
    .waitFor();
  report.versions = await axe(page);
  await page.keyboard.press('Escape');
  await dropFiles(page, { 'axe.txt': 'a11y' });
  await uploadsDone(page, 1);
  report.uploads = await axe(page);
  const box = page.getByRole('searchbox', { name: 'Chercher des fichiers et dossiers par leur nom' });
  await box.fill('notes');
  await box.press('Enter');
  await page.getByRole('list', { name: 'Résultats pour « notes »' }).getByRole('listitem').first().waitFor();
  await page.getByTestId('files-desktop').locator('summary').click();
  report.search = await axe(page);
  await page.goto(`${env.url}/w/${wsId}/files/trash`);
  await page.getByRole('heading', { level: 1, name: 'Corbeille' }).waitFor();
  await page.waitForTimeout(200);
  report.trash = await axe(page);
  await shot(page, 'files-17-trash-axe');
  for (const [name, v] of Object.entries(report))
    metric('axe_serious_or_critical', v.length, { screen: `files-${name}` });
  const bad = Object.entries(report).filter(([, v]) => v.length > 0);
  assert.deepEqual(bad, [], `axe violations:\n${JSON.stringify(bad, null, 2)}`);
  assertNoConsoleErrors(ctx, 'axe');
  await ctx.close();
});

test('no console errors in any context', () => {
  assertNoConsoleErrors(owner, 'owner');
  assertNoConsoleErrors(writer, 'writer');
  assertNoConsoleErrors(reader, 'reader');
});
