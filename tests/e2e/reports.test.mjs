// The reports page end to end, in Chromium (Paris time, French), against a
// real server (started by run.sh). The owner of a workspace with chat,
// files, tasks and reports makes some activity through the API, then reads
// the figures, the chart and the CSV; a member sees only what they may
// read. The scenarios run in order and share state. Screenshots:
// build/e2e/reports-*.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import {
  assertNoConsoleErrors,
  axe,
  enrol,
  env,
  launch,
  metric,
  newContext,
  pageFetch,
  pageOk,
  shot,
  signIn,
} from './lib.mjs';

const WS = 'Résidence Les Tilleuls';
// An account of this suite's own: the suites share one server.
const MEMBER = {
  email: 'lucie.rapports@ruche.test',
  name: 'Lucie Ferrand',
  password: 'Mésange-Charbonnière-1618',
};
// 1.5 KiB: "1,5 ko" in French.
const PLAN = Buffer.alloc(1536, 'p');

let browser;
let owner;
let ownerPage;
let member;
let memberPage;
let wsId = '';
let channelId = '';
let memberId = '';
let ownerId = '';

const ok = (page, method, path, body, status = [200, 201, 204]) =>
  pageOk(page, method, path, { json: body }, status);

// The server counts by UTC day.
const TODAY = new Date().toISOString().slice(0, 10);
const reportsUrl = (q = '') => `${env.url}/w/${wsId}/reports${q}`;
// Intl separates thousands and units with narrow or no-break spaces: compared as plain spaces.
const plain = (s) => (s ?? '').replace(/[\u202f\u00a0]/g, ' ').trim();
const card = (page, module) => page.locator(`.rep-card[data-module="${module}"]`);
const figure = async (page, module, key) =>
  plain(await card(page, module).locator(`[data-figure="${key}"] dd`).textContent());
const bars = (page) => page.locator('svg.rep-chart__svg g.rep-bar');
const summary = (page, days = 30) => ok(page, 'GET', `/workspaces/${wsId}/reports/summary?days=${days}`);

/** Every figure of a card as {label: value}, as shown. */
async function cardFigures(page, module) {
  const rows = await card(page, module)
    .locator('.rep-figure')
    .evaluateAll((fs) => fs.map((f) => [f.querySelector('dt').textContent, f.querySelector('dd').textContent]));
  return Object.fromEntries(rows.map(([k, v]) => [k, plain(v)]));
}

before(async () => {
  browser = await launch();
  owner = await newContext(browser, { bypassCSP: true });
  ownerPage = await owner.newPage();
  await signIn(ownerPage, env.admin.email, env.admin.password);
  wsId = (
    await ok(ownerPage, 'POST', '/workspaces', {
      name: WS,
      modules: ['chat', 'files', 'tasks', 'reports'],
    })
  ).id;
  // Some activity: a channel and three messages, two tasks (one done, the
  // other the owner's, due three days ago: late in any time zone), a file.
  channelId = (await ok(ownerPage, 'POST', `/workspaces/${wsId}/channels`, { name: 'gros-oeuvre' })).id;
  for (const body of ['Livraison du béton lundi', 'Coffrage terminé', 'Décoffrage jeudi'])
    await ok(ownerPage, 'POST', `/channels/${channelId}/messages`, { body });
  const done = await ok(ownerPage, 'POST', `/workspaces/${wsId}/tasks`, { title: 'Commander les aciers' });
  ownerId = (await ok(ownerPage, 'GET', '/me')).id;
  await ok(ownerPage, 'POST', `/workspaces/${wsId}/tasks`, {
    title: 'Réserver la grue',
    due: new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10),
    assignee_ids: [ownerId],
  });
  await ok(ownerPage, 'PATCH', `/tasks/${done.id}`, { status: 'done' });
  await pageOk(ownerPage, 'PUT', `/workspaces/${wsId}/files/children/plan-rdc.txt`, {
    bytes: PLAN.toString('base64'),
  });
  member = await newContext(browser, { bypassCSP: true });
  memberPage = await member.newPage();
  memberId = await enrol(ownerPage, wsId, memberPage, MEMBER);
  // The live connection follows the new workspace.
  await ownerPage.reload();
});

after(async () => {
  await browser?.close();
});

