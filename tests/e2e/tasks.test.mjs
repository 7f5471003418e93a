// The task board end to end, in Chromium, against a real server (started
// by run.sh). Two people in two browser contexts: the owner of a workspace
// and a member invited into it. The scenarios run in order and share state.
// Screenshots: build/e2e/tasks-*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  assertNoConsoleErrors,
  axe,
  enrol,
  env,
  launch,
  newContext,
  pageOk,
  shot,
  signIn,
} from './lib.mjs';

const WS = 'Rénovation Garonne';
const MEMBER = {
  email: 'elise@ruche.test',
  name: 'Élise Fabre',
  password: 'Martinet-Sable-6180',
};
const BLOCKER = 'Monter l’échafaudage';
const WAITING = 'Repeindre la façade';
const BLOCKED_TEXT = 'Cette tâche attend une tâche non terminée';

let browser;
let owner;
let ownerPage;
let member;
let memberPage;
let wsId = '';

const ok = (page, method, path, body, status = [200, 201, 204]) =>
  pageOk(page, method, path, { json: body }, status);

const column = (page, name) => page.getByRole('region', { name });
const card = (page, name, title) => column(page, name).locator('li.task-card', { hasText: title });
const pane = (page, title) => page.getByRole('complementary', { name: `Tâche : ${title}` });

/** The workspace's tasks by title, from the API. */
async function tasksByTitle(page) {
  const list = await ok(page, 'GET', `/workspaces/${wsId}/tasks`);
  return Object.fromEntries(list.map((t) => [t.title, t]));
}

