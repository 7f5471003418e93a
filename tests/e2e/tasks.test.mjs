// The task board end to end, in Chromium, against a real server (started
// by run.sh). Two people in two browser contexts: the owner of a workspace
// and a member invited into it. The scenarios run in order and share state:
// the board, dependencies, moves, "my tasks", then a task's checklist and
// its comments, each followed live by the other person, and a comment
// mentioning the member (picked in the "@" autocomplete), who is told; one
// more while the member's page is closed, found in the notification centre.
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
  pageFetch,
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
const LIST_TASK = 'Poser les gouttières';
const ITEMS = ['Acheter les crochets', 'Fixer les crochets', 'Emboîter les gouttières'];

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
const checklist = (page) =>
  pane(page, LIST_TASK).getByRole('region', { name: 'Liste de contrôle' });
const comments = (page) => pane(page, LIST_TASK).getByRole('region', { name: /^Commentaires/ });
const badge = (page, kind, text) =>
  card(page, 'À faire', LIST_TASK).locator(`.task-badge--${kind}`, { hasText: text });

/** The checklist's items as a page shows them, in order. */
const itemTexts = (page) => checklist(page).locator('.check__label').allTextContents();

/** Waits until `read()` answers what `want` is (deep-equal), or fails with what it last got. */
async function until(read, want, what, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  let got;
  for (;;) {
    got = await read();
    try {
      assert.deepEqual(got, want);
      return;
    } catch {
      if (Date.now() > end) assert.fail(`${what}: ${JSON.stringify(got)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

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
  // Told live, by a toast whose link opens the task (and reads the notice).
  const told = memberPage.locator('.toast', {
    hasText: `${env.admin.name} vous a assigné « ${title} »`,
  });
  await told.waitFor();
  await told.locator('button.toast__link').click();
  await memberPage.waitForURL(/\/tasks\/[0-9A-Za-z]{26}$/);
  await memberPage.getByRole('button', { name: 'Notifications, aucune non lue' }).waitFor();
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

test('the owner gives a task a checklist and ticks an item; the member follows live', async () => {
  await memberPage.goto(`${env.url}/w/${wsId}/tasks`);
  await ownerPage.goto(`${env.url}/w/${wsId}/tasks`);
  await column(ownerPage, 'À faire').waitFor();

  // Its first item given in the new task dialog, one per line.
  await ownerPage.getByRole('button', { name: 'Nouvelle tâche', exact: true }).click();
  const dialog = ownerPage.getByRole('dialog', { name: 'Nouvelle tâche' });
  await dialog.getByLabel('Titre').fill(LIST_TASK);
  await dialog.getByLabel('Liste de contrôle').fill(`${ITEMS[0]}\n\n`);
  await dialog.getByRole('button', { name: 'Créer la tâche' }).click();
  await dialog.waitFor({ state: 'detached' });
  await badge(ownerPage, 'checklist', '0/1').waitFor();
  await badge(memberPage, 'checklist', '0/1').waitFor();

  // Both open it.
  await card(memberPage, 'À faire', LIST_TASK).locator('.task-card__open').click();
  await checklist(memberPage).getByRole('checkbox', { name: ITEMS[0] }).waitFor();
  await card(ownerPage, 'À faire', LIST_TASK).locator('.task-card__open').click();
  const list = checklist(ownerPage);
  await list.getByRole('checkbox', { name: ITEMS[0] }).waitFor();

  // Two more, one after the other: the field stays ready.
  const add = list.getByRole('textbox', { name: 'Ajouter un élément' });
  await add.fill(ITEMS[1]);
  await add.press('Enter');
  await list.getByRole('checkbox', { name: ITEMS[1] }).waitFor();
  assert.equal(await add.evaluate((el) => el === document.activeElement), true);
  assert.equal(await add.inputValue(), '');
  await ownerPage.keyboard.type(ITEMS[2]);
  await ownerPage.keyboard.press('Enter');
  await list.getByRole('checkbox', { name: ITEMS[2] }).waitFor();

  // Ticked: the progress says so at once, for the member too.
  await list.getByRole('checkbox', { name: ITEMS[0] }).check();
  await list.locator('.task-checklist__count', { hasText: '1/3' }).waitFor();
  assert.equal(await list.getByRole('progressbar').getAttribute('aria-valuetext'), '1 sur 3 fait');
  const theirs = checklist(memberPage);
  await theirs.getByRole('checkbox', { name: ITEMS[0], checked: true }).waitFor();
  await theirs.getByRole('checkbox', { name: ITEMS[2], checked: false }).waitFor();
  await badge(memberPage, 'checklist', '1/3').waitFor();
  assert.equal(
    await badge(memberPage, 'checklist', '1/3').locator('.visually-hidden').textContent(),
    'Liste de contrôle : 1 sur 3 fait',
  );
  await shot(ownerPage, 'tasks-08-checklist', list);
  await shot(memberPage, 'tasks-09-checklist-member', theirs);

  // Moved down from the keyboard (Alt+↓): the member sees the new order.
  await list.getByRole('checkbox', { name: ITEMS[0] }).focus();
  await ownerPage.keyboard.press('Alt+ArrowDown');
  const order = [ITEMS[1], ITEMS[0], ITEMS[2]];
  await until(() => itemTexts(ownerPage), order, 'owner order');
  await until(() => itemTexts(memberPage), order, 'member order');

  const me = await ok(ownerPage, 'GET', '/me');
  const saved = (await tasksByTitle(ownerPage))[LIST_TASK];
  assert.deepEqual(
    saved.checklist.map((i) => [i.text, i.done]),
    [
      [ITEMS[1], false],
      [ITEMS[0], true],
      [ITEMS[2], false],
    ],
  );
  assert.equal(saved.checklist[1].done_by, me.id);
  assert.ok(saved.checklist[1].done_at);

  const violations = await axe(ownerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  assertNoConsoleErrors(owner, 'owner', [/status of 409/]);
  assertNoConsoleErrors(member, 'member');
});

test('the owner comments; the member sees it live and cannot edit it; the owner edits and deletes it', async () => {
  const taskId = (await tasksByTitle(ownerPage))[LIST_TASK].id;
  const talk = comments(ownerPage);
  const theirTalk = comments(memberPage);
  await talk.getByText('Aucun commentaire pour l’instant.').waitFor();

  // Markdown, sent with Ctrl+Enter.
  const box = talk.getByLabel('Ajouter un commentaire');
  await box.fill('Attention : **crochets inox** seulement');
  await box.press('Control+Enter');
  const mine = talk.getByRole('article', { name: new RegExp(`^${env.admin.name}`) });
  await mine.locator('strong', { hasText: 'crochets inox' }).waitFor();
  // Emptied once the server answers (the live event may show the comment first).
  await until(() => box.inputValue(), '', 'the composer after sending');

  // The member sees it without a reload, and the card counts it.
  const seen = theirTalk.getByRole('article', { name: new RegExp(`^${env.admin.name}`) });
  await seen.locator('strong', { hasText: 'crochets inox' }).waitFor();
  await badge(memberPage, 'comments', '1').waitFor();
  await shot(memberPage, 'tasks-10-comment-member', theirTalk);

  // Not theirs: nothing to edit or delete, and the server refuses an edit.
  assert.equal(await seen.getByRole('button').count(), 0);
  const [first] = await ok(memberPage, 'GET', `/tasks/${taskId}/comments`);
  const refused = await pageFetch(memberPage, 'PATCH', `/tasks/${taskId}/comments/${first.id}`, {
    json: { body: 'Non' },
  });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 'not_author');

  // The member answers; the owner (an administrator) may delete it, not edit it.
  await theirTalk.getByLabel('Ajouter un commentaire').fill('Bien noté');
  await theirTalk.getByRole('button', { name: 'Commenter' }).click();
  const reply = talk.getByRole('article', { name: new RegExp(`^${MEMBER.name}`) });
  await reply.getByText('Bien noté').waitFor();
  await reply.getByRole('button', { name: 'Supprimer' }).waitFor();
  assert.equal(await reply.getByRole('button', { name: 'Modifier' }).count(), 0);
  await badge(ownerPage, 'comments', '2').waitFor();

  // The owner edits hers: the member sees the new text, edited.
  await mine.getByRole('button', { name: 'Modifier' }).click();
  const edit = mine.getByLabel('Modifier le commentaire');
  await edit.fill('Attention : **crochets galvanisés** seulement');
  await edit.press('Control+Enter');
  await mine.getByText('(modifié)').waitFor();
  await seen.locator('strong', { hasText: 'crochets galvanisés' }).waitFor();
  await seen.getByText('(modifié)').waitFor();
  await shot(ownerPage, 'tasks-11-comments', talk);

  // And deletes it, asked first: gone for both.
  await mine.getByRole('button', { name: 'Supprimer' }).click();
  const confirm = ownerPage.getByRole('dialog', { name: 'Supprimer ce commentaire ?' });
  await confirm.getByRole('button', { name: 'Supprimer' }).click();
  await mine.waitFor({ state: 'detached' });
  await seen.waitFor({ state: 'detached' });
  await badge(memberPage, 'comments', '1').waitFor();

  const left = await ok(ownerPage, 'GET', `/tasks/${taskId}/comments`);
  assert.deepEqual(
    left.map((c) => c.body),
    ['Bien noté'],
  );
  assert.equal((await tasksByTitle(ownerPage))[LIST_TASK].comment_count, 1);

  const violations = await axe(ownerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  assertNoConsoleErrors(owner, 'owner', [/status of 409/]);
  assertNoConsoleErrors(member, 'member', [/status of 403/]);
});

test('the owner mentions the member in a comment, picked after "@"; the member is told and opens it', async () => {
  const taskId = (await tasksByTitle(ownerPage))[LIST_TASK].id;
  const memberId = (await ok(memberPage, 'GET', '/me')).id;
  // The member goes on to the home page (the live connection stays).
  await memberPage.locator('a.topbar__brand').click();
  await memberPage.getByRole('region', { name: 'Mes tâches' }).waitFor();

  const talk = comments(ownerPage);
  const box = talk.getByLabel('Ajouter un commentaire');
  await box.click();
  await ownerPage.keyboard.type('@Éli');
  const menu = talk.getByRole('listbox', { name: 'Personnes à mentionner' });
  await menu.waitFor();
  await shot(ownerPage, 'tasks-12-mention-menu', talk);
  await menu.getByRole('option', { name: new RegExp(MEMBER.name) }).click();
  await menu.waitFor({ state: 'detached' });
  await ownerPage.keyboard.type('peux-tu vérifier les crochets ?');
  assert.equal(await box.inputValue(), `@${MEMBER.name} peux-tu vérifier les crochets ?`);
  await box.press('Control+Enter');

  // Shown with the name; sent with the id.
  const mine = talk.getByRole('article', { name: new RegExp(`^${env.admin.name}`) });
  await mine.locator('.mention', { hasText: `@${MEMBER.name}` }).waitFor();
  const sent = await ok(ownerPage, 'GET', `/tasks/${taskId}/comments`);
  assert.equal(sent.at(-1).body, `<@${memberId}> peux-tu vérifier les crochets ?`);

  // The member is told, wherever they are; the toast opens the task.
  const told = `${env.admin.name} vous a mentionné dans « ${LIST_TASK} »`;
  const toast = memberPage
    .getByRole('region', { name: 'Notifications' })
    .locator('.toast', { hasText: told });
  await toast.waitFor();
  await shot(memberPage, 'tasks-13-mention-toast');
  await toast.getByRole('button', { name: told }).click();
  await memberPage.waitForURL(new RegExp(`/w/${wsId}/tasks/${taskId}$`));
  const theirs = comments(memberPage).getByRole('article', {
    name: new RegExp(`^${env.admin.name}`),
  });
  // Their own mention, highlighted.
  await theirs.locator('.mention--me', { hasText: `@${MEMBER.name}` }).waitFor();

  const violations = await axe(ownerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  assertNoConsoleErrors(owner, 'owner', [/status of 409/]);
  assertNoConsoleErrors(member, 'member', [/status of 403/]);
});

test('a mention made while the member was away waits in the notification centre', async () => {
  const taskId = (await tasksByTitle(ownerPage))[LIST_TASK].id;
  const memberId = (await ok(memberPage, 'GET', '/me')).id;
  // The member closes the app; the owner mentions them meanwhile.
  await memberPage.close();
  await ok(ownerPage, 'POST', `/tasks/${taskId}/comments`, {
    body: `<@${memberId}> et les descentes ?`,
  });

  memberPage = await member.newPage();
  await memberPage.goto(env.url);
  const bell = memberPage.getByRole('button', { name: 'Notifications, 1 non lue' });
  await bell.waitFor();
  assert.equal(await bell.locator('.notice-bell__badge').textContent(), '1');
  await bell.click();
  const told = `${env.admin.name} vous a mentionné dans « ${LIST_TASK} »`;
  const notice = memberPage.locator('.notice-item', { hasText: told });
  // The mention opened from its toast before is read; this one is not.
  await notice.first().waitFor();
  const unread = memberPage.locator('.notice-item--unread', { hasText: told });
  assert.equal(await unread.count(), 1);
  assert.equal(await notice.count(), 2);
  await shot(memberPage, 'tasks-14-notice-centre');

  await unread.click();
  await memberPage.waitForURL(new RegExp(`/w/${wsId}/tasks/${taskId}$`));
  await comments(memberPage).getByText('et les descentes ?').waitFor();
  await memberPage.getByRole('button', { name: 'Notifications, aucune non lue' }).waitFor();
  assert.equal((await ok(memberPage, 'GET', '/me/notices')).unread, 0);

  // The owner's centre, open (axe runs where the CSP is bypassed); Escape closes it.
  const ownerBell = ownerPage.getByRole('button', { name: /^Notifications/ });
  await ownerBell.click();
  await ownerPage.locator('.notice-bell__panel').waitFor();
  const violations = await axe(ownerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  await ownerPage.keyboard.press('Escape');
  await ownerPage.locator('.notice-bell__panel').waitFor({ state: 'hidden' });
  assert.equal(await ownerBell.evaluate((b) => b === document.activeElement), true);
  assertNoConsoleErrors(owner, 'owner', [/status of 409/]);
  assertNoConsoleErrors(member, 'member', [/status of 403/]);
});