test('the report shows the workspace’s figures, a bar per day and the CSV', async () => {
  // A period the server does not take (1 to 366 days) is refused.
  for (const bad of ['0', '367', 'trente']) {
    const r = await pageFetch(ownerPage, 'GET', `/workspaces/${wsId}/reports/summary?days=${bad}`);
    assert.equal(r.status, 400, `days=${bad}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, 'invalid_field');
  }
  assertNoConsoleErrors(owner, 'owner', [/status of 400/]);
  owner.errors.length = 0;

  // What the server counts: what was made above.
  const s = await summary(ownerPage);
  assert.equal(s.days, 30);
  assert.equal(s.activity.length, 31, 'the 30 days before today, and today');
  assert.equal(s.activity.at(-1).day, TODAY);
  assert.deepEqual(s.members, { total: 2, guests: 0 });
  assert.deepEqual(Object.keys(s.modules).sort(), ['chat', 'files', 'tasks']);
  assert.deepEqual(s.modules.chat, { messages: 3, authors: 1, channels: 1 });
  assert.deepEqual(s.modules.files, { files: 1, bytes: PLAN.length, versions_since: 1 });
  assert.deepEqual(s.modules.tasks, {
    tasks_created: 2,
    tasks_completed: 1,
    tasks_open: 1,
    by_status: { todo: 1, doing: 0, done: 1 },
    overdue: 1,
    due_this_week: 0,
    unassigned: 0,
    assignees_total: 1,
    assignees: [{ user_id: ownerId, open: 1, overdue: 1, completed: 0 }],
  });
  const today = s.activity.at(-1);
  for (const m of ['chat', 'files', 'tasks', 'workspace'])
    assert.ok(today.by_module[m] > 0, `today's ${m} activity: ${JSON.stringify(today)}`);
  const total = s.activity.reduce((n, d) => n + d.total, 0);

  const started = Date.now();
  await ownerPage.goto(reportsUrl());
  await card(ownerPage, 'chat').waitFor();
  metric('reports_page_ms', Date.now() - started);
  assert.equal(await ownerPage.getByRole('heading', { level: 1 }).textContent(), 'Rapports');
  await ownerPage.locator('.page__subtitle', { hasText: WS }).waitFor();
  assert.deepEqual(
    await ownerPage.locator('.rep-card h2').allTextContents(),
    ['Membres', 'Discussion', 'Fichiers', 'Tâches'],
  );
  assert.deepEqual(await cardFigures(ownerPage, 'members'), { Total: '2', 'Dont invités': '0' });
  assert.deepEqual(await cardFigures(ownerPage, 'chat'), {
    'Messages publiés': '3',
    Auteurs: '1',
    Canaux: '1',
  });
  assert.deepEqual(await cardFigures(ownerPage, 'files'), {
    Fichiers: '1',
    'Taille totale': '1,5 ko',
    'Versions enregistrées': '1',
  });
  assert.deepEqual(await cardFigures(ownerPage, 'tasks'), {
    'Tâches créées': '2',
    'Tâches terminées': '1',
    'Tâches ouvertes': '1',
    'En retard': '1',
    'À échéance sous 7 jours': '0',
    'Sans responsable': '0',
    'Personnes avec des tâches': '1',
  });
  // The tasks' progress: the board's columns as one bar, and who holds what.
  assert.equal(
    await ownerPage.locator('.rep-status').getAttribute('aria-label'),
    'À faire : 1, En cours : 0, Terminé : 1',
  );
  assert.deepEqual(
    await ownerPage
      .locator('.rep-tasks tbody tr')
      .evaluateAll((rs) => rs.map((r) => [...r.children].map((c) => c.textContent))),
    [[env.admin.name, '1', '1', '0']],
  );
  // 30 (days) selected, in the address or not.
  assert.equal(
    await ownerPage.getByRole('button', { name: '30 jours' }).getAttribute('aria-pressed'),
    'true',
  );

  // A bar per day; today's stacked by module, titled with its day and count.
  assert.equal(await bars(ownerPage).count(), 31);
  const bar = ownerPage.locator(`g.rep-bar[data-day="${TODAY}"]`);
  assert.equal(await bar.getAttribute('data-total'), String(today.total));
  assert.deepEqual(
    await bar.locator('.rep-bar__part').evaluateAll((ps) => ps.map((p) => p.dataset.module)),
    ['chat', 'files', 'tasks', 'workspace'],
  );
  const title = plain(await bar.locator('title').textContent());
  assert.match(title, new RegExp(` : ${today.total} actions \\(Discussion ${today.by_module.chat}, `), title);
  const height = Number(await bar.locator('.rep-bar__part').first().getAttribute('height'));
  assert.ok(height > 0, 'the bar has a height');
  // Screen readers: the total as the chart's name, each active day in a table.
  const label = plain(await ownerPage.locator('svg.rep-chart__svg').getAttribute('aria-label'));
  assert.match(label, new RegExp(`^Activité par jour, du .* : ${total} actions\\. Jour le plus actif : `), label);
  assert.equal(await ownerPage.locator('.rep-activity tbody tr').count(), s.activity.filter((d) => d.total > 0).length);
  assert.deepEqual(
    await ownerPage.locator('.rep-legend li').allTextContents(),
    ['Discussion', 'Fichiers', 'Tâches', 'Espace de travail'],
  );
  await shot(ownerPage, 'reports-01-dashboard');
  await shot(ownerPage, 'reports-02-chart', ownerPage.locator('.rep-legend'));
  let violations = await axe(ownerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));

  // The CSV, from its link with the session cookie: a row per day and module.
  const link = ownerPage.getByRole('link', { name: 'Télécharger le CSV' });
  assert.equal(await link.getAttribute('href'), `/api/v1/workspaces/${wsId}/reports/activity.csv?days=30`);
  const [download] = await Promise.all([ownerPage.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), 'activity-30-days.csv');
  const lines = readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
  assert.equal(lines[0], 'day,module,events');
  const rows = lines.slice(1).map((l) => l.split(','));
  assert.equal(rows.reduce((n, r) => n + Number(r[2]), 0), total, lines.join('\n'));
  assert.deepEqual(
    rows.filter((r) => r[0] === TODAY).map((r) => [r[1], Number(r[2])]).sort(),
    Object.entries(today.by_module).sort(),
  );

  // The tasks by person, from the card's link: everyone, named.
  const byPerson = ownerPage.getByRole('link', { name: 'CSV par personne' });
  const [tasksCsv] = await Promise.all([ownerPage.waitForEvent('download'), byPerson.click()]);
  assert.equal(tasksCsv.suggestedFilename(), 'tasks-by-person-30-days.csv');
  assert.deepEqual(readFileSync(await tasksCsv.path(), 'utf8').split('\r\n'), [
    'user_id,name,open,overdue,completed',
    `${ownerId},"${env.admin.name}",1,1,0`,
    '',
  ]);

  // The data table, shown on request.
  await ownerPage.getByRole('button', { name: 'Afficher en tableau' }).click();
  const region = ownerPage.getByRole('region', { name: /^Activité des jours actifs/ });
  await region.waitFor();
  await shot(ownerPage, 'reports-03-table', region);
  violations = await axe(ownerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));

  // A name in the tasks' table opens the board on that person's tasks.
  await ownerPage.locator('.rep-tasks tbody th a', { hasText: env.admin.name }).click();
  await ownerPage.waitForURL((u) => u.pathname.endsWith('/tasks') && u.search === `?assignee=${ownerId}`);
  await ownerPage.locator('.task-card', { hasText: 'Réserver la grue' }).waitFor();
  assert.equal(await ownerPage.locator('.tasks-filters__person-name').textContent(), env.admin.name);
  assert.equal(await ownerPage.locator('.task-card', { hasText: 'Commander les aciers' }).count(), 0);
  await ownerPage.goBack();
  await card(ownerPage, 'chat').waitFor();
  assertNoConsoleErrors(owner, 'owner');
});

