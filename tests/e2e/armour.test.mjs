// Armoured workspaces end to end (docs/armoured.md), in Chromium against a
// real server (started by run.sh). Three people in three browser contexts:
// the owner, who creates the workspace in the new-workspace page, and two
// members. Their browsers make and share the keys; the server only ever
// sees ciphertext, attachments, files (names and contents), tasks
// (cards, checklists, comments) and calendar events (cards) included. The scenarios run in order and
// share state.
// Screenshots: build/e2e/armour-*.png.
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import {
  assertNoConsoleErrors,
  axe,
  dropImageAndText,
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
  until,
} from './lib.mjs';

const WS = 'Coffre blindé';
const B = {
  email: 'basile.armour@ruche.test',
  name: 'Basile Fortin',
  password: 'Pelican-Violet-3318',
};
const C = {
  email: 'capucine.armour@ruche.test',
  name: 'Capucine Roy',
  password: 'Gazelle-Ocre-5521',
};
const PASS = {
  a: 'ma phrase de passe du coffre',
  b: 'la clé de Basile est longue',
  c: 'Capucine garde un secret',
};
/**
 * Answers the browsers get by design: 404 for GET /me/armour before one's
 * first passphrase, 409 when two browsers make a key generation at once.
 */
const EXPECTED = [/status of 404.*\/api\/v1\/me\/armour\b/, /status of 409/];
/** The owner also posts a plaintext body on purpose (400). */
const EXPECTED_A = [...EXPECTED, /status of 400/];

let browser;
let a; // contexts
let b;
let c;
let pageA;
let pageB;
let pageC;
let wsId = '';
let channelId = '';
let idB = '';
let idC = '';
const cryptoRequests = [];

const composer = (page) => page.locator('.chat-channel').getByRole('textbox', { name: /message/i });
const message = (page, text) => page.locator('.chat-channel article.msg', { hasText: text });

async function addUser(page, u) {
  const r = await pageFetch(page, 'POST', '/admin/users', {
    json: {
      email: u.email,
      name: u.name,
      password: u.password,
      role: 'member',
    },
  });
  assert.ok([200, 201, 409].includes(r.status), JSON.stringify(r));
}

async function join(ctx, u) {
  const invitation = await pageOk(pageA, 'POST', `/workspaces/${wsId}/invitations`, {
    json: { email: u.email, role: 'member' },
  });
  const page = await ctx.newPage();
  await signIn(page, u.email, u.password);
  await pageOk(page, 'POST', `/invitations/${invitation.token}/accept`, {
    json: {},
  });
  const id = (await pageOk(page, 'GET', '/me')).id;
  // The live connection follows the new workspace.
  await page.reload();
  await page.locator('.topbar').waitFor();
  return { page, id };
}

/** The gate of an armoured chat: a new passphrase (twice). */
async function createPassphrase(page, passphrase) {
  await page
    .getByRole('heading', {
      name: 'Choisissez votre phrase de passe de blindage',
    })
    .waitFor();
  await page.getByLabel('Phrase de passe de blindage', { exact: true }).fill(passphrase);
  await page.getByLabel('Confirmez la phrase de passe').fill(passphrase);
  await page.getByRole('button', { name: 'Créer mes clés' }).click();
}

/** The key verification screen, opened from the chat header's lock badge. */
async function openVerify(page) {
  await page
    .locator('.chat-header')
    .getByRole('button', { name: /^Chiffré de bout en bout.*Vérifier les clés$/ })
    .click();
  const dialog = page.getByRole('dialog', { name: 'Vérifier les clés' });
  await dialog.locator('.safety-code').first().waitFor();
  return dialog;
}

/** A member's entry in the verification screen. */
const verifyRow = (dialog, name) => dialog.getByRole('listitem').filter({ hasText: name });

/** A safety code as shown: 12 groups of 5 digits. */
async function safetyCode(locator) {
  const code = (await locator.locator('.safety-code').textContent()).trim();
  assert.match(code, /^\d{5}( \d{5}){11}$/);
  return code;
}

