// The shared calendar end to end, in Chromium (Paris time, French),
// against a real server (started by run.sh). Three people in three browser
// contexts: the owner of a workspace, a member invited into it, and a
// member whose calendar right is read; invitations between them (an
// event of the workspace's calendar, one of the owner's personal
// calendar answered from the home page). The scenarios run in order and
// share state. Screenshots: build/e2e/calendar-*.png.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
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

const WS = 'Chantier Saint-Cyprien';
const MEMBER = {
  email: 'jules@ruche.test',
  name: 'Jules Marty',
  password: 'Grenadier-Pourpre-3141',
};
const READER = {
  email: 'ines@ruche.test',
  name: 'Inès Caussade',
  password: 'Palombe-Turquoise-2718',
};
const MEETING = 'Réunion de chantier';
const MEETING_2 = 'Réunion de chantier, lots 2 et 3';
const DELIVERY = 'Livraison des tuiles';
const WEEKLY = 'Point hebdomadaire';
const INVITED = 'Revue des plans d’exécution';
const PRIVATE = 'Visite de la carrière';
const SERIES = 'Point sécurité';
const MOVED = 'Point qualité';
const FOLLOWING = 'Point planning';

let browser;
let owner;
let ownerPage;
let member;
let memberPage;
let reader;
let readerPage;
let wsId = '';

const ok = (page, method, path, body, status = [200, 201, 204]) =>
  pageOk(page, method, path, { json: body }, status);

// Days of the Paris calendar: "today", and days of the current month.
const parisDay = (d) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(d);
const TODAY = parisDay(new Date());
const addDays = (day, n) => {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
};
// The 8th of this month: it and the three weeks after it are in the month's grid.
const D = `${TODAY.slice(0, 7)}-08`;
const parisTime = (iso) =>
  new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));

const calendarUrl = (q = '') => `${env.url}/w/${wsId}/calendar${q}`;
const cell = (page, day) => page.locator(`[role="gridcell"][data-day="${day}"]`);
/** A day's own button: the grid's roving tab stop. */
const dayButton = (page, day) => page.locator(`button[data-focus-day="${day}"]`);
const chip = (page, day, title) =>
  cell(page, day).locator('.cal-chip, .cal-block', {
    has: page.locator('.cal-chip__title, .cal-block__title', { hasText: title }),
  });

/** The workspace calendar's occurrences around this month, from the API. */
async function occurrences(page) {
  const from = new Date(Date.parse(`${TODAY.slice(0, 7)}-01T00:00:00Z`) - 7 * 86_400_000);
  const to = new Date(from.getTime() + 60 * 86_400_000);
  return ok(
    page,
    'GET',
    `/workspaces/${wsId}/calendar/events?from=${from.toISOString()}&to=${to.toISOString()}`,
  );
}

async function eventByTitle(page, title) {
  const o = (await occurrences(page)).find((x) => x.title === title);
  assert.ok(o, `no occurrence “${title}”`);
  return ok(page, 'GET', `/calendar/events/${o.event_id}`);
}

before(async () => {
  browser = await launch();
  owner = await newContext(browser, { bypassCSP: true });
  ownerPage = await owner.newPage();
  await signIn(ownerPage, env.admin.email, env.admin.password);
  wsId = (await ok(ownerPage, 'POST', '/workspaces', { name: WS, modules: ['calendar', 'tasks'] }))
    .id;
  member = await newContext(browser);
  memberPage = await member.newPage();
  await enrol(ownerPage, wsId, memberPage, MEMBER);
  reader = await newContext(browser, { bypassCSP: true });
  readerPage = await reader.newPage();
  const readerId = await enrol(ownerPage, wsId, readerPage, READER);
  await ok(ownerPage, 'PATCH', `/workspaces/${wsId}/members/${readerId}`, {
    rights: { calendar: 'read' },
  });
  // The live connections follow the new workspace.
  await memberPage.reload();
  await ownerPage.reload();
});

after(async () => {
  await browser?.close();
});