test('the period goes into the address, from the keyboard too; the figures follow new activity', async () => {
  await ownerPage.getByRole('button', { name: '7 jours' }).click();
  await ownerPage.waitForURL((u) => u.search === '?days=7');
  await ownerPage.waitForFunction(() => document.querySelectorAll('g.rep-bar').length === 8);
  assert.equal(
    await ownerPage.getByRole('link', { name: 'Télécharger le CSV' }).getAttribute('href'),
    `/api/v1/workspaces/${wsId}/reports/activity.csv?days=7`,
  );
  // Kept across a reload.
  await ownerPage.reload();
  await card(ownerPage, 'chat').waitFor();
  assert.equal(await bars(ownerPage).count(), 8);
  assert.equal(
    await ownerPage.getByRole('button', { name: '7 jours' }).getAttribute('aria-pressed'),
    'true',
  );
  // From the keyboard: the period buttons are in the tab order.
  await ownerPage.getByRole('button', { name: '7 jours' }).focus();
  await ownerPage.keyboard.press('Tab');
  await ownerPage.keyboard.press('Tab');
  assert.equal(await ownerPage.evaluate(() => document.activeElement?.textContent), '90 jours');
  await ownerPage.keyboard.press('Enter');
  await ownerPage.waitForURL((u) => u.search === '?days=90');
  await ownerPage.waitForFunction(() => document.querySelectorAll('g.rep-bar').length === 91);
  await ownerPage.getByRole('button', { name: '365 jours' }).click();
  await ownerPage.waitForFunction(() => document.querySelectorAll('g.rep-bar').length === 366);
  await shot(ownerPage, 'reports-04-year');

  // Live: a message posted elsewhere shows within the refresh interval (5 s).
  await ownerPage.getByRole('button', { name: '7 jours' }).click();
  await ownerPage.waitForFunction(() => document.querySelectorAll('g.rep-bar').length === 8);
  await ok(ownerPage, 'POST', `/channels/${channelId}/messages`, { body: 'Réception des aciers' });
  await ownerPage.waitForFunction(
    () =>
      document.querySelector('.rep-card[data-module="chat"] [data-figure="messages"] dd')
        ?.textContent === '4',
    null,
    { timeout: 15_000 },
  );
  const violations = await axe(ownerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  assertNoConsoleErrors(owner, 'owner');
});

test('at 360 px wide, nothing overflows', async () => {
  const narrow = await owner.newPage();
  await narrow.setViewportSize({ width: 360, height: 780 });
  await narrow.goto(reportsUrl('?days=30'));
  await card(narrow, 'tasks').waitFor();
  await bars(narrow).first().waitFor();
  const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 360, `the page is ${overflow} px wide`);
  // Within the content's width (the page's padding kept), the period's choices too.
  const content = await narrow.locator('.rep-range').boundingBox();
  for (const sel of ['.rep-period', '.rep-actions a', '.rep-cards', '.rep-tasks', '.rep-activity']) {
    const box = await narrow.locator(sel).boundingBox();
    assert.ok(
      box.x >= content.x - 0.5 && box.x + box.width <= content.x + content.width + 0.5,
      `${sel}: ${JSON.stringify(box)} beyond ${JSON.stringify(content)}`,
    );
  }
  const svg = await narrow.locator('svg.rep-chart__svg').boundingBox();
  assert.ok(svg && svg.width > 200 && svg.x + svg.width <= 360, JSON.stringify(svg));
  await shot(narrow, 'reports-05-narrow');
  await shot(narrow, 'reports-06-narrow-chart', narrow.locator('.rep-activity'));
  await shot(narrow, 'reports-06-narrow-tasks', narrow.locator('.rep-tasks'));
  const violations = await axe(narrow);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  await narrow.close();
  assertNoConsoleErrors(owner, 'owner');
});