async function closeVerify(dialog) {
  await dialog.getByRole('button', { name: 'Fermer', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

/**
 * From the notice of the armoured workspace open in `page`, approves the
 * keys of `name` (docs/armoured.md, "Approvals") once the codes were
 * compared.
 */
async function approveFromNotice(page, name) {
  await page
    .locator('.armour-status')
    .getByRole('button', { name: 'Vérifier et approuver' })
    .click();
  const dialog = page.getByRole('dialog', { name: 'Vérifier les clés' });
  const row = verifyRow(dialog, name);
  await row.getByText('à approuver', { exact: true }).waitFor();
  await row
    .getByRole('button', { name: `Codes identiques : approuver les clés de ${name}` })
    .click();
  await dialog.getByRole('status').getByText(`${name} : clés approuvées.`).waitFor();
  await row.getByText('à approuver', { exact: true }).waitFor({ state: 'detached' });
  await closeVerify(dialog);
}

/** The server's view of the workspace's keys, as the owner. */
const armourState = () => pageOk(pageA, 'GET', `/workspaces/${wsId}/armour`);

before(async () => {
  browser = await launch();
  a = await newContext(browser);
  pageA = await a.newPage();
  pageA.on('request', (r) => {
    if (/\/assets\/crypto-[^/]*\.js$/.test(r.url())) cryptoRequests.push(pageA.url());
  });
  await signIn(pageA, env.admin.email, env.admin.password);
  await addUser(pageA, B);
  await addUser(pageA, C);
});

after(async () => {
  await browser?.close();
});

test('the owner creates an armoured workspace with chat, files, tasks and the calendar: no crypto code loaded yet', async () => {
  await pageA.goto(`${env.url}/new`);
  await pageA.getByLabel('Nom de l’espace').fill(WS);
  const files = pageA.getByLabel('Fichiers', { exact: true });
  assert.equal(await files.isChecked(), true);
  await pageA.getByLabel('Espace blindé (chiffré de bout en bout)').check();
  // Files seal their names and contents in the browser: they stay.
  assert.equal(await files.isChecked(), true);
  assert.equal(await files.isDisabled(), false);
  // Tasks seal their cards, checklists and comments in the browser: they stay too.
  const tasks = pageA.getByLabel('Tâches', { exact: true });
  assert.equal(await tasks.isChecked(), true);
  assert.equal(await tasks.isDisabled(), false);
  // The calendar seals its events in the browser: it stays.
  const calendar = pageA.getByLabel('Agenda', { exact: true });
  assert.equal(await calendar.isChecked(), true);
  assert.equal(await calendar.isDisabled(), false);
  // Not reports: only what encrypts end to end (chat, calls, files, tasks, calendar).
  const reports = pageA.getByLabel('Rapports', { exact: true });
  assert.equal(await reports.isChecked(), false);
  assert.equal(await reports.isDisabled(), true);
  await pageA
    .getByText('Pas encore chiffré de bout en bout : indisponible dans un espace blindé.')
    .first()
    .waitFor();
  await shot(pageA, 'armour-01-new-workspace');
  await pageA.getByRole('button', { name: 'Créer l’espace' }).click();
  await pageA.waitForURL(/\/w\/[0-9A-Za-z]{26}$/);
  wsId = new URL(pageA.url()).pathname.split('/').pop();
  const w = await pageOk(pageA, 'GET', `/workspaces/${wsId}`);
  assert.equal(w.armoured, true);
  assert.deepEqual([...w.modules].sort(), ['calendar', 'chat', 'files', 'tasks']);
  // The sidebar marks it.
  await pageA
    .locator('.sidebar')
    .getByRole('img', { name: /Espace blindé/ })
    .first()
    .waitFor();
  // libsodium is only fetched by an armoured workspace's chat.
  assert.deepEqual(cryptoRequests, []);
  assertNoConsoleErrors(a, 'owner', EXPECTED);
});

test('the owner chooses an armour passphrase; the first key generation is made', async () => {
  const channel = await pageOk(pageA, 'POST', `/workspaces/${wsId}/channels`, {
    json: { name: 'coffre' },
  });
  channelId = channel.id;
  await pageA.goto(`${env.url}/w/${wsId}/chat/${channelId}`);
  await pageA.getByRole('heading', { level: 1, name: 'Espace blindé' }).waitFor();
  assert.ok(cryptoRequests.length > 0, 'the crypto chunk loads with the gate');
  // Too short, then two different ones: refused in the page.
  await pageA.getByLabel('Phrase de passe de blindage', { exact: true }).fill('court');
  await pageA.getByText('La phrase de passe doit faire au moins 10 caractères.').waitFor();
  await pageA.getByLabel('Phrase de passe de blindage', { exact: true }).fill(PASS.a);
  await pageA.getByLabel('Confirmez la phrase de passe').fill(`${PASS.a}!`);
  await pageA.getByRole('button', { name: 'Créer mes clés' }).click();
  await pageA.getByText('Les deux phrases de passe ne sont pas identiques.').waitFor();
  await shot(pageA, 'armour-02-create-passphrase');
  await createPassphrase(pageA, PASS.a);
  await pageA.getByRole('heading', { level: 1, name: /coffre/ }).waitFor();
  await pageA.getByText('Chiffré de bout en bout').waitFor();

  const me = await pageOk(pageA, 'GET', '/me/armour');
  assert.match(me.sealed_secret, /^id1:2:67108864:/);
  assert.ok(!me.sealed_secret.includes(PASS.a));
  const s = await until('generation 1', async () => {
    const x = await armourState();
    return x.generation === 1 ? x : null;
  });
  assert.equal(s.rotation_required, false);
  assert.equal(s.envelopes.length, 1);
  // Her browser anchored the workspace: her own keys, approved by herself.
  const meA = (await pageOk(pageA, 'GET', '/me')).id;
  assert.deepEqual(
    s.approvals.map((x) => [x.user_id, x.approved_by, x.sign_public]),
    [[meA, meA, me.sign_public]],
  );
  // Attachments are on: they are sealed in the browser (last test).
  const attach = pageA
    .locator('.chat-channel')
    .getByRole('button', { name: 'Joindre des fichiers' });
  assert.equal(await attach.getAttribute('aria-disabled'), null);
  assertNoConsoleErrors(a, 'owner', EXPECTED);
});

test('a member sets a passphrase: no key comes to her keys until a member approves them', async () => {
  b = await newContext(browser);
  ({ page: pageB, id: idB } = await join(b, B));
  await pageOk(pageA, 'POST', `/channels/${channelId}/members`, {
    json: { user_id: idB },
  });
  await pageB.goto(`${env.url}/w/${wsId}/chat/${channelId}`);
  await createPassphrase(pageB, PASS.b);
  await pageB.getByRole('heading', { level: 1, name: /coffre/ }).waitFor();
  // Her browser says why: her keys wait for a member's approval.
  await pageB.getByText(/Vos clés attendent l’approbation d’un membre de l’espace/).waitFor();
  // The owner's browser, told of her keys (armour.changed), seals nothing
  // for them and asks the owner to approve them.
  await pageA.getByText(`${B.name} attend qu’un membre approuve ses clés`).waitFor();
  await shot(pageA, 'armour-07-approval-asked');
  // The members pane says so too.
  await pageA.locator('.chat-header').getByRole('button', { name: '2 membres' }).click();
  const pane = pageA.getByRole('complementary', { name: 'Membres' });
  await pane
    .getByRole('listitem')
    .filter({ hasText: B.name })
    .getByText(/^à approuver/)
    .waitFor();
  await pageA.locator('.chat-header').getByRole('button', { name: '2 membres' }).click();
  await pane.waitFor({ state: 'detached' });
  const x = await armourState();
  assert.deepEqual(x.pending, [idB]);
  assert.deepEqual(x.missing, []);
  assert.deepEqual((await pageOk(pageB, 'GET', `/workspaces/${wsId}/armour`)).envelopes, []);
  assertNoConsoleErrors(a, 'owner', EXPECTED);
  assertNoConsoleErrors(b, 'member', EXPECTED);
});

test('the owner and the member compare safety codes; the owner approves her keys, and her browser gets the key', async () => {
  const badge = pageA.locator('.chat-header .armour-badge');
  await badge.getByText('1 membre non vérifié').waitFor();
  await pageA
    .locator('.armour-status')
    .getByRole('button', { name: 'Vérifier et approuver' })
    .click();
  const dialogA = pageA.getByRole('dialog', { name: 'Vérifier les clés' });
  const rowB = verifyRow(dialogA, B.name);
  await rowB.getByText('non vérifié', { exact: true }).waitFor();
  await rowB.getByText('à approuver', { exact: true }).waitFor();
  const codeB = await safetyCode(rowB);
  const ownA = await safetyCode(dialogA.locator('.verify__own'));
  assert.notEqual(ownA, codeB);

  // The member reads their own code on their screen: the same digits.
  const dialogB = await openVerify(pageB);
  assert.equal(await safetyCode(dialogB.locator('.verify__own')), codeB);
  assert.equal(await safetyCode(verifyRow(dialogB, env.admin.name)), ownA);
  await closeVerify(dialogB);

  await shot(pageA, 'armour-08-verify-keys');
  await rowB
    .getByRole('button', { name: `Codes identiques : approuver les clés de ${B.name}` })
    .click();
  await dialogA.getByRole('status').getByText(`${B.name} : clés approuvées.`).waitFor();
  // Approved once the codes matched: verified too.
  await rowB.getByText('vérifié', { exact: true }).waitFor();
  await rowB.getByText('à approuver', { exact: true }).waitFor({ state: 'detached' });
  await rowB.getByRole('button', { name: `Retirer la vérification : ${B.name}` }).waitFor();
  await closeVerify(dialogA);
  await badge.getByText('· membre vérifié').waitFor();
  // The owner's browser sealed generation 1 for the approved keys.
  const approved = await until('an envelope for the member', async () => {
    const y = await armourState();
    return y.pending.length === 0 && y.missing.length === 0 ? y : null;
  });
  const meA = (await pageOk(pageA, 'GET', '/me')).id;
  assert.deepEqual(
    approved.approvals.map((x) => [x.user_id, x.approved_by]),
    [
      [meA, meA],
      [idB, meA],
    ],
  );
  const theirs = await pageOk(pageB, 'GET', `/workspaces/${wsId}/armour`);
  assert.deepEqual(
    theirs.envelopes.map((e) => [e.generation, e.created_by]),
    [[1, meA]],
  );
  await pageB.getByText(/Vos clés attendent l’approbation/).waitFor({ state: 'detached' });

  // The mark is kept by this browser: after a reload (and unlocking), still verified.
  await pageA.reload();
  await pageA.getByLabel('Phrase de passe de blindage').fill(PASS.a);
  await pageA.getByRole('button', { name: 'Déverrouiller' }).click();
  await pageA.getByRole('heading', { level: 1, name: /coffre/ }).waitFor();
  await badge.getByText('· membre vérifié').waitFor();
  // The members pane marks the member verified, and opens the same screen.
  await pageA.locator('.chat-header').getByRole('button', { name: '2 membres' }).click();
  const pane = pageA.getByRole('complementary', { name: 'Membres' });
  await pane
    .getByRole('listitem')
    .filter({ hasText: B.name })
    .getByRole('img', { name: 'Clés vérifiées' })
    .waitFor();
  await pane.getByRole('button', { name: 'Vérifier les clés' }).click();
  const again = pageA.getByRole('dialog', { name: 'Vérifier les clés' });
  await verifyRow(again, B.name).getByText('vérifié', { exact: true }).waitFor();
  assert.equal(await safetyCode(verifyRow(again, B.name)), codeB);
  await closeVerify(again);
  await pageA.locator('.chat-header').getByRole('button', { name: '2 membres' }).click();
  await pane.waitFor({ state: 'detached' });
  assertNoConsoleErrors(a, 'owner', EXPECTED);
  assertNoConsoleErrors(b, 'member', EXPECTED);
});

test('a message with a mention reaches the member decrypted; the server holds ciphertext', async () => {
  const box = composer(pageA);
  await box.click();
  await box.pressSequentially('@Bas');
  await pageA.getByRole('option', { name: new RegExp(B.name) }).waitFor();
  await box.press('Enter');
  await box.pressSequentially('Bonjour secret 42, **rendez-vous** à midi');
  await box.press('Enter');
  await message(pageA, 'Bonjour secret 42').waitFor();

  const live = message(pageB, 'Bonjour secret 42');
  await live.waitFor();
  assert.equal(await live.locator('.mention').textContent(), `@${B.name}`);
  assert.equal(await live.locator('strong').textContent(), 'rendez-vous');
  const toast = pageB.locator('.toast', {
    hasText: `Vous avez été mentionné dans ${WS}`,
  });
  await toast.waitFor();
  assert.match(await toast.textContent(), /Bonjour secret 42/);
  await shot(pageB, 'armour-03-received');

  const list = await pageOk(pageA, 'GET', `/channels/${channelId}/messages?limit=5`);
  const m = list[0];
  assert.ok(m.body.startsWith('e2e1:1:'), m.body);
  assert.ok(!m.body.includes('secret') && !m.body.includes('Bonjour'), m.body);
  assert.deepEqual(m.mentions, [idB]);

  // The server search does not see it (nor anything else of the workspace).
  for (const q of [`q=secret&workspace=${wsId}`, 'q=secret', 'q=Bonjour']) {
    const r = await pageOk(pageA, 'GET', `/search?${q}`);
    assert.deepEqual(
      r.results.filter((x) => x.workspace_id === wsId),
      [],
      `search ${q}: ${JSON.stringify(r.results)}`,
    );
  }
  // A plaintext body is refused in an armoured workspace.
  const plain = await pageFetch(pageA, 'POST', `/channels/${channelId}/messages`, {
    json: { body: 'en clair' },
  });
  assert.equal(plain.status, 400, JSON.stringify(plain));
  assertNoConsoleErrors(a, 'owner', EXPECTED_A);
  assertNoConsoleErrors(b, 'member', EXPECTED);
});

test('edits are encrypted too; search runs in the browser', async () => {
  const box = composer(pageA);
  await box.click();
  await box.press('ArrowUp');
  await pageA.getByText('Modification du message').waitFor();
  assert.match(await box.inputValue(), new RegExp(`^@${B.name} Bonjour secret 42`));
  await box.fill(`@${B.name} Bonjour secret 42, rendez-vous à **14 h**`);
  await box.press('Enter');
  const edited = message(pageB, 'rendez-vous à');
  await edited.getByText('(modifié)').waitFor();
  assert.equal(await edited.locator('strong').textContent(), '14 h');
  const [m] = await pageOk(pageA, 'GET', `/channels/${channelId}/messages?limit=1`);
  assert.ok(m.body.startsWith('e2e1:1:') && !m.body.includes('14 h'), m.body);

  // A reload locks the keys again (they live in the tab's memory only):
  // unlock, with a wrong passphrase first.
  await pageB.reload();
  await pageB.getByRole('heading', { name: 'Déverrouillez vos clés' }).waitFor();
  await pageB.getByLabel('Phrase de passe de blindage').fill('pas la bonne phrase');
  await pageB.getByRole('button', { name: 'Déverrouiller' }).click();
  await pageB.getByText('Phrase de passe incorrecte.').waitFor();
  await shot(pageB, 'armour-04-unlock');
  await pageB.getByLabel('Phrase de passe de blindage').fill(PASS.b);
  await pageB.getByRole('button', { name: 'Déverrouiller' }).click();
  await message(pageB, 'rendez-vous à').waitFor();
  // The server cannot search it: the browser searches what it has loaded.
  const search = pageB.getByRole('searchbox', {
    name: 'Rechercher dans la discussion',
  });
  await search.fill('secrèt');
  await search.press('Enter');
  const result = pageB.locator('.search-result', { hasText: 'rendez-vous' });
  await result.waitFor();
  await pageB.getByText(/La recherche du serveur ne couvre pas les espaces blindés/).waitFor();
  assert.equal(await result.locator('mark').first().textContent(), 'secret');
  await pageB.getByText('1 résultat').waitFor();
  await shot(pageB, 'armour-05-local-search');
  await result.locator('.search-result__open').click();
  await message(pageB, 'rendez-vous à').waitFor();
  assertNoConsoleErrors(a, 'owner', EXPECTED_A);
  assertNoConsoleErrors(b, 'member', EXPECTED);
});

test('a member is removed: the next generation is made, and writing still works', async () => {
  // A third member, with a passphrase and the current key.
  c = await newContext(browser, { bypassCSP: true }); // for axe below
  ({ page: pageC, id: idC } = await join(c, C));
  await pageC.goto(`${env.url}/w/${wsId}/chat`);
  await pageC
    .getByRole('heading', {
      name: 'Choisissez votre phrase de passe de blindage',
    })
    .waitFor();
  const gateAxe = await axe(pageC);
  await createPassphrase(pageC, PASS.c);
  await pageC.locator('.chat-nav').waitFor();
  // The owner approves her keys (codes compared), before she has to make new ones.
  await approveFromNotice(pageA, C.name);
  await until('an envelope for the third member', async () => {
    const x = await armourState();
    return (
      x.members.some((m) => m.user_id === idC) && x.missing.length === 0 && x.pending.length === 0
    );
  });
  await pageC.goto(`${env.url}/w/${wsId}/chat/${channelId}`);
  await pageC.getByRole('heading', { name: 'Déverrouillez vos clés' }).waitFor();
  const unlockAxe = await axe(pageC);
  await pageC.getByLabel('Phrase de passe de blindage').fill(PASS.c);
  await pageC.getByRole('button', { name: 'Déverrouiller' }).click();
  await message(pageC, 'rendez-vous à').waitFor();
  const chatAxe = await axe(pageC);
  // Her verification screen lists the others, not verified by her yet.
  const dialogC = await openVerify(pageC);
  await verifyRow(dialogC, env.admin.name).getByText('non vérifié', { exact: true }).waitFor();
  const rowCB = verifyRow(dialogC, B.name);
  await rowCB.getByText('non vérifié', { exact: true }).waitFor();
  await rowCB.getByRole('button', { name: `Marquer comme vérifié : ${B.name}` }).click();
  await rowCB.getByText('vérifié', { exact: true }).waitFor();
  const verifyAxe = await axe(pageC);
  await closeVerify(dialogC);

  // A forgotten passphrase: new keys (replace). The others' browsers warn
  // that her keys changed; the current key goes to the new ones once a
  // member approves them.
  await pageC.reload();
  await pageC.getByRole('button', { name: 'Phrase de passe oubliée ?' }).click();
  const confirm = pageC.getByRole('dialog', { name: 'Créer de nouvelles clés ?' });
  await confirm.getByText(/les messages plus anciens resteront illisibles/).waitFor();
  await confirm.getByRole('button', { name: 'Créer de nouvelles clés' }).click();
  await pageC.getByRole('heading', { name: 'Nouvelle phrase de passe de blindage' }).waitFor();
  await pageC.getByLabel('Phrase de passe de blindage', { exact: true }).fill(`${PASS.c} bis`);
  await pageC.getByLabel('Confirmez la phrase de passe').fill(`${PASS.c} bis`);
  await pageC.getByRole('button', { name: 'Remplacer mes clés' }).click();
  await pageC.locator('.chat-channel').waitFor();
  const warning = pageA.getByText(/Les clés de Capucine Roy ont changé/);
  await warning.waitFor();
  await shot(pageA, 'armour-06-keys-changed');
  // The verified mark went with her old keys.
  await pageA.locator('.armour-status').getByRole('button', { name: 'Vérifier les clés' }).click();
  const changed = pageA.getByRole('dialog', { name: 'Vérifier les clés' });
  await verifyRow(changed, C.name).getByText('clés changées', { exact: true }).waitFor();
  await verifyRow(changed, B.name).getByText('vérifié', { exact: true }).waitFor();
  await closeVerify(changed);
  await pageA.getByRole('button', { name: /C’est vérifié : faire confiance/ }).click();
  await warning.waitFor({ state: 'detached' });
  // Accepting the new keys trusts them, without verifying them.
  const accepted = await openVerify(pageA);
  await verifyRow(accepted, C.name).getByText('non vérifié', { exact: true }).waitFor();
  await closeVerify(accepted);
  await pageA.locator('.chat-header .armour-badge').getByText('1 membre non vérifié').waitFor();
  assert.deepEqual((await armourState()).pending, [idC]);
  await approveFromNotice(pageA, C.name);
  await until('an envelope for the new keys', async () => {
    const x = await armourState();
    return x.missing.length === 0 && x.pending.length === 0;
  });
  await message(pageC, 'rendez-vous à').waitFor();
  const report = { gate: gateAxe, unlock: unlockAxe, chat: chatAxe, verify: verifyAxe };
  for (const [name, v] of Object.entries(report))
    metric('axe_serious_or_critical', v.length, { screen: `armour-${name}` });
  const bad = Object.entries(report).filter(([, v]) => v.length > 0);
  assert.deepEqual(bad, [], `axe violations:\n${JSON.stringify(bad, null, 2)}`);

  await pageOk(pageA, 'DELETE', `/workspaces/${wsId}/members/${idC}`);
  // A browser still in the workspace makes generation 2 (armour.changed), for those who stay.
  const s = await until('generation 2', async () => {
    const x = await armourState();
    return x.generation === 2 && !x.rotation_required ? x : null;
  });
  assert.deepEqual(
    s.members.map((m) => m.user_id).sort(),
    [idB, (await pageOk(pageA, 'GET', '/me')).id].sort(),
  );

  const box = composer(pageA);
  await box.fill('Après le départ de Capucine');
  await box.press('Enter');
  await message(pageA, 'Après le départ').waitFor();
  await message(pageB, 'Après le départ').waitFor();
  // The history stays readable.
  await message(pageB, 'rendez-vous à').waitFor();
  const [m] = await pageOk(pageA, 'GET', `/channels/${channelId}/messages?limit=1`);
  assert.ok(m.body.startsWith('e2e1:2:'), m.body);
  assert.equal((await armourState()).generation, 2);
  await shot(pageA, 'armour-07-after-rotation');
  assertNoConsoleErrors(a, 'owner', EXPECTED_A);
  assertNoConsoleErrors(b, 'member', EXPECTED);
});

test('attachments are sealed in the browser: the member sees the image and saves the file; the server holds ciphertext', async () => {
  // A real PNG and a text file over one 64 KiB piece, dropped from the desktop.
  const report = 'Relevé du coffre, pile 7 : 42 caisses.\n'.repeat(3000);
  const files = await dropImageAndText(pageA, pageA.locator('.chat-channel'), {
    png: 'plan-du-coffre.png',
    text: { name: 'releve-coffre.txt', body: report },
    over: 'Déposez les fichiers pour les joindre à #coffre',
  });
  const sizes = await files.evaluate((dt) => [...dt.files].map((f) => f.size));
  const pending = pageA.getByRole('list', { name: 'Fichiers à envoyer' });
  for (const name of ['plan-du-coffre.png', 'releve-coffre.txt']) {
    await pending.getByRole('progressbar', { name: `Envoi de ${name}` }).waitFor();
  }
  await pending.getByText('Prêt').nth(1).waitFor();
  await shot(pageA, 'armour-09-sealed-uploads');
  const box = composer(pageA);
  await box.fill('Le plan du coffre et le relevé');
  await box.press('Enter');
  await pending.waitFor({ state: 'detached' });

  // Both browsers open the image (a decoded <img> from a blob: URL) and name the file.
  for (const page of [pageA, pageB]) {
    const msg = message(page, 'Le plan du coffre');
    const img = msg.getByRole('img', { name: 'plan-du-coffre.png' });
    await img.waitFor();
    await page.waitForFunction(
      (el) => el.complete && el.naturalWidth === 64 && el.naturalHeight === 48,
      await img.elementHandle(),
    );
    assert.match(await img.getAttribute('src'), /^blob:/);
    await msg.getByRole('button', { name: /^Télécharger releve-coffre\.txt/ }).waitFor();
  }
  await shot(pageB, 'armour-10-sealed-attachments');

  // The server holds a version 2 body, and opaque bytes under a neutral name.
  const [m] = await pageOk(pageB, 'GET', `/channels/${channelId}/messages?limit=1`);
  assert.ok(m.body.startsWith('e2e2:2:'), m.body.slice(0, 40));
  assert.ok(!m.body.includes('coffre') && !m.body.includes('releve'), m.body);
  assert.equal(m.attachments.length, 2);
  for (const [i, a] of m.attachments.entries()) {
    assert.equal(a.name, 'attachment');
    assert.equal(a.content_type, 'application/octet-stream');
    assert.ok(!a.image && !a.width && !a.height, JSON.stringify(a));
    // 24 bytes of header, then 17 more per 64 KiB piece.
    const pieces = Math.max(1, Math.ceil(sizes[i] / 65536));
    assert.equal(a.size, 24 + sizes[i] + 17 * pieces, JSON.stringify({ a, size: sizes[i] }));
    const got = await pageB.evaluate(async (id) => {
      const r = await fetch(`/api/v1/attachments/${id}`, { credentials: 'same-origin' });
      const bytes = new Uint8Array(await r.arrayBuffer());
      return {
        status: r.status,
        length: bytes.length,
        png: bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47,
        text: new TextDecoder().decode(bytes).includes('Relevé du coffre'),
      };
    }, a.id);
    assert.deepEqual(got, { status: 200, length: a.size, png: false, text: false });
  }

  // The member saves the file: the original bytes, under its real name.
  const msgB = message(pageB, 'Le plan du coffre');
  const [download] = await Promise.all([
    pageB.waitForEvent('download'),
    msgB.getByRole('button', { name: /^Télécharger releve-coffre\.txt/ }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'releve-coffre.txt');
  assert.equal(await readFile(await download.path(), 'utf8'), report);

  // An edit keeps the files: sealed again as version 2.
  await box.click();
  await box.press('ArrowUp');
  await pageA.getByText('Modification du message').waitFor();
  await box.fill('Le plan du coffre et le relevé (corrigé)');
  await box.press('Enter');
  await msgB.getByText('(modifié)').waitFor();
  await msgB.getByText('corrigé').waitFor();
  await msgB.getByRole('img', { name: 'plan-du-coffre.png' }).waitFor();
  const [edited] = await pageOk(pageB, 'GET', `/channels/${channelId}/messages?limit=1`);
  assert.ok(edited.body.startsWith('e2e2:2:') && edited.body !== m.body);
  assert.deepEqual(
    edited.attachments.map((a) => a.id),
    m.attachments.map((a) => a.id),
  );
  assertNoConsoleErrors(a, 'owner', EXPECTED_A);
  assertNoConsoleErrors(b, 'member', EXPECTED);
});

/** The armour gate after a page load: the keys live in the tab's memory only. */
async function unlock(page, passphrase) {
  await page.getByRole('heading', { name: 'Déverrouillez vos clés' }).waitFor();
  await page.getByLabel('Phrase de passe de blindage').fill(passphrase);
  await page.getByRole('button', { name: 'Déverrouiller' }).click();
}

/** An entry of the folder shown, by the name the browser opened. */
const fileEntry = (page, name) =>
  page.getByRole('listbox', { name: /^Contenu de/ }).getByRole('option', {
    name: new RegExp(`^${name.replace(/[.()]/g, '\\$&')}`),
  });

test('files are sealed in the browser: real names on screen, tokens and ciphertext on the server', async () => {
  const report = 'Inventaire du coffre : 42 lingots, 7 diadèmes.\n'.repeat(50);
  await pageA.goto(`${env.url}/w/${wsId}/files`);
  await unlock(pageA, PASS.a);
  await pageA.getByText('Fichiers chiffrés de bout en bout').waitFor();
  // No WebDAV address for an armoured workspace.
  assert.equal(await pageA.getByTestId('files-desktop').count(), 0);
  await dropImageAndText(pageA, pageA.getByTestId('files-drop'), {
    png: 'carte-du-coffre.png',
    text: { name: 'inventaire.txt', body: report },
    over: 'Déposez pour envoyer dans Fichiers',
  });
  await pageA
    .locator('#files-uploads-title')
    .filter({ hasText: /^2 fichiers envoyés$/ })
    .waitFor({ timeout: 30_000 });
  for (const name of ['carte-du-coffre.png', 'inventaire.txt'])
    await fileEntry(pageA, name).waitFor();
  await shot(pageA, 'armour-11-files');

  // The server knows tokens, sealed records and sealed bytes only.
  const listed = await pageOk(pageA, 'GET', `/workspaces/${wsId}/files`);
  assert.equal(listed.items.length, 2);
  for (const n of listed.items) {
    assert.match(n.name, /^[A-Za-z0-9_-]{22}$/, JSON.stringify(n));
    assert.ok(n.sealed_name.startsWith('e2e1:2:') && n.sealed_content.startsWith('e2e1:2:'));
    assert.equal(n.content_type, 'application/octet-stream');
    assert.ok(!JSON.stringify(n).includes('inventaire') && !JSON.stringify(n).includes('carte'));
  }
  const textBytes = Buffer.byteLength(report);
  const sealedSize = 24 + textBytes + 17 * Math.max(1, Math.ceil(textBytes / 65536));
  const text = listed.items.find((n) => n.size === sealedSize);
  assert.ok(text, `no node of ${sealedSize} bytes: ${JSON.stringify(listed.items)}`);
  const stored = await pageA.evaluate(async (id) => {
    const r = await fetch(`/api/v1/files/${id}/content`, { credentials: 'same-origin' });
    const bytes = new Uint8Array(await r.arrayBuffer());
    return {
      status: r.status,
      length: bytes.length,
      plain: new TextDecoder().decode(bytes).includes('Inventaire du coffre'),
    };
  }, text.id);
  assert.deepEqual(stored, { status: 200, length: sealedSize, plain: false });
  // The server refuses what it would have to read: no share links, no copies.
  const share = await pageFetch(pageA, 'POST', `/files/${text.id}/shares`, { json: {} });
  assert.equal(share.status, 400, JSON.stringify(share));

  // The owner saves it back: the original bytes, under its real name.
  await fileEntry(pageA, 'inventaire.txt').click();
  const pane = pageA.getByRole('complementary', { name: 'Détails de inventaire.txt' });
  await pane.waitFor();
  for (const hidden of ['Partager', 'Copier'])
    assert.equal(await pane.getByRole('button', { name: hidden, exact: true }).count(), 0);
  const [download] = await Promise.all([
    pageA.waitForEvent('download'),
    pane.getByRole('button', { name: 'Télécharger' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'inventaire.txt');
  assert.equal(await readFile(await download.path(), 'utf8'), report);

  // The member opens the files: the real names, and the image previewed from a blob: URL.
  await pageB.goto(`${env.url}/w/${wsId}/files`);
  await unlock(pageB, PASS.b);
  await fileEntry(pageB, 'inventaire.txt').waitFor();
  await fileEntry(pageB, 'carte-du-coffre.png').dblclick();
  const preview = pageB.getByRole('dialog', { name: 'carte-du-coffre.png' });
  const img = preview.getByRole('img', { name: 'Aperçu de carte-du-coffre.png' });
  await img.waitFor();
  await pageB.waitForFunction(
    (el) => el.complete && el.naturalWidth === 64 && el.naturalHeight === 48,
    await img.elementHandle(),
  );
  assert.match(await img.getAttribute('src'), /^blob:/);
  await preview.getByRole('button', { name: 'Fermer', exact: true }).click();
  await preview.waitFor({ state: 'detached' });

  // The owner renames it: a new name record, the same token; the member's list follows.
  await pane.getByRole('button', { name: 'Renommer' }).click();
  const rename = pageA.getByRole('dialog', { name: 'Renommer « inventaire.txt »' });
  // A name already shown in the folder: refused by the browser (the server cannot tell).
  await rename.getByLabel('Nouveau nom').fill('carte-du-coffre.png');
  await rename.getByRole('button', { name: 'Renommer' }).click();
  await rename.getByRole('alert').getByText('Un élément porte déjà ce nom ici.').waitFor();
  await rename.getByLabel('Nouveau nom').fill('inventaire-décembre.txt');
  await rename.getByRole('button', { name: 'Renommer' }).click();
  await fileEntry(pageA, 'inventaire-décembre.txt').waitFor();
  await fileEntry(pageB, 'inventaire-décembre.txt').waitFor();
  assert.equal(await fileEntry(pageB, 'inventaire.txt').count(), 0);
  const renamed = await pageOk(pageA, 'GET', `/files/${text.id}`);
  assert.equal(renamed.name, text.name);
  assert.notEqual(renamed.sealed_name, text.sealed_name);
  await shot(pageB, 'armour-12-files-renamed');

  // Folders: a file two levels down. The member, sent straight to the deep
  // folder, reads its ancestors' real names in the breadcrumbs (fetched and
  // opened in the browser), and finds the file from the root by its real name.
  const newFolder = async (name) => {
    await pageA.getByRole('button', { name: 'Nouveau dossier', exact: true }).first().click();
    const dialog = pageA.getByRole('dialog', { name: 'Nouveau dossier' });
    await dialog.getByLabel('Nom du dossier').fill(name);
    await dialog.getByRole('button', { name: 'Créer le dossier' }).click();
    await dialog.waitFor({ state: 'detached' });
    await fileEntry(pageA, name).dblclick();
    await pageA
      .getByRole('navigation', { name: 'Emplacement' })
      .getByText(name, { exact: true })
      .waitFor();
  };
  await newFolder('Archives du coffre');
  await newFolder('2026');
  await pageA
    .getByTestId('files-input')
    .setInputFiles([
      { name: 'relevé-mars.txt', mimeType: 'text/plain', buffer: Buffer.from('Relevé de mars\n') },
    ]);
  await fileEntry(pageA, 'relevé-mars.txt').waitFor({ timeout: 30_000 });
  await pageB.goto(`${env.url}${new URL(pageA.url()).pathname}`);
  await unlock(pageB, PASS.b);
  await fileEntry(pageB, 'relevé-mars.txt').waitFor();
  const crumbs = pageB.getByRole('navigation', { name: 'Emplacement' });
  await crumbs.getByRole('link', { name: 'Archives du coffre', exact: true }).waitFor();
  assert.equal(await crumbs.getByText('…').count(), 0);
  await crumbs.getByRole('link', { name: 'Fichiers', exact: true }).click();
  await fileEntry(pageB, 'Archives du coffre').waitFor();
  const search = pageB.getByRole('searchbox', {
    name: 'Chercher des fichiers et dossiers par leur nom',
  });
  await search.fill('relevé');
  await search.press('Enter');
  const hit = pageB
    .getByRole('list', { name: 'Résultats pour « relevé »' })
    .getByRole('button', { name: /relevé-mars\.txt/ });
  await hit.waitFor();
  assert.match(await hit.textContent(), /dans \/Archives du coffre\/2026/);
  await shot(pageB, 'armour-12b-files-search');
  await hit.click();
  await fileEntry(pageB, 'relevé-mars.txt').waitFor();
  // Back at the root for what follows.
  await pageA.goto(`${env.url}/w/${wsId}/files`);
  await unlock(pageA, PASS.a);
  await fileEntry(pageA, 'Archives du coffre').waitFor();
  assertNoConsoleErrors(a, 'owner', EXPECTED_A);
  assertNoConsoleErrors(b, 'member', EXPECTED);
});

test('tasks are sealed in the browser: the member reads the title, the checklist and the comment; the server holds none of them', async () => {
  const TITLE = 'Changer la combinaison du coffre';
  const ITEM = 'Prévenir la banque';
  const SECRET = '4-8-15-16';
  await pageA.goto(`${env.url}/w/${wsId}/tasks`);
  await unlock(pageA, PASS.a);
  await pageA.getByText('Tâches chiffrées de bout en bout').waitFor();
  await pageA.getByRole('button', { name: 'Nouvelle tâche', exact: true }).click();
  const dialog = pageA.getByRole('dialog', { name: 'Nouvelle tâche' });
  await dialog.getByLabel('Titre', { exact: true }).fill(TITLE);
  await dialog.getByRole('textbox', { name: 'Description', exact: true }).fill('Avant **vendredi**');
  await dialog.getByLabel('Étiquettes', { exact: true }).fill('confidentiel,');
  await dialog.getByLabel('Liste de contrôle', { exact: true }).fill(ITEM);
  await dialog.getByRole('button', { name: 'Créer la tâche' }).click();
  await dialog.waitFor({ state: 'detached' });
  const todo = (page) => page.getByRole('region', { name: 'À faire' });
  await todo(pageA).locator('.task-card__open', { hasText: TITLE }).click();
  const paneOf = (page, title) => page.getByRole('complementary', { name: `Tâche : ${title}` });
  const paneA = paneOf(pageA, TITLE);
  const listA = paneA.getByRole('region', { name: 'Liste de contrôle' });
  await listA.getByRole('checkbox', { name: ITEM }).waitFor();
  const talkA = paneA.getByRole('region', { name: /^Commentaires/ });
  await talkA.getByLabel('Ajouter un commentaire').fill(`Nouvelle combinaison : **${SECRET}**`);
  await talkA.getByRole('button', { name: 'Commenter' }).click();
  await talkA.locator('strong', { hasText: SECRET }).waitFor();

  // The server keeps a token and sealed texts, under the current generation; nothing in clear.
  const [t] = await pageOk(pageA, 'GET', `/workspaces/${wsId}/tasks`);
  assert.deepEqual([t.title, t.description, t.labels], ['', '', []], JSON.stringify(t));
  assert.match(t.token, /^[A-Za-z0-9_-]{22}$/);
  assert.ok(t.sealed.startsWith('e2e1:2:'), t.sealed);
  assert.equal(t.checklist.length, 1);
  assert.ok(t.checklist[0].text.startsWith('e2e1:2:'), t.checklist[0].text);
  const notes = await pageOk(pageA, 'GET', `/tasks/${t.id}/comments`);
  assert.equal(notes.length, 1);
  assert.ok(notes[0].body.startsWith('e2e1:2:'), notes[0].body);
  const stored = JSON.stringify([t, notes]);
  for (const plain of ['combinaison', 'vendredi', 'confidentiel', 'banque', SECRET])
    assert.ok(!stored.includes(plain), `${plain} in ${stored}`);
  // A title in clear is refused, and the server's search finds nothing.
  const clear = await pageFetch(pageA, 'POST', `/workspaces/${wsId}/tasks`, {
    json: { title: 'en clair' },
  });
  assert.equal(clear.status, 400, JSON.stringify(clear));
  assert.equal(clear.body.error.code, 'sealed_required');
  const found = await pageOk(pageA, 'GET', '/search?type=task&q=combinaison');
  assert.deepEqual(found.results, []);

  // The member opens the task: its title, description, label, item and comment.
  await pageB.goto(`${env.url}/w/${wsId}/tasks/${t.id}`);
  await unlock(pageB, PASS.b);
  const paneB = paneOf(pageB, TITLE);
  await paneB.getByRole('heading', { name: TITLE }).waitFor();
  await paneB
    .getByRole('region', { name: 'Liste de contrôle' })
    .getByRole('checkbox', { name: ITEM })
    .waitFor();
  const talkB = paneB.getByRole('region', { name: /^Commentaires/ });
  await talkB.locator('strong', { hasText: SECRET }).waitFor();
  assert.equal(await paneB.getByLabel('Titre', { exact: true }).inputValue(), TITLE);
  assert.equal(
    await paneB.getByRole('textbox', { name: 'Description', exact: true }).inputValue(),
    'Avant **vendredi**',
  );
  await paneB.locator('.tasks-labels__chip', { hasText: 'confidentiel' }).waitFor();
  assert.equal(await pageB.locator('.task-sealed').count(), 0, 'everything opened and verified');
  // The board filters by the labels it opened.
  await pageB.locator('.tasks-filters__label').selectOption('confidentiel');
  await todo(pageB).locator('.task-card__open', { hasText: TITLE }).waitFor();
  await shot(pageB, 'armour-13-tasks');

  // The member answers and renames it: the owner's screen follows live, opened.
  await talkB.getByLabel('Ajouter un commentaire').fill('C’est noté');
  await talkB.getByRole('button', { name: 'Commenter' }).click();
  await talkA.getByText('C’est noté').waitFor();
  const RENAMED = 'Changer la combinaison avant vendredi';
  await paneB.getByLabel('Titre', { exact: true }).fill(RENAMED);
  await paneB.getByRole('button', { name: 'Enregistrer' }).click();
  await todo(pageA).locator('.task-card__open', { hasText: RENAMED }).waitFor();
  const renamed = await pageOk(pageA, 'GET', `/tasks/${t.id}`);
  assert.equal(renamed.token, t.token);
  assert.equal(renamed.title, '');
  assert.notEqual(renamed.sealed, t.sealed);
  assert.equal(renamed.sealed_by, idB);
  assert.equal(await pageA.locator('.task-sealed').count(), 0, 'the member’s card verified');
  // Back at the files' root for what follows.
  await pageA.goto(`${env.url}/w/${wsId}/files`);
  await unlock(pageA, PASS.a);
  await fileEntry(pageA, 'Archives du coffre').waitFor();
  assertNoConsoleErrors(a, 'owner', EXPECTED_A);
  assertNoConsoleErrors(b, 'member', EXPECTED);
});

test('calendar events are sealed in the browser: a weekly event shows after a reload, and in the member’s week, who is invited and accepts; the server holds no title nor time', async () => {
  const TITLE = 'Relève du coffre';
  await pageA.goto(`${env.url}/w/${wsId}/calendar?view=week`);
  await unlock(pageA, PASS.a);
  await pageA.getByText('Agenda chiffré de bout en bout').waitFor();
  await pageA.getByRole('button', { name: 'Nouvel événement', exact: true }).click();
  const dialog = pageA.getByRole('dialog', { name: 'Nouvel événement' });
  await dialog.getByLabel('Titre', { exact: true }).fill(TITLE);
  await dialog.getByLabel('Lieu', { exact: true }).fill('Salle forte');
  await dialog.getByLabel('Répétition', { exact: true }).selectOption('weekly');
  // Members are invited, by name; no address can be typed.
  const invite = dialog.getByRole('combobox', { name: 'Inviter une personne' });
  await invite.fill('basile@example.org');
  await dialog.getByRole('button', { name: 'Inviter', exact: true }).click();
  await dialog.getByText('Choisissez un membre de l’espace').waitFor();
  await invite.fill('Basile');
  await dialog.getByRole('option', { name: new RegExp(B.name) }).click();
  await dialog
    .getByRole('list', { name: 'Participants' })
    .getByText(B.name, { exact: true })
    .waitFor();
  await dialog.getByRole('button', { name: 'Créer l’événement' }).click();
  await dialog.waitFor({ state: 'detached' });
  // The member hears of it at once: an event of the workspace, no title.
  const invited = `${env.admin.name} vous invite à un événement de « ${WS} »`;
  await pageB
    .getByRole('region', { name: 'Notifications' })
    .locator('.toast', { hasText: invited })
    .waitFor();
  const block = (page) => page.locator('.cal-week .cal-block__title', { hasText: TITLE });
  await block(pageA).waitFor();

  // The server keeps a token and a sealed card, under the current generation: nothing in clear.
  const { events } = await pageOk(pageA, 'GET', `/workspaces/${wsId}/calendar/sealed`);
  assert.equal(events.length, 1, JSON.stringify(events));
  const e = await pageOk(pageA, 'GET', `/calendar/events/${events[0].id}`);
  assert.match(e.token, /^[A-Za-z0-9_-]{22}$/);
  assert.ok(e.sealed.startsWith('e2e1:2:'), e.sealed);
  for (const k of ['title', 'start', 'end', 'rrule', 'location'])
    assert.equal(e[k], undefined, `${k} in ${JSON.stringify(e)}`);
  const stored = JSON.stringify(e);
  for (const plain of ['Relève', 'Salle', 'WEEKLY']) assert.ok(!stored.includes(plain), stored);
  // Who is invited is in clear beside the card.
  assert.equal(e.organizer?.name, env.admin.name);
  assert.deepEqual(
    e.attendees.map((x) => [x.name, x.partstat]),
    [[B.name, 'needs-action']],
  );
  // The range route is refused there (the server does not know when events are),
  // and a title in clear is refused.
  const range = await pageFetch(
    pageA,
    'GET',
    `/workspaces/${wsId}/calendar/events?from=2026-01-01&to=2026-02-01`,
  );
  assert.equal(range.status, 400, JSON.stringify(range));
  const clear = await pageFetch(pageA, 'POST', `/workspaces/${wsId}/calendar/events`, {
    json: { title: 'en clair', start: '2026-12-10T08:00:00Z', end: '2026-12-10T09:00:00Z' },
  });
  assert.equal(clear.status, 400, JSON.stringify(clear));

  // After a reload, the browser reads the calendar again and works out the week.
  await pageA.reload();
  await unlock(pageA, PASS.a);
  await block(pageA).waitFor();
  // Weekly: the next week too.
  await pageA.getByRole('button', { name: 'Semaine suivante' }).click();
  await block(pageA).waitFor();
  await shot(pageA, 'armour-14-calendar');

  // The member sees it in her week, opened and verified, and accepts it:
  // the whole series (no occurrence is answered apart in its card).
  await pageB.goto(`${env.url}/w/${wsId}/calendar?view=week`);
  await unlock(pageB, PASS.b);
  await block(pageB).waitFor();
  assert.equal(await pageB.locator('.cal-unopened').count(), 0, 'every card opened');
  await block(pageB).first().click();
  const details = pageB.getByRole('dialog', { name: TITLE });
  const answers = details.getByRole('group', { name: 'Participerez-vous ?' });
  await answers.getByRole('button', { name: 'Accepter' }).click();
  await pageB.getByText('Réponse envoyée : Accepté').waitFor();
  // The owner, whose calendar shows the event, reads its title from the
  // card opened there (the notice has none).
  await pageA
    .getByRole('region', { name: 'Notifications' })
    .locator('.toast', { hasText: `${B.name} a accepté « ${TITLE} »` })
    .waitFor();
  await details.getByRole('button', { name: 'Fermer' }).click();
  await details.waitFor({ state: 'detached' });
  const answered = await pageOk(pageA, 'GET', `/calendar/events/${events[0].id}`);
  assert.deepEqual(
    answered.attendees.map((x) => [x.name, x.partstat]),
    [[B.name, 'accepted']],
  );
  assert.equal(answered.sealed, e.sealed, 'the card as it was');
  // She declines next week's occurrence alone: her answer sealed by her
  // (its start would say when the event is); the owner, who shows that
  // week, sees it on that occurrence.
  await pageB.getByRole('button', { name: 'Semaine suivante' }).click();
  await block(pageB).first().click();
  const apart = pageB.getByRole('dialog', { name: TITLE });
  const scope = apart.getByRole('group', { name: 'Répondre pour' });
  await scope.getByRole('radio', { name: 'Cette occurrence' }).check();
  await apart.getByRole('button', { name: 'Refuser' }).click();
  await apart.getByRole('button', { name: 'Refuser', pressed: true }).waitFor();
  await apart.getByRole('button', { name: 'Fermer' }).click();
  await apart.waitFor({ state: 'detached' });
  const declined = await pageOk(pageA, 'GET', `/calendar/events/${events[0].id}`);
  const hers = declined.attendees.find((x) => x.name === B.name);
  assert.equal(hers.partstat, 'accepted');
  assert.ok(hers.sealed_answers?.startsWith('e2e1:2:'), JSON.stringify(hers));
  // No date in clear but the server's own (when it was written).
  const { created_at: _c, updated_at: _u, ...rest } = declined;
  assert.ok(!/\d{4}-\d{2}-\d{2}/.test(JSON.stringify(rest)), JSON.stringify(rest));
  await block(pageA).first().click();
  const seen = pageA.getByRole('dialog', { name: TITLE });
  await seen
    .getByRole('list', { name: 'Participants' })
    .getByRole('listitem')
    .filter({ hasText: B.name })
    .getByText('A refusé cette occurrence')
    .waitFor();
  await seen.getByRole('button', { name: 'Fermer' }).click();
  await seen.waitFor({ state: 'detached' });
  // Back at the files' root for what follows.
  await pageA.goto(`${env.url}/w/${wsId}/files`);
  await unlock(pageA, PASS.a);
  await fileEntry(pageA, 'Archives du coffre').waitFor();
  assertNoConsoleErrors(a, 'owner', EXPECTED_A);
  assertNoConsoleErrors(b, 'member', EXPECTED);
});

test('one occurrence of the weekly event is moved apart and another cancelled, in its card: both show after a reload, and in the member’s weeks; then the series is cut in two, her answer kept; the server holds no title', async () => {
  const TITLE = 'Relève du coffre';
  const MOVED = 'Relève déplacée';
  const { events } = await pageOk(pageA, 'GET', `/workspaces/${wsId}/calendar/sealed`);
  assert.equal(events.length, 1, JSON.stringify(events));
  const before = await pageOk(pageA, 'GET', `/calendar/events/${events[0].id}`);
  const block = (page, day, title) =>
    page.locator(`.cal-week [role="gridcell"][data-day="${day}"] .cal-block`, {
      has: page.locator('.cal-block__title', { hasText: title }),
    });
  const dayCell = (page, day) => page.locator(`.cal-week [role="gridcell"][data-day="${day}"]`);
  const next = (page) => page.getByRole('button', { name: 'Semaine suivante' }).click();
  const addDays = (day, n) => {
    const [y, m, d] = day.split('-').map(Number);
    return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
  };

  // The week it starts in: its day there, then the next three weeks'.
  await pageA.goto(`${env.url}/w/${wsId}/calendar?view=week`);
  await unlock(pageA, PASS.a);
  const day = pageA.locator('.cal-week [role="gridcell"]', {
    has: pageA.locator('.cal-block__title', { hasText: TITLE }),
  });
  const first = await day.getAttribute('data-day');
  const [second, third, fourth, fifth] = [7, 14, 21, 28].map((n) => addDays(first, n));

  // The owner moves the second alone to 11:00, under another title.
  await next(pageA);
  await block(pageA, second, TITLE).click();
  const details = pageA.getByRole('dialog', { name: TITLE });
  await details.getByRole('button', { name: 'Modifier' }).click();
  await details
    .getByRole('group', { name: 'Modifier', exact: true })
    .getByRole('radio', { name: 'Cette occurrence', checked: true })
    .waitFor();
  assert.equal(await details.getByLabel('Répétition', { exact: true }).count(), 0);
  await details.getByLabel('Titre', { exact: true }).fill(MOVED);
  await details.getByLabel('Heure de début', { exact: true }).fill('11:00');
  await details.getByRole('button', { name: 'Enregistrer' }).click();
  const moved = pageA.getByRole('dialog', { name: MOVED });
  await moved.getByText(/^Déplacée ; prévue le/).waitFor();
  await moved.getByRole('button', { name: 'Fermer' }).click();
  await moved.waitFor({ state: 'detached' });
  await block(pageA, second, MOVED).filter({ hasText: '11:00' }).waitFor();
  assert.equal(await block(pageA, second, TITLE).count(), 0);
  await shot(pageA, 'armour-14b-calendar-occurrence');

  // Then cancels the third alone.
  await next(pageA);
  await block(pageA, third, TITLE).click();
  const other = pageA.getByRole('dialog', { name: TITLE });
  await other.getByRole('button', { name: 'Supprimer' }).click();
  const confirm = pageA.getByRole('dialog', { name: 'Supprimer l’événement ?' });
  await confirm
    .getByRole('group', { name: 'Supprimer', exact: true })
    .getByRole('radio', { name: 'Cette occurrence', checked: true })
    .waitFor();
  await confirm.getByText('sera annulée').waitFor();
  await confirm.getByRole('button', { name: 'Supprimer' }).click();
  await other.waitFor({ state: 'detached' });
  await block(pageA, third, TITLE).waitFor({ state: 'detached' });

  // The server holds the same event, its card sealed again: still nothing in clear.
  const after = await pageOk(pageA, 'GET', `/workspaces/${wsId}/calendar/sealed`);
  assert.deepEqual(
    after.events.map((x) => x.id),
    [before.id],
  );
  const e = await pageOk(pageA, 'GET', `/calendar/events/${before.id}`);
  assert.equal(e.token, before.token);
  assert.notEqual(e.sealed, before.sealed);
  assert.ok(e.sealed.startsWith('e2e1:2:'), e.sealed);
  for (const k of ['title', 'start', 'end', 'rrule', 'location'])
    assert.equal(e[k], undefined, `${k} in ${JSON.stringify(e)}`);
  const stored = JSON.stringify(e);
  for (const plain of ['Relève', 'déplacée', 'WEEKLY', second, third])
    assert.ok(!stored.includes(plain), stored);

  // After a reload, and in the member's weeks: the second moved and retitled,
  // the third gone, the fourth as the series has it (the owner's page
  // reloads at the third's week, the one shown).
  assert.ok(pageA.url().includes(`date=${third}`), pageA.url());
  await pageA.reload();
  await unlock(pageA, PASS.a);
  await pageB.goto(`${env.url}/w/${wsId}/calendar?view=week&date=${second}`);
  await unlock(pageB, PASS.b);
  await pageA.getByRole('button', { name: 'Semaine précédente' }).click();
  for (const page of [pageA, pageB]) {
    await block(page, second, MOVED).filter({ hasText: '11:00' }).waitFor();
    assert.equal(await block(page, second, TITLE).count(), 0);
    await next(page);
    await dayCell(page, third).waitFor();
    assert.equal(await block(page, third, TITLE).count(), 0);
    await next(page);
    await block(page, fourth, TITLE).waitFor();
  }
  assert.equal(await pageB.locator('.cal-unopened').count(), 0, 'every card opened');
  // The member declines the fifth alone (sealed by her, for the series).
  await next(pageB);
  await block(pageB, fifth, TITLE).click();
  const fifthApart = pageB.getByRole('dialog', { name: TITLE });
  await fifthApart
    .getByRole('group', { name: 'Répondre pour' })
    .getByRole('radio', { name: 'Cette occurrence' })
    .check();
  await fifthApart.getByRole('button', { name: 'Refuser' }).click();
  await fifthApart.getByRole('button', { name: 'Refuser', pressed: true }).waitFor();
  await fifthApart.getByRole('button', { name: 'Fermer' }).click();
  await fifthApart.waitFor({ state: 'detached' });
  await pageB.getByRole('button', { name: 'Semaine précédente' }).click();

  // The owner changes the fourth and the following: the series cut in two
  // in one request; the member, who accepted the series, is invited to the
  // rest with her answer, and her answers apart as they are (sealed for the
  // series, which the new card names).
  const LATER = 'Relève tardive';
  await block(pageA, fourth, TITLE).click();
  const cutting = pageA.getByRole('dialog', { name: TITLE });
  await cutting.getByRole('button', { name: 'Modifier' }).click();
  await cutting
    .getByRole('group', { name: 'Modifier', exact: true })
    .getByRole('radio', { name: 'Celle-ci et les suivantes' })
    .check();
  await cutting.getByLabel('Titre', { exact: true }).fill(LATER);
  await cutting.getByRole('button', { name: 'Enregistrer' }).click();
  await pageA.getByText(/^Occurrences à partir du .* enregistrées$/).waitFor();
  await cutting.waitFor({ state: 'detached' });
  await block(pageA, fourth, LATER).waitFor();
  const cut = await pageOk(pageA, 'GET', `/workspaces/${wsId}/calendar/sealed`);
  assert.equal(cut.events.length, 2, JSON.stringify(cut.events));
  const series = cut.events.find((x) => x.id === before.id);
  const later = cut.events.find((x) => x.id !== before.id);
  assert.notEqual(later.token, before.token);
  const hersApart = series.attendees.find((x) => x.name === B.name)?.sealed_answers;
  assert.ok(hersApart?.startsWith('e2e1:'), JSON.stringify(series.attendees));
  assert.deepEqual(
    later.attendees.map((x) => [x.name, x.partstat, x.sealed_answers, x.answers_token]),
    [[B.name, 'accepted', hersApart, before.token]],
  );
  for (const x of [series, later]) assert.ok(!JSON.stringify(x).includes('Relève'));
  // The member's week shows the rest, live.
  await block(pageB, fourth, LATER).waitFor();
  assert.equal(await block(pageB, fourth, TITLE).count(), 0);
  // Her answer to the fifth came with her: the owner sees it there.
  await next(pageA);
  await block(pageA, fifth, LATER).click();
  const fifthSeen = pageA.getByRole('dialog', { name: LATER });
  await fifthSeen
    .getByRole('list', { name: 'Participants' })
    .getByRole('listitem')
    .filter({ hasText: B.name })
    .getByText('A refusé cette occurrence')
    .waitFor();
  await fifthSeen.getByRole('button', { name: 'Fermer' }).click();
  await fifthSeen.waitFor({ state: 'detached' });
  // Back at the files' root for what follows.
  await pageA.goto(`${env.url}/w/${wsId}/files`);
  await unlock(pageA, PASS.a);
  await fileEntry(pageA, 'Archives du coffre').waitFor();
  assertNoConsoleErrors(a, 'owner', EXPECTED_A);
  assertNoConsoleErrors(b, 'member', EXPECTED);
});

test('the signatures worker, as built, checks with Chromium’s WebCrypto what libsodium would accept, and fetches no libsodium', async () => {
  const assets = new URL('../../web/dist/assets/', import.meta.url);
  const worker = (await readdir(assets)).find((f) => /^verifier\.worker-.*\.js$/.test(f));
  assert.ok(worker, 'no verifier.worker-*.js in web/dist/assets');
  const hex = (h) => [...Buffer.from(h, 'hex')];
  // RFC 8032, 7.1, tests 1 and 2.
  const pk1 = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
  const sig1 =
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';
  const pk2 = '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c';
  const sig2 =
    '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00';
  // Test 1's S + L: the same equation, a scalar libsodium refuses.
  const L = (1n << 252n) + 27742317777372353535851937790883648493n;
  const s1 = BigInt('0x' + Buffer.from(sig1.slice(64), 'hex').reverse().toString('hex'));
  const bigS = Buffer.from((s1 + L).toString(16).padStart(64, '0'), 'hex').reverse().toString('hex');
  // The neutral point as key and R, S = 0: holds for any text in a check without libsodium's rules.
  const neutral = '01' + '00'.repeat(31);
  const checks = [
    [sig1, '', pk1],
    [sig2, 'r', pk2],
    [sig2, 's', pk2],
    [sig1.slice(0, 64) + bigS, '', pk1],
    [neutral + '00'.repeat(32), 'n’importe quoi', neutral],
  ].map(([signature, signed, pk]) => ({ signature: hex(signature), signed, pk: hex(pk) }));
  const fetched = [];
  const seen = (r) => fetched.push(r.url());
  a.on('request', seen);
  const ok = await pageA.evaluate(
    ([url, checks]) =>
      new Promise((resolve, reject) => {
        const w = new Worker(url, { type: 'module' });
        w.addEventListener('message', (e) => {
          w.terminate();
          resolve(e.data);
        });
        w.addEventListener('error', () => reject(new Error('the worker did not load')));
        w.postMessage({
          id: 7,
          checks: checks.map((c) => ({
            ...c,
            signature: new Uint8Array(c.signature),
            pk: new Uint8Array(c.pk),
          })),
        });
      }),
    [`${env.url}/assets/${worker}`, checks],
  );
  a.off('request', seen);
  assert.deepEqual(ok, { id: 7, ok: [true, true, false, false, false] });
  assert.ok(fetched.some((u) => u.includes('/assets/verifier.worker-')), fetched.join(' '));
  assert.ok(!fetched.some((u) => u.includes('libsodium')), `libsodium fetched: ${fetched.join(' ')}`);
  assertNoConsoleErrors(a, 'owner', EXPECTED_A);
});

test('a large file goes through resumable uploads, sealed: the records on the PATCH that completes it, the bytes back identical', async () => {
  // Above the tus threshold (8 MiB), varied bytes.
  const size = 9 * 1024 * 1024 + 123;
  const big = Buffer.alloc(size);
  for (let i = 0; i < size; i++) big[i] = (i * 31 + (i >> 12)) & 255;
  const sealedSize = 24 + size + 17 * Math.ceil(size / 65536);
  const seen = [];
  const onRequest = (r) => {
    const path = new URL(r.url()).pathname;
    if (path === `/api/v1/workspaces/${wsId}/files/uploads` || path.startsWith('/api/v1/uploads/'))
      seen.push({ method: r.method(), headers: r.headers() });
  };
  pageA.on('request', onRequest);
  // The first chunk's connection drops: the upload asks where it is and goes on.
  let dropped = 0;
  const uploads = (u) => u.pathname.startsWith('/api/v1/uploads/');
  await pageA.route(uploads, async (route) => {
    if (route.request().method() === 'PATCH' && dropped === 0) {
      dropped++;
      await route.abort('connectionreset');
    } else {
      await route.continue();
    }
  });
  const started = Date.now();
  await pageA
    .getByTestId('files-input')
    .setInputFiles([
      { name: 'coffre-archive.bin', mimeType: 'application/octet-stream', buffer: big },
    ]);
  const row = pageA.locator('.files-upload', { hasText: 'coffre-archive.bin' });
  const status = await until(
    'the large upload to end',
    async () => {
      const s = await row.getAttribute('data-status', { timeout: 1000 }).catch(() => null);
      return s === 'done' || s === 'error' ? s : null;
    },
    90_000,
  );
  assert.equal(status, 'done', await row.textContent());
  metric('armour_files_tus_upload_ms', Date.now() - started, { bytes: size });
  await pageA.unroute(uploads);
  pageA.off('request', onRequest);
  assert.equal(dropped, 1);

  // Created under a token, the sealed length; the records on the completing PATCH only.
  const posts = seen.filter((r) => r.method === 'POST');
  assert.equal(posts.length, 1, JSON.stringify(seen.map((r) => r.method)));
  const meta = Object.fromEntries(
    posts[0].headers['upload-metadata'].split(',').map((kv) => {
      const [k, v] = kv.split(' ');
      return [k, Buffer.from(v, 'base64').toString()];
    }),
  );
  assert.match(meta.filename, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(posts[0].headers['upload-length'], String(sealedSize));
  assert.ok(seen.some((r) => r.method === 'HEAD'), 'no HEAD after the dropped connection');
  const patches = seen.filter((r) => r.method === 'PATCH');
  assert.ok(patches.length >= 3, JSON.stringify(seen.map((r) => r.method)));
  const completing = patches.at(-1);
  assert.equal(completing.headers['upload-offset'], String(8 * 1024 * 1024));
  assert.ok(completing.headers['x-sealed-content']?.startsWith('e2e1:'));
  assert.ok(completing.headers['x-sealed-name']?.startsWith('e2e1:'));
  for (const p of patches.slice(0, -1)) {
    assert.equal(p.headers['x-sealed-content'], undefined);
    assert.equal(p.headers['x-sealed-name'], undefined);
  }

  // The server holds the sealed bytes under the token, with the records.
  const listed = await pageOk(pageA, 'GET', `/workspaces/${wsId}/files`);
  const stored = listed.items.find((n) => n.name === meta.filename);
  assert.ok(stored, JSON.stringify(listed.items.map((n) => n.name)));
  assert.equal(stored.size, sealedSize);
  assert.equal(stored.sealed_content, completing.headers['x-sealed-content']);

  // Saved back through the page: the very bytes sent.
  await fileEntry(pageA, 'coffre-archive.bin').click();
  const pane = pageA.getByRole('complementary', { name: 'Détails de coffre-archive.bin' });
  await pane.waitFor();
  const [download] = await Promise.all([
    pageA.waitForEvent('download'),
    pane.getByRole('button', { name: 'Télécharger' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'coffre-archive.bin');
  const back = await readFile(await download.path());
  assert.equal(back.length, size);
  assert.ok(back.equals(big), 'the downloaded bytes differ');
  await shot(pageA, 'armour-13-files-large');
  assertNoConsoleErrors(a, 'owner', [...EXPECTED_A, /ERR_CONNECTION_RESET|ERR_FAILED/]);
});

test('a large sealed upload interrupted by a reload goes on after unlock, its file not picked again', async () => {
  // Past one chunk once sealed; what the browser keeps is sealed, then gone.
  const size = 8 * 1024 * 1024 + 100_000;
  const big = Buffer.alloc(size);
  for (let i = 0; i < size; i++) big[i] = (i * 13 + (i >> 11)) & 255;
  const sealedSize = 24 + size + 17 * Math.ceil(size / 65536);
  const uploads = (u) => u.pathname.startsWith('/api/v1/uploads/');
  const later = (r) => r.method() === 'PATCH' && r.headers()['upload-offset'] !== '0';
  // The first chunk reaches the server; the second never does: the page is reloaded meanwhile.
  let held = null;
  await pageA.route(uploads, async (route) => {
    if (later(route.request())) held = route;
    else await route.continue();
  });
  const firstChunk = pageA.waitForResponse(
    (r) => r.request().method() === 'PATCH' && uploads(new URL(r.url())),
  );
  const secondChunk = pageA.waitForRequest((r) => uploads(new URL(r.url())) && later(r));
  await pageA
    .getByTestId('files-input')
    .setInputFiles([{ name: 'coffre-reprise.bin', mimeType: 'application/octet-stream', buffer: big }]);
  assert.equal((await firstChunk).status(), 204);
  await secondChunk;
  // Kept in this browser: the sealed bytes, and what finishes them sealed (no name, no key).
  const kept = await rememberedUpload(pageA, (u) => u.kind === 'sealed');
  assert.deepEqual(kept.sealed, { size: sealedSize });
  assert.equal(kept.size, size);
  assert.match(kept.box, /^e2e1:2:/);
  assert.ok(!JSON.stringify(kept).includes('coffre-reprise'), JSON.stringify(kept));
  assert.deepEqual(
    Object.keys(kept).sort(),
    ['box', 'createdAt', 'kind', 'sealed', 'size', 'url', 'userId', 'workspaceId'],
  );
  const url = kept.url;

  // Uploads in flight ask before the page goes: it goes.
  const accept = (d) => d.accept().catch(() => undefined);
  pageA.on('dialog', accept);
  await pageA.reload();
  pageA.off('dialog', accept);
  await held?.abort().catch(() => undefined);
  await pageA.unroute(uploads);
  const sent = [];
  const onRequest = (r) => {
    const p = new URL(r.url()).pathname;
    if (uploads(new URL(r.url())) || p === `/api/v1/workspaces/${wsId}/files/uploads`)
      sent.push({ method: r.method(), path: p, offset: r.headers()['upload-offset'] });
  };
  pageA.on('request', onRequest);
  // The keys unlocked, it goes on by itself from the server's offset, the file not picked again.
  await unlock(pageA, PASS.a);
  const row = pageA.locator('.files-upload', { hasText: 'coffre-reprise.bin' });
  const status = await until(
    'the interrupted upload to end',
    async () => {
      const s = await row.getAttribute('data-status', { timeout: 1000 }).catch(() => null);
      return s === 'done' || s === 'error' ? s : null;
    },
    60_000,
  );
  assert.equal(status, 'done', await row.textContent());
  pageA.off('request', onRequest);
  assert.deepEqual(sent.slice(0, 2), [
    { method: 'HEAD', path: url, offset: undefined },
    { method: 'PATCH', path: url, offset: String(8 * 1024 * 1024) },
  ]);
  assert.ok(
    sent.every((r) => r.path === url),
    JSON.stringify(sent),
  );
  assert.deepEqual(await unfinishedUploads(pageA), []);

  // Where it was going, under its real name, the very bytes.
  await fileEntry(pageA, 'coffre-reprise.bin').click();
  const pane = pageA.getByRole('complementary', { name: 'Détails de coffre-reprise.bin' });
  await pane.waitFor();
  const [download] = await Promise.all([
    pageA.waitForEvent('download'),
    pane.getByRole('button', { name: 'Télécharger' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'coffre-reprise.bin');
  const back = await readFile(await download.path());
  assert.ok(back.equals(big), 'the downloaded bytes differ');
  await shot(pageA, 'armour-13b-files-resumed');
  assertNoConsoleErrors(a, 'owner', [...EXPECTED_A, /ERR_CONNECTION_RESET|ERR_FAILED|ERR_ABORTED/]);
});

test('a private channel and a direct conversation have keys of their own: only their members open them', async () => {
  const meA = (await pageOk(pageA, 'GET', '/me')).id;
  // Capucine (removed above) comes back: in the workspace, not in the channel.
  const invitation = await pageOk(pageA, 'POST', `/workspaces/${wsId}/invitations`, {
    json: { email: C.email, role: 'member' },
  });
  await pageOk(pageC, 'POST', `/invitations/${invitation.token}/accept`, { json: {} });
  const priv = await pageOk(pageA, 'POST', `/workspaces/${wsId}/channels`, {
    json: { name: 'direction', private: true, member_ids: [idB] },
  });
  const channelState = (page, id) => pageOk(page, 'GET', `/channels/${id}/armour`);

  // The owner writes there: her browser makes the channel's first key,
  // sealed for its two members only, and seals the message with it.
  await pageA.goto(`${env.url}/w/${wsId}/chat/${priv.id}`);
  await pageA.getByLabel('Phrase de passe de blindage').fill(PASS.a);
  await pageA.getByRole('button', { name: 'Déverrouiller' }).click();
  await pageA.getByRole('heading', { level: 1, name: /direction/ }).waitFor();
  let box = composer(pageA);
  await box.fill('Plan confidentiel de la direction');
  await box.press('Enter');
  await message(pageA, 'Plan confidentiel').waitFor();
  const [first] = await pageOk(pageA, 'GET', `/channels/${priv.id}/messages?limit=1`);
  assert.ok(first.body.startsWith('e2e1:c1:'), first.body);
  const s1 = await channelState(pageA, priv.id);
  assert.equal(s1.generation, 1);
  assert.deepEqual(s1.members.map((m) => m.user_id).sort(), [meA, idB].sort());
  // The workspace's key does not open it: Capucine neither sees the channel nor holds its key.
  assert.equal((await pageFetch(pageC, 'GET', `/channels/${priv.id}/messages`)).status, 404);
  assert.equal((await pageFetch(pageC, 'GET', `/channels/${priv.id}/armour`)).status, 404);

  // Basile reads it live, opened with the channel's key sealed for him.
  await pageB.goto(`${env.url}/w/${wsId}/chat/${priv.id}`);
  await pageB.getByLabel('Phrase de passe de blindage').fill(PASS.b);
  await pageB.getByRole('button', { name: 'Déverrouiller' }).click();
  await message(pageB, 'Plan confidentiel').waitFor();

  // Capucine is added: a member's browser seals the channel's key for her.
  await pageOk(pageA, 'POST', `/channels/${priv.id}/members`, { json: { user_id: idC } });
  await until('the channel key for Capucine', async () => {
    const x = await channelState(pageA, priv.id);
    return x.members.some((m) => m.user_id === idC) && x.missing.length === 0;
  });
  await pageC.goto(`${env.url}/w/${wsId}/chat/${priv.id}`);
  await pageC.getByLabel('Phrase de passe de blindage').fill(`${PASS.c} bis`);
  await pageC.getByRole('button', { name: 'Déverrouiller' }).click();
  await message(pageC, 'Plan confidentiel').waitFor();
  await shot(pageC, 'armour-14-private-channel');

  // Basile is taken out of the channel (not of the workspace): a remaining
  // member's browser makes its next key, without him.
  await pageOk(pageA, 'DELETE', `/channels/${priv.id}/members/${idB}`);
  const s2 = await until('the channel key generation 2', async () => {
    const x = await channelState(pageA, priv.id);
    return x.generation === 2 && !x.rotation_required ? x : null;
  });
  assert.deepEqual(s2.members.map((m) => m.user_id).sort(), [meA, idC].sort());
  box = composer(pageA);
  await box.fill('Suite sans Basile');
  await box.press('Enter');
  await message(pageC, 'Suite sans Basile').waitFor();
  const [second] = await pageOk(pageA, 'GET', `/channels/${priv.id}/messages?limit=1`);
  assert.ok(second.body.startsWith('e2e1:c2:'), second.body);
  assert.equal((await pageFetch(pageB, 'GET', `/channels/${priv.id}/messages`)).status, 404);
  // The workspace's own key did not move.
  assert.equal((await armourState()).generation, 2);

  // A direct conversation between the owner and Basile: its own key too.
  const dm = await pageOk(pageA, 'POST', `/workspaces/${wsId}/direct`, { json: { user_ids: [idB] } });
  await pageA.goto(`${env.url}/w/${wsId}/chat/${dm.id}`);
  await pageA.getByLabel('Phrase de passe de blindage').fill(PASS.a);
  await pageA.getByRole('button', { name: 'Déverrouiller' }).click();
  box = composer(pageA);
  await box.fill('Entre nous deux');
  await box.press('Enter');
  await message(pageA, 'Entre nous deux').waitFor();
  const [said] = await pageOk(pageA, 'GET', `/channels/${dm.id}/messages?limit=1`);
  assert.ok(said.body.startsWith('e2e1:c1:'), said.body);
  await pageB.goto(`${env.url}/w/${wsId}/chat/${dm.id}`);
  await pageB.getByLabel('Phrase de passe de blindage').fill(PASS.b);
  await pageB.getByRole('button', { name: 'Déverrouiller' }).click();
  await message(pageB, 'Entre nous deux').waitFor();
  assertNoConsoleErrors(a, 'owner', [...EXPECTED_A, /ERR_CONNECTION_RESET|ERR_FAILED/]);
  // Basile asked for the channel he left, on purpose (404).
  assertNoConsoleErrors(b, 'member', [...EXPECTED, /status of 404.*\/channels\/[0-9a-z]{26}\/messages\b/]);
});

test('an armoured workspace exported and imported: its texts read with the ids they were sealed with, and new ones with the ids here', async () => {
  const meA = (await pageOk(pageA, 'GET', '/me')).id;
  const channelsOf = async (ws) =>
    new Map(
      (await pageOk(pageA, 'GET', `/workspaces/${ws}/channels`)).map((ch) => [ch.name, ch.id]),
    );
  const privId = (await channelsOf(wsId)).get('direction');
  assert.ok(privId, 'the private channel of the scenario above');
  // Bytes over one 64 KiB piece, varied.
  const bytes = Buffer.alloc(100_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 9)) & 255;

  // Before the export: a message in a public channel, one in a private
  // channel (its own key), a file.
  await pageA.goto(`${env.url}/w/${wsId}/chat/${channelId}`);
  await unlock(pageA, PASS.a);
  let box = composer(pageA);
  await box.fill('Avant l’export : le code est 7731');
  await box.press('Enter');
  await message(pageA, 'Avant l’export').waitFor();
  await pageA.goto(`${env.url}/w/${wsId}/chat/${privId}`);
  await unlock(pageA, PASS.a);
  box = composer(pageA);
  await box.fill('Direction, avant l’export');
  await box.press('Enter');
  await message(pageA, 'Direction, avant l’export').waitFor();
  await pageA.goto(`${env.url}/w/${wsId}/files`);
  await unlock(pageA, PASS.a);
  await pageA.getByText('Fichiers chiffrés de bout en bout').waitFor();
  await pageA.getByTestId('files-input').setInputFiles([
    {
      name: 'avant-export.bin',
      mimeType: 'application/octet-stream',
      buffer: bytes,
    },
  ]);
  await fileEntry(pageA, 'avant-export.bin').waitFor({ timeout: 30_000 });
  const [sealedPub] = await pageOk(pageA, 'GET', `/channels/${channelId}/messages?limit=1`);
  const [sealedPriv] = await pageOk(pageA, 'GET', `/channels/${privId}/messages?limit=1`);
  const generation = (await armourState()).generation;
  assert.ok(sealedPub.body.startsWith(`e2e1:${generation}:`), sealedPub.body);
  assert.match(sealedPriv.body, /^e2e1:c\d+:/);

  // The owner, an administrator, exports it and imports the archive (in the page: its bytes stay there).
  const imported = await pageA.evaluate(
    async ({ ws, name }) => {
      const csrf = JSON.parse(sessionStorage.getItem('ruche.csrf') ?? 'null');
      const exported = await fetch(`/api/v1/workspaces/${ws}/export`, {
        credentials: 'same-origin',
      });
      if (!exported.ok) return { status: exported.status, body: await exported.text() };
      const r = await fetch(`/api/v1/admin/workspaces/import?name=${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: {
          [csrf.header]: csrf.token,
          'Content-Type': 'application/octet-stream',
        },
        body: await exported.blob(),
        credentials: 'same-origin',
      });
      return { status: r.status, body: await r.json() };
    },
    { ws: wsId, name: 'Coffre importé' },
  );
  assert.equal(imported.status, 201, JSON.stringify(imported.body));
  const copy = imported.body.workspace.id;
  assert.equal(imported.body.workspace.armoured, true);
  assert.deepEqual(imported.body.unmatched_members, []);
  const here = await channelsOf(copy);
  const pubCopy = here.get('coffre');
  const privCopy = here.get('direction');
  assert.ok(pubCopy && privCopy, JSON.stringify([...here]));

  // One era: the ids there; the imported generation is stale until a browser makes the next one.
  const before = await pageOk(pageA, 'GET', `/workspaces/${copy}/armour`);
  assert.equal(before.generation, generation);
  assert.equal(before.rotation_required, true);
  assert.equal(before.eras.length, 1);
  assert.equal(before.eras[0].workspace_id, wsId);
  assert.equal(before.eras[0].generation, generation);
  const mapped = new Map(before.eras[0].channels.map((c) => [c.channel_id, c.origin_channel_id]));
  assert.equal(mapped.get(pubCopy), channelId);
  assert.equal(mapped.get(privCopy), privId);
  const privState = await pageOk(pageA, 'GET', `/channels/${privCopy}/armour`);
  assert.equal(privState.rotation_required, true);
  assert.deepEqual(
    privState.eras.map((e) => e.channel_id),
    [privId],
  );
  // The texts as they were sealed.
  const [copiedPub] = await pageOk(pageA, 'GET', `/channels/${pubCopy}/messages?limit=1`);
  assert.equal(copiedPub.body, sealedPub.body);
  assert.equal(copiedPub.author_id, meA);

  // The owner opens the copy: what was sealed there reads, verified; her
  // browser makes the next generation, with the ids here.
  await pageA.goto(`${env.url}/w/${copy}/chat/${pubCopy}`);
  await unlock(pageA, PASS.a);
  await message(pageA, 'Avant l’export : le code est 7731').waitFor();
  await message(pageA, 'Le plan du coffre')
    .getByRole('img', { name: 'plan-du-coffre.png' })
    .waitFor();
  assert.equal(await pageA.getByText('Signature invalide').count(), 0);
  assert.equal(await pageA.getByText('Message illisible').count(), 0);
  const after = await until('the next generation in the copy', async () => {
    const x = await pageOk(pageA, 'GET', `/workspaces/${copy}/armour`);
    return x.generation === generation + 1 && !x.rotation_required ? x : null;
  });
  assert.equal(after.eras.length, 1);
  await shot(pageA, 'armour-15-imported');
  box = composer(pageA);
  await box.fill('Après l’import, au même endroit');
  await box.press('Enter');
  await message(pageA, 'Après l’import').waitFor();
  const [fresh] = await pageOk(pageA, 'GET', `/channels/${pubCopy}/messages?limit=1`);
  assert.ok(fresh.body.startsWith(`e2e1:${generation + 1}:`), fresh.body);

  // The copy is anchored anew by the owner's browser (its approvals named
  // the other workspace): the member's keys are approved here too.
  await approveFromNotice(pageA, B.name);
  // The member reads both: the old with the era, the new with the ids here.
  await pageB.goto(`${env.url}/w/${copy}/chat/${pubCopy}`);
  await unlock(pageB, PASS.b);
  await message(pageB, 'Avant l’export : le code est 7731').waitFor();
  await message(pageB, 'Après l’import, au même endroit').waitFor();
  assert.equal(await pageB.getByText('Signature invalide').count(), 0);

  // The private channel: its key's era, then its next generation, made here.
  await pageA.goto(`${env.url}/w/${copy}/chat/${privCopy}`);
  await unlock(pageA, PASS.a);
  await message(pageA, 'Direction, avant l’export').waitFor();
  await message(pageA, 'Plan confidentiel de la direction').waitFor();
  box = composer(pageA);
  await box.fill('Direction, après l’import');
  await box.press('Enter');
  await message(pageA, 'Direction, après l’import').waitFor();
  const [freshPriv] = await pageOk(pageA, 'GET', `/channels/${privCopy}/messages?limit=1`);
  const privGeneration = Number(/^e2e1:c(\d+):/.exec(sealedPriv.body)[1]);
  assert.ok(freshPriv.body.startsWith(`e2e1:c${privGeneration + 1}:`), freshPriv.body);

  // The file: its name opened, its bytes back identical.
  await pageA.goto(`${env.url}/w/${copy}/files`);
  await unlock(pageA, PASS.a);
  await fileEntry(pageA, 'avant-export.bin').click();
  const pane = pageA.getByRole('complementary', {
    name: 'Détails de avant-export.bin',
  });
  await pane.waitFor();
  const [download] = await Promise.all([
    pageA.waitForEvent('download'),
    pane.getByRole('button', { name: 'Télécharger' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'avant-export.bin');
  assert.ok(bytes.equals(await readFile(await download.path())), 'the same bytes');
  await shot(pageA, 'armour-16-imported-files');

  // The task: its card (sealed by the member), checklist and comments, read with the era's ids.
  const RENAMED = 'Changer la combinaison avant vendredi';
  await pageA.goto(`${env.url}/w/${copy}/tasks`);
  await unlock(pageA, PASS.a);
  await pageA
    .getByRole('region', { name: 'À faire' })
    .locator('.task-card__open', { hasText: RENAMED })
    .click();
  const taskPane = pageA.getByRole('complementary', { name: `Tâche : ${RENAMED}` });
  await taskPane
    .getByRole('region', { name: 'Liste de contrôle' })
    .getByRole('checkbox', { name: 'Prévenir la banque' })
    .waitFor();
  const talk = taskPane.getByRole('region', { name: /^Commentaires/ });
  await talk.locator('strong', { hasText: '4-8-15-16' }).waitFor();
  await talk.getByText('C’est noté').waitFor();
  assert.equal(await pageA.locator('.task-sealed').count(), 0, 'opened and verified');
  assertNoConsoleErrors(a, 'owner', [...EXPECTED_A, /ERR_CONNECTION_RESET|ERR_FAILED/]);
  assertNoConsoleErrors(b, 'member', [
    ...EXPECTED,
    /status of 404.*\/channels\/[0-9a-z]{26}\/messages\b/,
  ]);
});

test('a member saves his keys to a file, makes new keys, and brings the saved ones back: the imported history reads again', async () => {
  const copy = (await pageOk(pageB, 'GET', '/workspaces')).find((w) => w.name === 'Coffre importé');
  assert.ok(copy, 'the workspace the import scenario made');
  const pubCopy = (await pageOk(pageB, 'GET', `/workspaces/${copy.id}/channels`)).find(
    (ch) => ch.name === 'coffre',
  )?.id;
  assert.ok(pubCopy);
  const before = await pageOk(pageB, 'GET', '/me/armour');

  // Basile reads the imported history (his keys are the era's), and saves his keys.
  await pageB.goto(`${env.url}/w/${copy.id}/chat/${pubCopy}`);
  await unlock(pageB, PASS.b);
  await message(pageB, 'Avant l’export : le code est 7731').waitFor();
  const dialog = await openVerify(pageB);
  const [download] = await Promise.all([
    pageB.waitForEvent('download'),
    dialog.getByRole('button', { name: 'Enregistrer mes clés' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^ruche-cles-\d{4}-\d{2}-\d{2}\.json$/);
  const keysFile = await download.path();
  const saved = JSON.parse(await readFile(keysFile, 'utf8'));
  assert.deepEqual(
    { ...saved, saved_at: typeof saved.saved_at },
    {
      format: 'ruche-armour-identity',
      version: 1,
      user_id: idB,
      box_public: before.box_public,
      sign_public: before.sign_public,
      sealed_secret: before.sealed_secret,
      saved_at: 'string',
      origin: new URL(env.url).origin,
    },
  );
  await dialog.getByText(/^Clés enregistrées dans le fichier ruche-cles-/).waitFor();
  await dialog.getByText(/peut essayer des phrases de passe sans limite, hors ligne/).waitFor();
  await shot(pageB, 'armour-17-keys-saved');
  await closeVerify(dialog);

  // He forgets his passphrase and makes new keys (the screen offers the
  // saved file first; he does not have it at hand).
  await pageB.reload();
  await pageB.getByRole('button', { name: 'Phrase de passe oubliée ?' }).click();
  await pageB
    .getByRole('dialog', { name: 'Créer de nouvelles clés ?' })
    .getByRole('button', { name: 'Créer de nouvelles clés' })
    .click();
  await pageB.getByRole('heading', { name: 'Nouvelle phrase de passe de blindage' }).waitFor();
  await pageB.getByText('Vous avez enregistré vos clés dans un fichier ?').waitFor();
  await shot(pageB, 'armour-18-forgot-offers-saved-keys');
  await pageB.getByLabel('Phrase de passe de blindage', { exact: true }).fill(`${PASS.b} bis`);
  await pageB.getByLabel('Confirmez la phrase de passe').fill(`${PASS.b} bis`);
  await pageB.getByRole('button', { name: 'Remplacer mes clés' }).click();
  // Once the owner approves his new keys, her browser seals them the
  // current key: what was written after the import reads; what was sealed
  // before it does not.
  await pageB.getByText(/Vos clés attendent l’approbation/).waitFor();
  await pageA.goto(`${env.url}/w/${copy.id}/chat/${pubCopy}`);
  await unlock(pageA, PASS.a);
  await approveFromNotice(pageA, B.name);
  await message(pageB, 'Après l’import, au même endroit').waitFor({ timeout: 30_000 });
  await pageB.getByText('Message illisible').first().waitFor();
  assert.equal(await message(pageB, 'Avant l’export').count(), 0);
  const replaced = await pageOk(pageB, 'GET', '/me/armour');
  assert.notEqual(replaced.box_public, before.box_public);

  // He finds the file: "Utiliser des clés enregistrées", the file's passphrase.
  const mine = await openVerify(pageB);
  await mine.getByRole('button', { name: 'Utiliser des clés enregistrées' }).click();
  await mine.getByLabel('Fichier de clés').setInputFiles(keysFile);
  await mine.getByText(/Ces clés ne sont pas celles que vous avez ici/).waitFor();
  await mine.getByLabel('Phrase de passe de ces clés').fill('pas la bonne phrase');
  await mine.getByRole('button', { name: 'Remplacer mes clés' }).click();
  const confirm = pageB.getByRole('dialog', { name: 'Remplacer vos clés ?' });
  await confirm.getByRole('button', { name: 'Remplacer mes clés' }).click();
  await mine.getByText('Cette phrase de passe n’ouvre pas les clés de ce fichier.').waitFor();
  assert.equal((await pageOk(pageB, 'GET', '/me/armour')).box_public, replaced.box_public);
  await mine.getByLabel('Phrase de passe de ces clés').fill(PASS.b);
  await shot(pageB, 'armour-19-keys-from-file');
  await mine.getByRole('button', { name: 'Remplacer mes clés' }).click();
  await confirm.getByRole('button', { name: 'Remplacer mes clés' }).click();
  await mine.getByText('Vos clés sont maintenant celles du fichier.').waitFor({ timeout: 30_000 });
  await closeVerify(mine);

  // His keys are the era's again: the imported history reads, signed.
  await message(pageB, 'Avant l’export : le code est 7731').waitFor({ timeout: 30_000 });
  await message(pageB, 'Après l’import, au même endroit').waitFor();
  assert.equal(await pageB.getByText('Signature invalide').count(), 0);
  const restored = await pageOk(pageB, 'GET', '/me/armour');
  assert.equal(restored.box_public, before.box_public);
  assert.equal(restored.sign_public, before.sign_public);
  assert.notEqual(
    restored.sealed_secret,
    before.sealed_secret,
    'sealed again: a new salt and nonce',
  );
  // The passphrase of the file opens them after a reload.
  await pageB.reload();
  await unlock(pageB, PASS.b);
  await message(pageB, 'Avant l’export : le code est 7731').waitFor();
  await shot(pageB, 'armour-20-history-back');
  assertNoConsoleErrors(a, 'owner', [...EXPECTED_A, /ERR_CONNECTION_RESET|ERR_FAILED/]);
  assertNoConsoleErrors(b, 'member', [
    ...EXPECTED,
    /status of 404.*\/channels\/[0-9a-z]{26}\/messages\b/,
  ]);
});