test('the owner creates events from the month; the member sees them appear live', async () => {
  await memberPage.goto(calendarUrl(`?date=${D}`));
  await cell(memberPage, D).waitFor();
  await ownerPage.goto(calendarUrl(`?date=${D}`));
  await cell(ownerPage, D).waitFor();
  const grid = ownerPage.getByRole('grid');
  assert.equal(await grid.getByRole('row').count(), 7, 'a header and 6 weeks');
  assert.equal(await grid.getByRole('gridcell').count(), 42);
  assert.equal(
    await grid.getByRole('columnheader').first().textContent(),
    'lun.lundi',
    'Monday first',
  );

  // A timed event, from the page's button.
  await ownerPage.getByRole('button', { name: 'Nouvel événement', exact: true }).click();
  let dialog = ownerPage.getByRole('dialog', { name: 'Nouvel événement' });
  await dialog.getByLabel('Titre', { exact: true }).fill(MEETING);
  await dialog.getByLabel('Date de début', { exact: true }).fill(D);
  await dialog.getByLabel('Heure de début', { exact: true }).fill('09:00');
  await dialog.getByLabel('Heure de fin', { exact: true }).fill('10:30');
  await dialog.getByLabel('Lieu', { exact: true }).fill('Cabane de chantier');
  await dialog.getByLabel('Rappel', { exact: true }).selectOption({ label: '15 minutes avant' });
  await dialog.getByText('Heures locales (Europe/Paris).').waitFor();
  await shot(ownerPage, 'calendar-01-new-event');
  let violations = await axe(ownerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  await dialog.getByRole('button', { name: 'Créer l’événement' }).click();
  await dialog.waitFor({ state: 'detached' });
  await chip(ownerPage, D, MEETING).waitFor();
  // The member's calendar picks it up without a reload.
  await chip(memberPage, D, MEETING).waitFor();

  const meeting = await eventByTitle(ownerPage, MEETING);
  assert.equal(meeting.all_day, false);
  assert.equal(meeting.timezone, 'Europe/Paris');
  assert.equal(meeting.location, 'Cabane de chantier');
  assert.equal(parisDay(new Date(meeting.start)), D);
  assert.equal(parisTime(meeting.start), '09:00');
  assert.equal(parisTime(meeting.end), '10:30');
  assert.match(meeting.start, /Z$/, 'sent as a UTC instant');
  assert.deepEqual(meeting.reminders, [15], 'the owner’s own reminder');

  // An all-day event over two days, from a click on a free day.
  const day = addDays(D, 2);
  await cell(ownerPage, day).click({ position: { x: 12, y: 80 } });
  dialog = ownerPage.getByRole('dialog', { name: 'Nouvel événement' });
  assert.equal(await dialog.getByLabel('Toute la journée').isChecked(), true);
  await dialog.getByLabel('Titre', { exact: true }).fill(DELIVERY);
  assert.equal(await dialog.getByLabel('Dernier jour', { exact: true }).inputValue(), day);
  await dialog.getByLabel('Dernier jour', { exact: true }).fill(addDays(day, 1));
  await dialog.getByLabel('Rappel', { exact: true }).selectOption({ label: 'La veille à 09:00' });
  await dialog.getByRole('button', { name: 'Créer l’événement' }).click();
  await dialog.waitFor({ state: 'detached' });
  await chip(memberPage, day, DELIVERY).waitFor();
  await chip(memberPage, addDays(day, 1), DELIVERY).waitFor();
  assert.equal(await chip(memberPage, addDays(day, 2), DELIVERY).count(), 0);
  const delivery = await eventByTitle(ownerPage, DELIVERY);
  assert.deepEqual(
    [delivery.start, delivery.end, delivery.all_day],
    [day, addDays(day, 2), true],
    'the end is exclusive: the day after the last',
  );
  // 9:00 the day before on the owner's clock: the server knows their zone,
  // which signing in gave it from the browser's.
  assert.deepEqual(delivery.reminders, [900]);
  assert.equal((await ok(ownerPage, 'GET', '/me')).time_zone, 'Europe/Paris');
  await shot(ownerPage, 'calendar-02-month-owner');
  await shot(memberPage, 'calendar-03-month-member');
  violations = await axe(ownerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  assertNoConsoleErrors(owner, 'owner');
  assertNoConsoleErrors(member, 'member');
});

test('the owner edits the title; a change made meanwhile is not overwritten', async () => {
  await chip(ownerPage, D, MEETING).click();
  await ownerPage.waitForURL(/\/calendar\/[0-9A-Za-z]{26}\?/);
  let details = ownerPage.getByRole('dialog', { name: MEETING });
  await details.getByText('Cabane de chantier').waitFor();
  await shot(ownerPage, 'calendar-04-details');
  await details.getByRole('button', { name: 'Modifier' }).click();
  await details.getByLabel('Titre', { exact: true }).fill(MEETING_2);
  await details.getByRole('button', { name: 'Enregistrer' }).click();
  await ownerPage.getByText('Événement enregistré').waitFor();
  details = ownerPage.getByRole('dialog', { name: MEETING_2 });
  await details.waitFor();
  // The member's chip follows.
  await chip(memberPage, D, MEETING_2).waitFor();

  // Changed by the member (their own tab) while the owner edits: the save
  // comes too late (412), the owner sees the event as it is now.
  await details.getByRole('button', { name: 'Modifier' }).click();
  await details.getByLabel('Lieu', { exact: true }).fill('Bureau d’études');
  const now = await eventByTitle(memberPage, MEETING_2);
  const r = await pageFetch(memberPage, 'PATCH', `/calendar/events/${now.id}`, {
    json: { location: 'Base vie' },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  await details.getByRole('button', { name: 'Enregistrer' }).click();
  await details.getByText('modifié par ailleurs entre-temps').waitFor();
  await details.getByText('Base vie').waitFor();
  await shot(ownerPage, 'calendar-05-changed-meanwhile');
  assert.equal((await eventByTitle(ownerPage, MEETING_2)).location, 'Base vie');
  await details.getByRole('button', { name: 'Fermer' }).click();
  await details.waitFor({ state: 'detached' });
  assertNoConsoleErrors(owner, 'owner', [/status of 412/]);
  assertNoConsoleErrors(member, 'member');
});

test('a weekly event shows on each week, in the month and in the week', async () => {
  const start = addDays(D, 1);
  await ownerPage.getByRole('button', { name: 'Nouvel événement', exact: true }).click();
  const dialog = ownerPage.getByRole('dialog', { name: 'Nouvel événement' });
  await dialog.getByLabel('Titre', { exact: true }).fill(WEEKLY);
  await dialog.getByLabel('Date de début', { exact: true }).fill(start);
  await dialog.getByLabel('Heure de début', { exact: true }).fill('14:00');
  await dialog.getByLabel('Répétition', { exact: true }).selectOption({ label: 'Toutes les semaines' });
  await dialog.getByLabel('Fin de la répétition').selectOption({ label: 'Après un nombre de fois' });
  await dialog.getByLabel('Nombre de fois').fill('4');
  await dialog.getByRole('button', { name: 'Créer l’événement' }).click();
  await dialog.waitFor({ state: 'detached' });

  const weeks = [0, 7, 14, 21].map((n) => addDays(start, n));
  for (const day of weeks) {
    await chip(ownerPage, day, WEEKLY).waitFor();
    await chip(memberPage, day, WEEKLY).waitFor();
  }
  assert.equal(await chip(ownerPage, addDays(start, 28), WEEKLY).count(), 0, 'four times');
  const weekly = await eventByTitle(ownerPage, WEEKLY);
  assert.equal(weekly.rrule, 'FREQ=WEEKLY;COUNT=4');
  assert.equal(weekly.recurring, true);
  const list = (await occurrences(ownerPage)).filter((o) => o.title === WEEKLY);
  assert.deepEqual(
    list.map((o) => parisDay(new Date(o.start))),
    weeks,
  );
  assert.ok(list.every((o) => o.recurrence_id));
  await shot(ownerPage, 'calendar-06-month-weekly');

  // The week of its first date (the focus on that day first: the week is
  // the focused day's): a column per day, the block at 14:00.
  await dayButton(ownerPage, start).focus();
  await ownerPage.waitForURL(new RegExp(`date=${start}`));
  await ownerPage.getByRole('button', { name: 'Semaine', exact: true }).click();
  await ownerPage.waitForURL(/view=week/);
  await chip(ownerPage, start, WEEKLY).waitFor();
  assert.equal(await ownerPage.getByRole('grid').getByRole('columnheader').count(), 8);
  const block = chip(ownerPage, start, WEEKLY);
  assert.match(await block.textContent(), /14:00/);
  const top = await block.evaluate((b) => b.style.top);
  assert.ok(Math.abs(parseFloat(top) - (14 / 24) * 100) < 0.01, top);
  await shot(ownerPage, 'calendar-07-week');
  // The next week, from the toolbar: the next date.
  await ownerPage.getByRole('button', { name: 'Semaine suivante' }).click();
  await chip(ownerPage, weeks[1], WEEKLY).waitFor();
  // And from the keyboard: Page Up goes back a week.
  await dayButton(ownerPage, weeks[1]).focus();
  await ownerPage.keyboard.press('PageUp');
  await chip(ownerPage, start, WEEKLY).waitFor();
  await ownerPage.waitForFunction((d) => document.activeElement?.dataset.focusDay === d, start);
  // Arrows go day by day, the focus with them.
  await ownerPage.keyboard.press('ArrowRight');
  await ownerPage.waitForFunction(
    (d) => document.activeElement?.dataset.focusDay === d,
    addDays(start, 1),
  );

  const violations = await axe(ownerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  await ownerPage.getByRole('button', { name: 'Mois', exact: true }).click();
  await chip(ownerPage, D, MEETING_2).waitFor();
  assertNoConsoleErrors(owner, 'owner', [/status of 412/]);
  assertNoConsoleErrors(member, 'member');
});

test('a busy day: "+N" in the month, overlapping events side by side in the week', async () => {
  const day = addDays(D, 4);
  const at = (hm) => new Date(`${day}T${hm}:00+01:00`).toISOString();
  const made = [
    { title: 'Réception béton', start: day, end: addDays(day, 1), all_day: true },
    { title: 'Coulage dalle', start: at('08:00'), end: at('11:00') },
    { title: 'Contrôle BET', start: at('09:30'), end: at('10:30') },
    { title: 'Appel architecte', start: at('10:30'), end: at('11:00') },
  ];
  for (const e of made) {
    await ok(ownerPage, 'POST', `/workspaces/${wsId}/calendar/events`, {
      timezone: e.all_day ? undefined : 'Europe/Paris',
      all_day: false,
      ...e,
    });
  }
  await chip(ownerPage, day, 'Réception béton').waitFor();
  const more = cell(ownerPage, day).getByRole('button', { name: /^\+2 autres/ });
  await more.waitFor();
  assert.deepEqual(
    await cell(ownerPage, day).locator('.cal-chip__title').allTextContents(),
    ['Réception béton', 'Coulage dalle'],
  );
  await shot(ownerPage, 'calendar-08-busy-month');
  await more.click();
  const [y, m, d] = day.split('-').map(Number);
  const long = new Intl.DateTimeFormat('fr-FR', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(Date.UTC(y, m - 1, d));
  const list = ownerPage.getByRole('dialog', { name: long[0].toUpperCase() + long.slice(1) });
  await list.locator('.cal-day-list__title').first().waitFor();
  assert.deepEqual(await list.locator('.cal-day-list__title').allTextContents(), [
    'Réception béton',
    'Coulage dalle',
    'Contrôle BET',
    'Appel architecte',
  ]);
  await list.getByRole('button', { name: 'Fermer' }).click();

  await dayButton(ownerPage, day).focus();
  await ownerPage.getByRole('button', { name: 'Semaine', exact: true }).click();
  const blocks = cell(ownerPage, day).locator('.cal-block');
  await blocks.nth(2).waitFor();
  const boxes = await blocks.evaluateAll((bs) =>
    bs.map((b) => [b.querySelector('.cal-block__title').textContent, b.style.left, b.style.width]),
  );
  // 08:00–11:00 beside 09:30–10:30 then 10:30–11:00 (which takes the freed lane).
  assert.deepEqual(boxes, [
    ['Coulage dalle', '0%', '50%'],
    ['Contrôle BET', '50%', '50%'],
    ['Appel architecte', '50%', '50%'],
  ]);
  await shot(ownerPage, 'calendar-09-busy-week');
  await ownerPage.getByRole('button', { name: 'Mois', exact: true }).click();
  await chip(ownerPage, D, MEETING_2).waitFor();
  assertNoConsoleErrors(owner, 'owner', [/status of 412/]);
});

test('the owner deletes an event, after a confirmation; it goes for the member too', async () => {
  const day = addDays(D, 2);
  await chip(ownerPage, day, DELIVERY).click();
  const details = ownerPage.getByRole('dialog', { name: DELIVERY });
  await details.getByRole('button', { name: 'Supprimer' }).click();
  const confirm = ownerPage.getByRole('dialog', { name: 'Supprimer l’événement ?' });
  await confirm.waitFor();
  const violations = await axe(ownerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  await shot(ownerPage, 'calendar-10-delete');
  await confirm.getByRole('button', { name: 'Supprimer' }).click();
  await ownerPage.getByText(`Événement « ${DELIVERY} » supprimé`).waitFor();
  await details.waitFor({ state: 'detached' });
  await chip(ownerPage, day, DELIVERY).waitFor({ state: 'detached' });
  await chip(memberPage, day, DELIVERY).waitFor({ state: 'detached' });
  await chip(memberPage, addDays(day, 1), DELIVERY).waitFor({ state: 'detached' });
  assert.equal((await occurrences(ownerPage)).filter((o) => o.title === DELIVERY).length, 0);
  assertNoConsoleErrors(owner, 'owner', [/status of 412/]);
  assertNoConsoleErrors(member, 'member');
});

test('a read-only member sees the calendar, and no control to change it', async () => {
  await readerPage.goto(calendarUrl(`?date=${D}`));
  await chip(readerPage, D, MEETING_2).waitFor();
  await readerPage.getByText('Vous avez un accès en lecture seule à l’agenda.').waitFor();
  assert.equal(
    await readerPage.getByRole('button', { name: 'Nouvel événement', exact: true }).count(),
    0,
  );
  // A click on a free day creates nothing.
  await cell(readerPage, addDays(D, 3)).click({ position: { x: 12, y: 80 } });
  assert.equal(await readerPage.getByRole('dialog').count(), 0);
  await chip(readerPage, D, MEETING_2).click();
  const details = readerPage.getByRole('dialog', { name: MEETING_2 });
  await details.getByText('Base vie').waitFor();
  assert.equal(await details.getByRole('button', { name: 'Modifier' }).count(), 0);
  assert.equal(await details.getByRole('button', { name: 'Supprimer' }).count(), 0);
  // Their own reminder, which nobody else gets.
  await details.getByLabel('Rappel', { exact: true }).selectOption({ label: '1 heure avant' });
  await readerPage.getByText('Rappel enregistré').waitFor();
  const mine = await eventByTitle(readerPage, MEETING_2);
  assert.deepEqual(mine.reminders, [60]);
  assert.deepEqual((await eventByTitle(ownerPage, MEETING_2)).reminders, [15], 'the owner’s kept');
  await shot(readerPage, 'calendar-11-read-only');
  const violations = await axe(readerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  // The server refuses it anyway.
  const r = await pageFetch(readerPage, 'POST', `/workspaces/${wsId}/calendar/events`, {
    json: { title: 'Non', start: D, end: addDays(D, 1), all_day: true },
  });
  assert.equal(r.status, 403);
  assertNoConsoleErrors(reader, 'reader', [/status of 403/]);
});

test('the member’s home page lists the next days, each opening its calendar', async () => {
  const title = 'Visite du maître d’ouvrage';
  const tomorrow = addDays(TODAY, 1);
  await ok(ownerPage, 'POST', `/workspaces/${wsId}/calendar/events`, {
    title,
    start: new Date(`${tomorrow}T09:00:00Z`).toISOString(),
    end: new Date(`${tomorrow}T10:00:00Z`).toISOString(),
    all_day: false,
    timezone: 'Europe/Paris',
  });
  await memberPage.goto(`${env.url}/`);
  const agenda = memberPage.getByRole('region', { name: 'Agenda' });
  await agenda.getByRole('link', { name: title }).waitFor();
  await agenda.getByText('Demain').waitFor();
  await memberPage.getByRole('region', { name: 'Mes tâches' }).waitFor();
  await shot(memberPage, 'calendar-12-home-agenda', agenda);
  await agenda.getByRole('link', { name: title }).click();
  await memberPage.waitForURL(/\/calendar\/[0-9A-Za-z]{26}\?date=/);
  await memberPage.getByRole('dialog', { name: title }).waitFor();
  await chip(memberPage, tomorrow, title).waitFor();
  assertNoConsoleErrors(member, 'member');
});

test('the owner invites the member from the event form; the member accepts from the week', async () => {
  const day = addDays(D, 5);
  // The member's page stays open (its live connection too), the event's details closed.
  const before = memberPage.getByRole('dialog');
  await before.getByRole('button', { name: 'Fermer' }).click();
  await before.waitFor({ state: 'detached' });
  await ownerPage.goto(calendarUrl(`?date=${day}`));
  await cell(ownerPage, day).waitFor();
  await ownerPage.getByRole('button', { name: 'Nouvel événement', exact: true }).click();
  const dialog = ownerPage.getByRole('dialog', { name: 'Nouvel événement' });
  await dialog.getByLabel('Titre', { exact: true }).fill(INVITED);
  await dialog.getByLabel('Date de début', { exact: true }).fill(day);
  await dialog.getByLabel('Heure de début', { exact: true }).fill('11:00');
  // The member, picked by name among the suggestions.
  await dialog.getByRole('combobox', { name: 'Inviter une personne' }).fill('Jules');
  await dialog.getByRole('option', { name: new RegExp(MEMBER.name) }).click();
  await dialog
    .getByRole('list', { name: 'Participants' })
    .getByText(MEMBER.name, { exact: true })
    .waitFor();
  await shot(ownerPage, 'calendar-13-new-event-attendee');
  let violations = await axe(ownerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  await dialog.getByRole('button', { name: 'Créer l’événement' }).click();
  await dialog.waitFor({ state: 'detached' });
  // The member hears of it at once, without a reload; the toast opens the event.
  const invitedToast = memberPage
    .getByRole('region', { name: 'Notifications' })
    .locator('.toast', { hasText: `${env.admin.name} vous invite à « ${INVITED} »` });
  await invitedToast.waitFor();
  await invitedToast
    .getByRole('button', { name: `${env.admin.name} vous invite à « ${INVITED} »` })
    .click();
  await memberPage.waitForURL(new RegExp(`/calendar/[0-9A-Za-z]{26}\\?date=${day}$`));
  const opened = memberPage.getByRole('dialog', { name: INVITED });
  await opened.getByRole('group', { name: 'Participerez-vous ?' }).waitFor();
  await opened.getByRole('button', { name: 'Fermer' }).click();
  await opened.waitFor({ state: 'detached' });
  await chip(ownerPage, day, INVITED).waitFor();
  const created = await eventByTitle(ownerPage, INVITED);
  assert.equal(created.organizer?.email, env.admin.email);
  assert.deepEqual(
    created.attendees.map((a) => [a.email, a.partstat]),
    [[MEMBER.email, 'needs-action']],
  );

  // The member's week: the event says it is an invitation not answered.
  await memberPage.goto(calendarUrl(`?view=week&date=${day}`));
  const block = chip(memberPage, day, INVITED);
  await block.waitFor();
  assert.match(await block.getAttribute('class'), /\bcal-chip--pending\b/);
  await cell(memberPage, day)
    .getByRole('button', { name: new RegExp(`^11:00.*${INVITED}.*, Invitation, sans réponse$`) })
    .waitFor();
  await shot(memberPage, 'calendar-14-week-invitation');
  await block.click();
  const details = memberPage.getByRole('dialog', { name: INVITED });
  const answers = details.getByRole('group', { name: 'Participerez-vous ?' });
  await answers.getByText('Sans réponse').waitFor();
  await answers.getByRole('button', { name: 'Accepter' }).click();
  await memberPage.getByText('Réponse envoyée : Accepté').waitFor();
  // The organizer's open page hears of the answer.
  await ownerPage
    .getByRole('region', { name: 'Notifications' })
    .locator('.toast', { hasText: `${MEMBER.name} a accepté « ${INVITED} »` })
    .waitFor();
  await answers.getByRole('button', { name: 'Accepter', pressed: true }).waitFor();
  await answers.getByText('Accepté', { exact: true }).waitFor();
  await details.getByRole('button', { name: 'Fermer' }).click();
  await details.waitFor({ state: 'detached' });
  // The week no longer shows it pending.
  await cell(memberPage, day)
    .locator('.cal-block.cal-chip--pending')
    .waitFor({ state: 'detached' });
  await chip(memberPage, day, INVITED).waitFor();

  // The owner opens the event again: the member's answer.
  await chip(ownerPage, day, INVITED).click();
  const mine = ownerPage.getByRole('dialog', { name: INVITED });
  const jules = mine
    .getByRole('list', { name: 'Participants' })
    .getByRole('listitem')
    .filter({ hasText: MEMBER.name });
  await jules.getByText('Accepté', { exact: true }).waitFor();
  await shot(ownerPage, 'calendar-15-answer-seen');
  violations = await axe(ownerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  await mine.getByRole('button', { name: 'Fermer' }).click();
  await mine.waitFor({ state: 'detached' });
  const answered = await eventByTitle(ownerPage, INVITED);
  assert.deepEqual(
    answered.attendees.map((a) => [a.email, a.partstat]),
    [[MEMBER.email, 'accepted']],
  );
  assertNoConsoleErrors(owner, 'owner', [/status of 412/]);
  assertNoConsoleErrors(member, 'member');
});

test('the reader declines from the home page an invitation to the owner’s personal calendar', async () => {
  const readerId = (await ok(readerPage, 'GET', '/me')).id;
  const tomorrow = addDays(TODAY, 1);
  const event = await ok(ownerPage, 'POST', '/me/calendar/events', {
    title: PRIVATE,
    location: 'Carrière de Belbèze',
    start: new Date(`${tomorrow}T06:00:00Z`).toISOString(),
    end: new Date(`${tomorrow}T07:00:00Z`).toISOString(),
    all_day: false,
    timezone: 'Europe/Paris',
    attendees: [{ user_id: readerId }],
  });
  assert.equal(event.workspace_id, null);
  assert.deepEqual(
    event.attendees.map((a) => [a.email, a.partstat]),
    [[READER.email, 'needs-action']],
  );
  // The reader cannot open the owner's calendar: the event is no link.
  await readerPage.goto(`${env.url}/`);
  const agenda = readerPage.getByRole('region', { name: 'Agenda' });
  const entry = agenda.locator('.agenda__item', { hasText: PRIVATE });
  await entry.getByText('Sans réponse', { exact: true }).waitFor();
  await entry.getByText('Invitation', { exact: true }).waitFor();
  assert.equal(await entry.getByRole('link').count(), 0);
  const answers = entry.getByRole('group', { name: `Participerez-vous à « ${PRIVATE} » ?` });
  await shot(readerPage, 'calendar-16-agenda-invitation', agenda);
  let violations = await axe(readerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  await answers.getByRole('button', { name: 'Refuser' }).click();
  await readerPage.getByText('Réponse envoyée : Refusé').waitFor();
  await answers.getByRole('button', { name: 'Refuser', pressed: true }).waitFor();
  await entry.getByText('Refusé', { exact: true }).waitFor();
  const answered = await ok(ownerPage, 'GET', `/calendar/events/${event.id}`);
  assert.deepEqual(
    answered.attendees.map((a) => [a.email, a.partstat]),
    [[READER.email, 'declined']],
  );

  // Its details, read-only, from the entry.
  await entry.getByRole('button', { name: PRIVATE, exact: true }).click();
  const details = readerPage.getByRole('dialog', { name: PRIVATE });
  await details.getByText('Carrière de Belbèze').waitFor();
  await details.getByText(`Organisé par ${env.admin.name}`).waitFor();
  await details
    .getByRole('list', { name: 'Participants' })
    .getByRole('listitem')
    .filter({ hasText: `${READER.name} (vous)` })
    .getByText('Refusé', { exact: true })
    .waitFor();
  await details
    .getByRole('group', { name: 'Participerez-vous ?' })
    .getByRole('button', { name: 'Refuser', pressed: true })
    .waitFor();
  assert.equal(await details.getByRole('button', { name: 'Modifier' }).count(), 0);
  assert.equal(await details.getByRole('button', { name: 'Supprimer' }).count(), 0);
  await shot(readerPage, 'calendar-17-invitation-details');
  violations = await axe(readerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  await details.getByRole('button', { name: 'Fermer' }).click();
  await details.waitFor({ state: 'detached' });
  assertNoConsoleErrors(owner, 'owner', [/status of 412/]);
  assertNoConsoleErrors(reader, 'reader', [/status of 403/]);
});

test('the member declines one occurrence of a weekly meeting; the owner sees it on that one', async () => {
  const memberId = (await ok(memberPage, 'GET', '/me')).id;
  // Weekly at 15:00 in Paris, three times from the 8th.
  const event = await ok(ownerPage, 'POST', `/workspaces/${wsId}/calendar/events`, {
    title: SERIES,
    start: new Date(`${D}T14:00:00Z`).toISOString(),
    end: new Date(`${D}T15:00:00Z`).toISOString(),
    timezone: 'Europe/Paris',
    rrule: 'FREQ=WEEKLY;COUNT=3',
    attendees: [{ user_id: memberId }],
  });
  const second = addDays(D, 7);
  await memberPage.goto(calendarUrl(`?view=week&date=${second}`));
  await chip(memberPage, second, SERIES).click();
  const details = memberPage.getByRole('dialog', { name: SERIES });
  const scope = details.getByRole('group', { name: 'Répondre pour' });
  await scope.getByRole('radio', { name: 'Toutes les occurrences', checked: true }).waitFor();
  await scope.getByRole('radio', { name: 'Cette occurrence' }).check();
  await shot(memberPage, 'calendar-18-one-occurrence');
  await details.getByRole('button', { name: 'Refuser' }).click();
  await details.getByRole('button', { name: 'Refuser', pressed: true }).waitFor();
  await details.getByRole('button', { name: 'Fermer' }).click();
  await details.waitFor({ state: 'detached' });
  // The server holds that answer for that occurrence alone.
  const answered = await ok(ownerPage, 'GET', `/calendar/events/${event.id}`);
  assert.deepEqual(
    answered.attendees.map((a) => [a.email, a.partstat]),
    [[MEMBER.email, 'needs-action']],
  );
  assert.deepEqual(
    answered.instance_answers.map((a) => [a.email, a.partstat, a.recurrence_id.slice(0, 10)]),
    [[MEMBER.email, 'declined', second]],
  );
  // The owner opens that occurrence: the member declined it.
  await ownerPage.goto(calendarUrl(`?view=week&date=${second}`));
  await chip(ownerPage, second, SERIES).click();
  const seen = ownerPage.getByRole('dialog', { name: SERIES });
  await seen
    .getByRole('list', { name: 'Participants' })
    .getByRole('listitem')
    .filter({ hasText: MEMBER.name })
    .getByText('A refusé cette occurrence')
    .waitFor();
  const violations = await axe(ownerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  await seen.getByRole('button', { name: 'Fermer' }).click();
  assertNoConsoleErrors(owner, 'owner', [/status of 412/]);
  assertNoConsoleErrors(member, 'member');
});

test('the owner moves one occurrence of a weekly meeting an hour later and cancels another; the member sees it so', async () => {
  const memberId = (await ok(memberPage, 'GET', '/me')).id;
  // Weekly at 16:00 in Paris, three times from the 10th, the member invited.
  const first = addDays(D, 2);
  const [second, third] = [addDays(first, 7), addDays(first, 14)];
  const event = await ok(ownerPage, 'POST', `/workspaces/${wsId}/calendar/events`, {
    title: MOVED,
    start: new Date(`${first}T15:00:00Z`).toISOString(),
    end: new Date(`${first}T16:00:00Z`).toISOString(),
    timezone: 'Europe/Paris',
    rrule: 'FREQ=WEEKLY;COUNT=3',
    attendees: [{ user_id: memberId }],
  });
  // The occurrences' original starts (their recurrence ids), as the server lists them.
  const ids = (await occurrences(ownerPage))
    .filter((o) => o.event_id === event.id)
    .map((o) => o.recurrence_id);
  assert.equal(ids.length, 3);
  const hourLater = (iso) => new Date(Date.parse(iso) + 3_600_000).toISOString();
  const later = parisTime(hourLater(ids[1]));
  await memberPage.goto(calendarUrl(`?date=${D}`));
  for (const day of [first, second, third]) await chip(memberPage, day, MOVED).waitFor();

  // The owner opens the second and changes it alone (the choice made unless asked).
  await ownerPage.goto(calendarUrl(`?date=${D}`));
  await chip(ownerPage, second, MOVED).click();
  const details = ownerPage.getByRole('dialog', { name: MOVED });
  await details.getByRole('button', { name: 'Modifier' }).click();
  await details
    .getByRole('group', { name: 'Modifier', exact: true })
    .getByRole('radio', { name: 'Cette occurrence', checked: true })
    .waitFor();
  // Its own texts and times: no repeat, no people.
  assert.equal(await details.getByLabel('Répétition', { exact: true }).count(), 0);
  assert.equal(await details.getByRole('combobox', { name: 'Inviter une personne' }).count(), 0);
  const startTime = details.getByLabel('Heure de début', { exact: true });
  assert.equal(await startTime.inputValue(), parisTime(ids[1]));
  await startTime.fill(later);
  await shot(ownerPage, 'calendar-19-edit-one-occurrence');
  let violations = await axe(ownerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  // The member hears of it (a toast lasts six seconds: watched from before
  // the save), and sees it at its new hour.
  const notices = memberPage.getByRole('region', { name: 'Notifications' });
  const movedToast = notices
    .locator('.toast', {
      hasText: `${env.admin.name} a déplacé ou modifié l’occurrence du`,
    })
    .filter({ hasText: MOVED })
    .waitFor();
  await details.getByRole('button', { name: 'Enregistrer' }).click();
  await ownerPage.getByText('Occurrence enregistrée').waitFor();
  await details.getByText(/^Déplacée ; prévue le/).waitFor();
  await details.getByRole('button', { name: 'Fermer' }).click();
  await details.waitFor({ state: 'detached' });
  await movedToast;
  await chip(memberPage, second, MOVED).filter({ hasText: later }).waitFor();

  // The owner cancels the third alone.
  await chip(ownerPage, third, MOVED).click();
  const other = ownerPage.getByRole('dialog', { name: MOVED });
  await other.getByRole('button', { name: 'Supprimer' }).click();
  const confirm = ownerPage.getByRole('dialog', { name: 'Supprimer l’événement ?' });
  await confirm
    .getByRole('group', { name: 'Supprimer', exact: true })
    .getByRole('radio', { name: 'Cette occurrence', checked: true })
    .waitFor();
  await confirm.getByText('sera annulée').waitFor();
  await shot(ownerPage, 'calendar-20-cancel-one-occurrence');
  violations = await axe(ownerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  const cancelledToast = notices
    .locator('.toast', { hasText: `${env.admin.name} a annulé l’occurrence du` })
    .filter({ hasText: MOVED })
    .waitFor();
  await confirm.getByRole('button', { name: 'Supprimer' }).click();
  await ownerPage.getByText(`« ${MOVED} » annulée`).waitFor();
  await other.waitFor({ state: 'detached' });
  await chip(ownerPage, third, MOVED).waitFor({ state: 'detached' });
  await chip(ownerPage, first, MOVED).waitFor();
  await cancelledToast;
  await chip(memberPage, third, MOVED).waitFor({ state: 'detached' });
  await chip(memberPage, first, MOVED).waitFor();

  // The member opens the second: where it is now, and where it was planned.
  await chip(memberPage, second, MOVED).click();
  const seen = memberPage.getByRole('dialog', { name: MOVED });
  await seen.getByText(/^Déplacée ; prévue le/).waitFor();
  assert.match(await seen.locator('.cal-facts').textContent(), new RegExp(later));
  await shot(memberPage, 'calendar-21-moved-occurrence');
  await seen.getByRole('button', { name: 'Fermer' }).click();
  await seen.waitFor({ state: 'detached' });

  // The server holds the series with that occurrence moved and the other cancelled.
  const now = await ok(ownerPage, 'GET', `/calendar/events/${event.id}`);
  assert.equal(now.rrule, 'FREQ=WEEKLY;COUNT=3');
  assert.deepEqual(
    now.changed_occurrences.map((c) => [c.recurrence_id, c.start, c.end]),
    [[ids[1], hourLater(ids[1]), hourLater(hourLater(ids[1]))]],
  );
  assert.deepEqual(now.cancelled_occurrences, [ids[2]]);
  const listed = (await occurrences(memberPage)).filter((o) => o.event_id === event.id);
  assert.deepEqual(
    listed.map((o) => [o.recurrence_id, o.start]),
    [
      [ids[0], ids[0]],
      [ids[1], hourLater(ids[1])],
    ],
  );
  assertNoConsoleErrors(owner, 'owner', [/status of 412/]);
  assertNoConsoleErrors(member, 'member');
});

test('the owner moves a weekly meeting an hour later from its third occurrence, then deletes it from the fourth; the member sees it so', async () => {
  const memberId = (await ok(memberPage, 'GET', '/me')).id;
  // Weekly at 9:00 in Paris, four times from the 14th, the member invited.
  const days = [6, 13, 20, 27].map((n) => addDays(D, n));
  const event = await ok(ownerPage, 'POST', `/workspaces/${wsId}/calendar/events`, {
    title: FOLLOWING,
    start: new Date(`${days[0]}T08:00:00Z`).toISOString(),
    end: new Date(`${days[0]}T09:00:00Z`).toISOString(),
    timezone: 'Europe/Paris',
    rrule: 'FREQ=WEEKLY;COUNT=4',
    attendees: [{ user_id: memberId }],
  });
  const ids = (await occurrences(ownerPage))
    .filter((o) => o.event_id === event.id)
    .map((o) => o.recurrence_id);
  assert.equal(ids.length, 4);
  const hourLater = (iso) => new Date(Date.parse(iso) + 3_600_000).toISOString();
  // Where each occurrence is, in the week of its day, at that hour (its block's first time).
  const at = (page, i, iso) =>
    chip(page, days[i], FOLLOWING).filter({
      has: page.locator('.cal-block__time', { hasText: new RegExp(`^${parisTime(iso)}`) }),
    });
  const week = (page, i) => page.goto(calendarUrl(`?view=week&date=${days[i]}`));

  // The owner opens the third and changes it and the following ones.
  await week(ownerPage, 2);
  await at(ownerPage, 2, ids[2]).click();
  const details = ownerPage.getByRole('dialog', { name: FOLLOWING });
  await details.getByRole('button', { name: 'Modifier' }).click();
  const scope = details.getByRole('group', { name: 'Modifier', exact: true });
  await scope.getByRole('radio', { name: 'Cette occurrence', checked: true }).waitFor();
  assert.deepEqual(await scope.locator('label').allTextContents(), [
    'Cette occurrence',
    'Celle-ci et les suivantes',
    'Toutes les occurrences',
  ]);
  // From the keyboard: the choice made has the focus, the arrow picks the next one.
  await ownerPage.keyboard.press('ArrowDown');
  await scope.getByRole('radio', { name: 'Celle-ci et les suivantes', checked: true }).waitFor();
  // The series' form from this occurrence: its times, the repeat, the two times left.
  const startTime = details.getByLabel('Heure de début', { exact: true });
  assert.equal(await startTime.inputValue(), parisTime(ids[2]));
  assert.equal(await details.getByLabel('Répétition', { exact: true }).inputValue(), 'weekly');
  assert.equal(await details.getByLabel('Nombre de fois', { exact: true }).inputValue(), '2');
  await details.getByRole('combobox', { name: 'Inviter une personne' }).waitFor();
  await startTime.fill(parisTime(hourLater(ids[2])));
  await shot(ownerPage, 'calendar-22-edit-following');
  let violations = await axe(ownerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  await week(memberPage, 0);
  await at(memberPage, 0, ids[0]).waitFor();
  await details.getByRole('button', { name: 'Enregistrer' }).click();
  // The rest is a new event: the dialog closes.
  await ownerPage.getByText(/^Occurrences à partir du .* enregistrées$/).waitFor();
  await details.waitFor({ state: 'detached' });

  // The server holds two events: the first two at the old hour, the last two an hour later.
  const listed = (await occurrences(memberPage)).filter((o) => o.title === FOLLOWING);
  assert.deepEqual(
    listed.map((o) => o.start),
    [ids[0], ids[1], hourLater(ids[2]), hourLater(ids[3])],
  );
  const restId = listed[2].event_id;
  assert.notEqual(restId, event.id);
  // The member is invited to the new event (kept among their notices: its
  // toast, six seconds long among others, proved a flaky witness).
  const kept = await ok(memberPage, 'GET', '/me/notices');
  assert.ok(
    kept.notices.some((n) => n.type === 'calendar.invited' && n.data.id === restId),
    JSON.stringify(kept.notices.map((n) => [n.type, n.data.id])),
  );
  assert.deepEqual(
    listed.map((o) => o.event_id),
    [event.id, event.id, restId, restId],
  );
  const early = await ok(ownerPage, 'GET', `/calendar/events/${event.id}`);
  assert.match(early.rrule, /^FREQ=WEEKLY;UNTIL=/);
  const rest = await ok(ownerPage, 'GET', `/calendar/events/${restId}`);
  assert.equal(rest.rrule, 'FREQ=WEEKLY;COUNT=2');
  assert.deepEqual(
    rest.attendees.map((a) => a.email),
    [MEMBER.email],
  );
  // As both agendas show them.
  for (const page of [ownerPage, memberPage]) {
    for (const [i, iso] of [ids[0], ids[1], hourLater(ids[2]), hourLater(ids[3])].entries()) {
      await week(page, i);
      await at(page, i, iso).waitFor();
      assert.equal(await chip(page, days[i], FOLLOWING).count(), 1);
    }
  }

  // The owner deletes from the fourth on (both pages are on its week).
  await at(ownerPage, 3, hourLater(ids[3])).click();
  const last = ownerPage.getByRole('dialog', { name: FOLLOWING });
  await last.getByRole('button', { name: 'Supprimer' }).click();
  const confirm = ownerPage.getByRole('dialog', { name: 'Supprimer l’événement ?' });
  await confirm
    .getByRole('group', { name: 'Supprimer', exact: true })
    .getByRole('radio', { name: 'Celle-ci et les suivantes' })
    .check();
  await confirm.getByText(`« ${FOLLOWING} » s’arrêtera avant le`).waitFor();
  await shot(ownerPage, 'calendar-23-delete-following');
  violations = await axe(ownerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  await confirm.getByRole('button', { name: 'Supprimer' }).click();
  await ownerPage.getByText(`Occurrences de « ${FOLLOWING} » à partir du`).waitFor();
  await last.waitFor({ state: 'detached' });
  await chip(ownerPage, days[3], FOLLOWING).waitFor({ state: 'detached' });

  // Three remain, for the member too: the fourth goes from the week shown.
  await chip(memberPage, days[3], FOLLOWING).waitFor({ state: 'detached' });
  await week(memberPage, 2);
  await at(memberPage, 2, hourLater(ids[2])).waitFor();
  const remaining = (await occurrences(memberPage)).filter((o) => o.title === FOLLOWING);
  assert.deepEqual(
    remaining.map((o) => [o.event_id, o.start]),
    [
      [event.id, ids[0]],
      [event.id, ids[1]],
      [restId, hourLater(ids[2])],
    ],
  );
  assertNoConsoleErrors(owner, 'owner', [/status of 412/]);
  assertNoConsoleErrors(member, 'member');
});

test('the owner subscribes to a published calendar from their profile; its events join their home page', async () => {
  // A town's agenda, published on this machine (run.sh lets the server
  // read 127.0.0.1 alone): one council meeting tomorrow evening.
  const tomorrow = addDays(TODAY, 1).replaceAll('-', '');
  const ics = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Mairie//Agenda//FR',
    'X-WR-CALNAME:Agenda de la mairie',
    'BEGIN:VEVENT',
    'UID:conseil@mairie',
    'DTSTAMP:20261201T000000Z',
    `DTSTART:${tomorrow}T170000Z`,
    `DTEND:${tomorrow}T190000Z`,
    'SUMMARY:Conseil municipal',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
  let reads = 0;
  const site = createServer((req, res) => {
    if (req.url !== '/agenda.ics') return res.writeHead(404).end();
    reads += 1;
    res.writeHead(200, { 'Content-Type': 'text/calendar' }).end(ics);
  });
  await new Promise((done) => site.listen(0, '127.0.0.1', done));
  const feed = (host) => `http://${host}:${site.address().port}/agenda.ics`;
  try {
    await ownerPage.goto(`${env.url}/me`);
    const section = ownerPage.getByRole('region', { name: 'Abonnements à des agendas' });
    await section.getByText('Aucun abonnement.').waitFor();
    const address = section.getByLabel('Adresse de l’agenda');
    // Another loopback address is a private one: refused, said in words.
    await address.fill(feed('127.0.0.2'));
    await section.getByRole('button', { name: 'S’abonner' }).click();
    await section.getByText('ne peut pas lire les adresses de réseaux privés').waitFor();
    assert.equal(reads, 0);
    await address.fill(feed('127.0.0.1'));
    await section.getByRole('button', { name: 'S’abonner' }).click();
    const list = section.getByRole('list', { name: 'Abonnements à des agendas' });
    await list.getByText('Agenda de la mairie').waitFor();
    assert.equal(reads, 1);
    assert.equal(await address.inputValue(), '');
    await shot(ownerPage, 'calendar-24-subscriptions', section);
    const violations = await axe(ownerPage);
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));

    // Read again on demand; on the home page, named after it, a link to
    // the owner's own calendar, where it opens read only.
    await section.getByRole('button', { name: 'Mettre à jour Agenda de la mairie' }).click();
    for (let i = 0; i < 100 && reads < 2; i += 1) await ownerPage.waitForTimeout(50);
    assert.equal(reads, 2);
    await ownerPage.goto(`${env.url}/`);
    const agenda = ownerPage.getByRole('region', { name: 'Agenda' });
    const entry = agenda.locator('.agenda__item', { hasText: 'Conseil municipal' });
    await entry.waitFor();
    assert.equal(await entry.locator('.agenda__where').textContent(), 'Agenda de la mairie');
    await entry.getByRole('link', { name: 'Conseil municipal' }).click();
    await ownerPage.waitForURL(/\/calendar\/[^/?]+\?date=/);
    const details = ownerPage.getByRole('dialog', { name: 'Conseil municipal' });
    await details.waitFor();
    assert.equal(await details.getByRole('button', { name: 'Modifier' }).count(), 0);
    await details.getByRole('button', { name: 'Fermer' }).first().click();
    await ownerPage.goto(`${env.url}/`);

    // Unsubscribed, once confirmed: gone from the home page too.
    await ownerPage.goto(`${env.url}/me`);
    await section.getByRole('button', { name: 'Se désabonner de Agenda de la mairie' }).click();
    const confirm = ownerPage.getByRole('dialog', {
      name: 'Se désabonner de « Agenda de la mairie » ?',
    });
    await confirm.getByRole('button', { name: 'Se désabonner' }).click();
    await section.getByText('Aucun abonnement.').waitFor();
    await ownerPage.goto(`${env.url}/`);
    await agenda.waitFor();
    assert.equal(await agenda.getByText('Conseil municipal').count(), 0);
  } finally {
    site.close();
  }
  assertNoConsoleErrors(owner, 'owner', [/status of 412/, /status of 403/]);
});

test('the owner imports an .ics file into the calendar, the member sees its events; the file of the calendar holds them', async () => {
  const day = addDays(TODAY, 2).replaceAll('-', '');
  const event = (uid, title, hour) =>
    [
      'BEGIN:VEVENT',
      `UID:${uid}`,
      'DTSTAMP:20261201T000000Z',
      `DTSTART:${day}T${hour}0000Z`,
      `DTEND:${day}T${hour}3000Z`,
      `SUMMARY:${title}`,
      'END:VEVENT',
    ].join('\r\n');
  const ics = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN',
    event('import-1@outlook', 'Comité de pilotage', '08'),
    event('import-2@outlook', 'Revue de sécurité', '13'),
    'END:VCALENDAR',
    '',
  ].join('\r\n');
  const file = { name: 'export.ics', mimeType: 'text/calendar', buffer: Buffer.from(ics) };
  await ownerPage.goto(`${env.url}/w/${wsId}/calendar`);
  await ownerPage.getByLabel('Un fichier .ics à importer').setInputFiles(file);
  await ownerPage.getByText('2 événements importés').waitFor();
  const titles = async () => (await occurrences(memberPage)).map((o) => o.title);
  for (let i = 0; i < 100 && !(await titles()).includes('Revue de sécurité'); i += 1)
    await memberPage.waitForTimeout(50);
  assert.ok((await titles()).includes('Comité de pilotage'));
  assert.ok((await titles()).includes('Revue de sécurité'));
  // Again: nothing more, and the toast says why.
  await ownerPage.getByLabel('Un fichier .ics à importer').setInputFiles(file);
  await ownerPage.getByText('Aucun événement importé').waitFor();
  await ownerPage.getByText('2 y étaient déjà.').waitFor();
  assert.equal((await titles()).filter((t) => t === 'Comité de pilotage').length, 1);
  // And out again: every event of the calendar as one file.
  const [download] = await Promise.all([
    ownerPage.waitForEvent('download'),
    ownerPage.getByRole('link', { name: 'Exporter' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `${WS}.ics`);
  const exported = await readFile(await download.path(), 'utf8');
  assert.match(exported, /^BEGIN:VCALENDAR/);
  assert.ok(exported.includes('UID:import-1@outlook'));
  assert.ok(exported.includes('SUMMARY:Revue de sécurité'));
  assert.ok(exported.includes('BEGIN:VTIMEZONE'), 'the events made in Ruche, with their zone');
  assertNoConsoleErrors(owner, 'owner', [/status of 412/, /status of 403/]);
});

test('the member keeps their own calendar beside the workspace’s: new events there, changes made elsewhere live, the workspace’s hidden or opened in its calendar', async () => {
  const day = addDays(TODAY, 2);
  await memberPage.goto(`${env.url}/`);
  await memberPage.getByRole('link', { name: 'Mon agenda' }).click();
  await memberPage.waitForURL(`${env.url}/calendar`);
  await memberPage.goto(`${env.url}/calendar?view=week&date=${day}`);
  // The workspace's events (imported above) are there, in its tone.
  const imported = chip(memberPage, day, 'Comité de pilotage');
  await imported.waitFor();
  const sources = memberPage.getByRole('region', { name: 'Agendas' });
  assert.deepEqual(
    (await sources.locator('.cal-sources__name').allTextContents()).map((t) => t.trim()),
    ['Agenda personnel', WS, 'Mes tâches', 'Autres invitations'],
  );
  assert.match((await imported.getAttribute('class')) ?? '', /cal-tone-1/);

  // A new event goes into the personal calendar: nobody else's.
  await memberPage.getByRole('button', { name: 'Nouvel événement', exact: true }).click();
  const dialog = memberPage.getByRole('dialog', { name: 'Nouvel événement' });
  await dialog.getByText('L’événement va dans votre agenda personnel').waitFor();
  await dialog.getByLabel('Titre', { exact: true }).fill('Rendez-vous chez le dentiste');
  await dialog.getByLabel('Date de début', { exact: true }).fill(day);
  await dialog.getByLabel('Heure de début', { exact: true }).fill('17:00');
  await dialog.getByRole('button', { name: 'Créer l’événement' }).click();
  await dialog.waitFor({ state: 'detached' });
  const dentist = chip(memberPage, day, 'Rendez-vous chez le dentiste');
  await dentist.waitFor();
  assert.match((await dentist.getAttribute('class')) ?? '', /cal-tone-0/);
  const from = `${day}T00:00:00Z`;
  const to = `${addDays(day, 1)}T00:00:00Z`;
  const mine = await ok(memberPage, 'GET', `/me/calendar/events?from=${from}&to=${to}`);
  const made = mine.find((o) => o.title === 'Rendez-vous chez le dentiste');
  assert.equal(made?.workspace_id, null);
  const shared = await ok(ownerPage, 'GET', `/me/calendar/events?from=${from}&to=${to}`);
  assert.equal(shared.filter((o) => o.title === 'Rendez-vous chez le dentiste').length, 0);

  // Made elsewhere (through the API, as another device would): here at
  // once (calendar.changed), no reload.
  await ok(memberPage, 'POST', '/me/calendar/events', {
    title: 'Cours de poterie',
    start: `${day}T18:00:00Z`,
    end: `${day}T19:00:00Z`,
  });
  await chip(memberPage, day, 'Cours de poterie').waitFor();
  await shot(memberPage, 'calendar-26-my-calendar');
  // (axe runs where the page's policy lets it in: the owner's context.)
  await ownerPage.goto(`${env.url}/calendar?date=${day}`);
  await chip(ownerPage, day, 'Comité de pilotage').waitFor();
  const violations = await axe(ownerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));

  // The workspace's calendar hidden, still so after a reload, shown again.
  await sources.getByLabel(WS).uncheck();
  await imported.waitFor({ state: 'detached' });
  await memberPage.reload();
  await chip(memberPage, day, 'Cours de poterie').waitFor();
  assert.equal(await sources.getByLabel(WS).isChecked(), false);
  assert.equal(await imported.count(), 0);
  await sources.getByLabel(WS).check();
  // The day alone, by the hour.
  await memberPage.getByRole('button', { name: 'Jour', exact: true }).click();
  await memberPage.waitForURL(/view=day/);
  assert.equal(await memberPage.locator('.cal-week__day').count(), 1);
  await chip(memberPage, day, 'Cours de poterie').waitFor();
  await memberPage.getByRole('button', { name: 'Semaine', exact: true }).click();
  await memberPage.waitForURL(/view=week/);
  // A task assigned to the member, due that day: there too, opening on its board.
  const me = await ok(memberPage, 'GET', '/me');
  const made2 = await ok(ownerPage, 'POST', `/workspaces/${wsId}/tasks`, {
    title: 'Relire le devis',
    due: day,
    assignee_ids: [me.id],
  });
  const due = memberPage.locator('.cal-chip', {
    has: memberPage.locator('.cal-chip__title', { hasText: 'Relire le devis' }),
  });
  await due.waitFor();
  await due.click();
  await memberPage.waitForURL(`${env.url}/w/${wsId}/tasks/${made2.id}`);
  await memberPage.goBack();
  // Its event opens in the workspace's calendar.
  await imported.click();
  await memberPage.waitForURL(new RegExp(`/w/${wsId}/calendar/[^/?]+\\?view=week&date=${day}`));
  await memberPage.getByRole('dialog', { name: 'Comité de pilotage' }).waitFor();
  assertNoConsoleErrors(member, 'member');
});

test('the owner drags an event to another day and an hour later in the week, then its end; the member sees it moved', async () => {
  const day = addDays(TODAY, 2);
  // The next day, or the one before when the next is in another week.
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
  const to = addDays(day, weekday === 0 ? -1 : 1);
  await memberPage.goto(calendarUrl(`?view=week&date=${day}`));
  await ownerPage.goto(calendarUrl(`?view=week&date=${day}`));
  const block = chip(ownerPage, day, 'Comité de pilotage');
  await block.waitFor();
  const box = await block.boundingBox();
  const column = await ownerPage.locator(`.cal-week__day[data-day="${to}"]`).boundingBox();
  assert.ok(box && column);
  const hour = column.height / 24;
  const [x, y] = [box.x + box.width / 2, box.y + Math.min(8, box.height / 2)];
  await ownerPage.mouse.move(x, y);
  await ownerPage.mouse.down();
  await ownerPage.mouse.move(column.x + column.width / 2, y + hour, { steps: 8 });
  await ownerPage.locator('.cal-drag-label', { hasText: 'Comité de pilotage' }).waitFor();
  await shot(ownerPage, 'calendar-27-drag');
  await ownerPage.mouse.up();
  await ownerPage.getByText('Événement « Comité de pilotage » déplacé').waitFor();
  await chip(ownerPage, to, 'Comité de pilotage').waitFor();
  // No details opened by the release.
  assert.equal(await ownerPage.getByRole('dialog').count(), 0);
  const moved = await eventByTitle(ownerPage, 'Comité de pilotage');
  assert.equal(parisDay(new Date(moved.start)), to);
  assert.equal(parisTime(moved.start), '10:00', 'an hour later than 09:00');
  assert.equal(parisTime(moved.end), '10:30', 'its length kept');
  await chip(memberPage, to, 'Comité de pilotage').waitFor();
  assert.equal(await chip(memberPage, day, 'Comité de pilotage').count(), 0);

  // Longer by half an hour, from its bottom edge.
  const there = chip(ownerPage, to, 'Comité de pilotage');
  const edge = await there.locator('.cal-block__resize').boundingBox();
  assert.ok(edge);
  await ownerPage.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2);
  await ownerPage.mouse.down();
  await ownerPage.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2 + hour / 2, {
    steps: 6,
  });
  await ownerPage.locator('.cal-drag-label', { hasText: 'jusqu’à 11:00' }).waitFor();
  await ownerPage.mouse.up();
  for (let i = 0; i < 100; i += 1) {
    if (parisTime((await eventByTitle(ownerPage, 'Comité de pilotage')).end) === '11:00') break;
    await ownerPage.waitForTimeout(50);
  }
  const longer = await eventByTitle(ownerPage, 'Comité de pilotage');
  assert.equal(parisTime(longer.start), '10:00');
  assert.equal(parisTime(longer.end), '11:00');
  assertNoConsoleErrors(owner, 'owner', [/status of 412/, /status of 403/]);
});

test('the owner searches from the top bar: events and tasks across modules, each opening where it is', async () => {
  await ownerPage.goto(`${env.url}/`);
  const box = ownerPage.getByRole('search').getByRole('searchbox');
  await box.fill('pilotage');
  await box.press('Enter');
  await ownerPage.waitForURL(`${env.url}/search?q=pilotage`);
  const events = ownerPage.getByRole('list', { name: 'Événements' });
  const found = events.getByRole('link', { name: 'Comité de pilotage' });
  await found.waitFor();
  assert.equal(await found.locator('mark').first().textContent(), 'pilotage');
  await shot(ownerPage, 'calendar-28-search');
  await ownerPage.getByRole('region', { name: 'Tâches' }).getByText('Aucun résultat.').waitFor();
  const violations = await axe(ownerPage);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  await found.click();
  await ownerPage.waitForURL(new RegExp(`/w/${wsId}/calendar/[^/?]+\\?date=`));
  await ownerPage.getByRole('dialog', { name: 'Comité de pilotage' }).waitFor();
  // Again from the page's own field: the task is found, and opens on its board.
  await ownerPage.goto(`${env.url}/search?q=pilotage`);
  const field = ownerPage.getByRole('main').getByRole('searchbox');
  await field.fill('devis');
  await field.press('Enter');
  await ownerPage.waitForURL(`${env.url}/search?q=devis`);
  const task = ownerPage
    .getByRole('list', { name: 'Tâches' })
    .getByRole('link', { name: 'Relire le devis' });
  await task.click();
  await ownerPage.waitForURL(new RegExp(`/w/${wsId}/tasks/[^/?]+$`));
  assertNoConsoleErrors(owner, 'owner', [/status of 412/, /status of 403/]);
});