async function createTask(page, title) {
  await page.getByRole('button', { name: 'Nouvelle tâche', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Nouvelle tâche' });
  await dialog.getByLabel('Titre').fill(title);
  await dialog.getByRole('button', { name: 'Créer la tâche' }).click();
  await dialog.waitFor({ state: 'detached' });
  await card(page, 'À faire', title).waitFor();
}

before(async () => {
  browser = await launch();
  owner = await newContext(browser, { bypassCSP: true });
  ownerPage = await owner.newPage();
  await signIn(ownerPage, env.admin.email, env.admin.password);
  wsId = (await ok(ownerPage, 'POST', '/workspaces', { name: WS, modules: ['tasks'] })).id;
  member = await newContext(browser);
  memberPage = await member.newPage();
  await enrol(ownerPage, wsId, memberPage, MEMBER);
  // The live connection follows the new workspace.
  await memberPage.reload();
  await ownerPage.reload();
});

after(async () => {
  await browser?.close();
});

test('the owner creates two tasks from the board; the member sees them live', async () => {
  await memberPage.goto(`${env.url}/w/${wsId}/tasks`);
  await memberPage.getByText('Aucune tâche pour l’instant').waitFor();

  await ownerPage.goto(`${env.url}/w/${wsId}/tasks`);
  await ownerPage.getByText('Aucune tâche pour l’instant').waitFor();
  await shot(ownerPage, 'tasks-01-empty');
  await createTask(ownerPage, BLOCKER);
  // The member's board picks it up without a reload.
  await card(memberPage, 'À faire', BLOCKER).waitFor();
  await createTask(ownerPage, WAITING);
  await card(memberPage, 'À faire', WAITING).waitFor();

  const list = await tasksByTitle(ownerPage);
  assert.equal(list[BLOCKER].status, 'todo');
  assert.ok(list[BLOCKER].position < list[WAITING].position, 'the second goes after the first');
  assert.deepEqual(
    await column(memberPage, 'À faire').locator('.task-card__open').allTextContents(),
    [BLOCKER, WAITING],
  );
  assertNoConsoleErrors(owner, 'owner');
  assertNoConsoleErrors(member, 'member');
});

test('one task waits for the other: it shows blocked, for both', async () => {
  await card(ownerPage, 'À faire', WAITING).locator('.task-card__open').click();
  await ownerPage.waitForURL(/\/tasks\/[0-9A-Za-z]{26}$/);
  const details = pane(ownerPage, WAITING);
  await details.waitFor();
  await details.getByRole('group', { name: 'Attend' }).getByLabel(BLOCKER).check();
  await details.getByRole('button', { name: 'Enregistrer' }).click();
  await ownerPage.getByText('Tâche enregistrée').waitFor();
  await card(ownerPage, 'À faire', WAITING).getByText('Bloquée').waitFor();
  await card(memberPage, 'À faire', WAITING).getByText('Bloquée').waitFor();
  assert.equal(await card(ownerPage, 'À faire', BLOCKER).getByText('Bloquée').count(), 0);
  await shot(ownerPage, 'tasks-02-waiting');

  const list = await tasksByTitle(ownerPage);
  assert.deepEqual(list[WAITING].blocked_by, [list[BLOCKER].id]);
  assert.deepEqual(list[BLOCKER].blocks, [list[WAITING].id]);
  assert.equal(list[WAITING].blocked, true);
});

test('the waiting task cannot be done: dragged or set, it says why', async () => {
  // Dragged onto "Terminé": refused, and back where it was.
  await card(ownerPage, 'À faire', WAITING).dragTo(column(ownerPage, 'Terminé'));
  await ownerPage.locator('.toast', { hasText: BLOCKED_TEXT }).waitFor();
  await card(ownerPage, 'À faire', WAITING).waitFor();
  assert.equal(await column(ownerPage, 'Terminé').locator('li.task-card').count(), 0);
  await shot(ownerPage, 'tasks-03-blocked-drag');

  // Set from its details: the server refuses (409 blocked), the pane says why.
  const details = pane(ownerPage, WAITING);
  await details.getByLabel('Statut').selectOption({ label: 'Terminé' });
  await details.getByRole('button', { name: 'Enregistrer' }).click();
  await details.getByRole('alert').filter({ hasText: BLOCKED_TEXT }).waitFor();
  await shot(ownerPage, 'tasks-04-blocked-pane');
  assert.equal((await tasksByTitle(ownerPage))[WAITING].status, 'todo');
  await details.getByRole('button', { name: 'Annuler les modifications' }).click();
  assertNoConsoleErrors(owner, 'owner', [/status of 409/]);
});

test('the blocker done, the other can be done; the member follows live', async () => {
  await card(ownerPage, 'À faire', BLOCKER).dragTo(column(ownerPage, 'Terminé'));
  await card(ownerPage, 'Terminé', BLOCKER).waitFor();
  await card(memberPage, 'Terminé', BLOCKER).waitFor();
  // No longer waiting for anything unfinished.
  await card(ownerPage, 'À faire', WAITING).getByText('Bloquée').waitFor({ state: 'detached' });
  await card(memberPage, 'À faire', WAITING).getByText('Bloquée').waitFor({ state: 'detached' });

  // From the keyboard this time: Alt+→ twice (to "En cours", then "Terminé").
  const open = card(ownerPage, 'À faire', WAITING).locator('.task-card__open');
  await open.focus();
  await ownerPage.keyboard.press('Alt+ArrowRight');
  await card(ownerPage, 'En cours', WAITING).waitFor();
  await ownerPage.waitForFunction(
    (title) =>
      document.activeElement?.closest('[data-status="doing"]') &&
      document.activeElement.textContent === title,
    WAITING,
  );
  await ownerPage.keyboard.press('Alt+ArrowRight');
  await card(ownerPage, 'Terminé', WAITING).waitFor();
  await card(memberPage, 'Terminé', WAITING).waitFor();
  assert.deepEqual(
    await column(memberPage, 'Terminé').locator('.task-card__open').allTextContents(),
    [BLOCKER, WAITING],
  );
  const list = await tasksByTitle(ownerPage);
  assert.equal(list[BLOCKER].status, 'done');
  assert.equal(list[WAITING].status, 'done');
  assert.ok(list[WAITING].completed_at);
  await shot(ownerPage, 'tasks-05-done');
  await shot(memberPage, 'tasks-06-member');

  const violations = await axe(ownerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  assertNoConsoleErrors(owner, 'owner', [/status of 409/]);
  assertNoConsoleErrors(member, 'member');
});

test('a task assigned to the member shows in their tasks on the home page, and opens', async () => {
  const me = await ok(memberPage, 'GET', '/me');
  const title = 'Commander les pots de peinture';
  await ok(ownerPage, 'POST', `/workspaces/${wsId}/tasks`, {
    title,
    assignee_ids: [me.id],
    due: '2020-03-01',
    labels: ['achats'],
  });
  await card(memberPage, 'À faire', title).getByText('achats').waitFor();
  // Past due and not done: said so on the card.
  await card(memberPage, 'À faire', title).locator('.task-due--overdue').waitFor();

  await memberPage.goto(`${env.url}/`);
  const mine = memberPage.getByRole('region', { name: 'Mes tâches' });
  await mine.getByRole('link', { name: title }).waitFor();
  assert.equal(await mine.getByRole('link').count(), 1, 'done tasks are not listed');
  await shot(memberPage, 'tasks-07-my-tasks', mine);
  await mine.getByRole('link', { name: title }).click();
  await memberPage.waitForURL(/\/tasks\/[0-9A-Za-z]{26}$/);
  await pane(memberPage, title).waitFor();
  assertNoConsoleErrors(member, 'member');
});