test('a member sees only the modules they may read; without the reports right, nothing', async () => {
  await ok(ownerPage, 'PATCH', `/workspaces/${wsId}/members/${memberId}`, {
    rights: { chat: 'none' },
  });
  await memberPage.goto(reportsUrl());
  await card(memberPage, 'tasks').waitFor();
  assert.deepEqual(
    await memberPage.locator('.rep-card h2').allTextContents(),
    ['Membres', 'Fichiers', 'Tâches'],
  );
  assert.equal(await memberPage.locator('.rep-bar__part[data-module="chat"]').count(), 0);
  assert.ok(!(await memberPage.locator('.rep-legend').textContent()).includes('Discussion'));
  await shot(memberPage, 'reports-07-member');

  await ok(ownerPage, 'PATCH', `/workspaces/${wsId}/members/${memberId}`, {
    rights: { chat: 'write', reports: 'none' },
  });
  await memberPage.reload();
  await memberPage.getByText('Ce module n’est pas activé dans cet espace.').waitFor();
  assert.equal(await memberPage.locator('.rep-card').count(), 0);
  assert.equal(await memberPage.getByRole('link', { name: 'Télécharger le CSV' }).count(), 0);
  await memberPage.getByRole('link', { name: `Retour à ${WS}` }).waitFor();
  await shot(memberPage, 'reports-08-closed');
  const violations = await axe(memberPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  assertNoConsoleErrors(member, 'member', [/status of 404/]);
});
