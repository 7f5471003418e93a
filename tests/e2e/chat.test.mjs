// The chat screens end to end, in Chromium, against a real server (started
// by run.sh). Two people in two browser contexts: the owner of a workspace
// and a member invited into it. The scenarios run in order and share state.
// Screenshots: build/e2e/chat-*.png; metrics: build/e2e/metrics.jsonl.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import {
  assertNoConsoleErrors,
  axe,
  dropImageAndText,
  enrol,
  env,
  launch,
  metric,
  newContext,
  shot,
  signIn,
} from './lib.mjs';

const WS = 'Chantier Seine';
const MEMBER = {
  email: 'bastien@ruche.test',
  name: 'Bastien Moreau',
  password: 'Hirondelle-Rousse-2042',
};
const HISTORY = 2000;
const SMALL = 200;
/** The DOM may hold the visible rows and some overscan, never the history. */
const MAX_ROWS = 90;

let browser;
let owner;
let ownerPage;
let member;
let memberPage;
let wsId = '';
let ownerId = '';
let memberId = '';
let channelId = '';
const ids = {};

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
      return {
        status: r.status,
        body: r.status === 204 ? null : await r.json(),
      };
    },
    { method, path, body },
  );
}

async function ok(page, method, path, body, status = [200, 201, 204]) {
  const r = await apiFetch(page, method, path, body);
  assert.ok(status.includes(r.status), `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * Posts `count` messages into a channel from the page's account, paced
 * under the server's write limit (100/s per person, burst 500).
 */
async function seed(page, cid, count, prefix) {
  return page.evaluate(
    async ({ cid, count, prefix }) => {
      const csrf = JSON.parse(sessionStorage.getItem('ruche.csrf'));
      const words =
        'le chantier avance bien sur la rive gauche et les équipes se relaient la nuit'.split(' ');
      const started = performance.now();
      const burst = 400;
      const perSecond = 90;
      let inFlight = [];
      for (let i = 0; i < count; i++) {
        if (i >= burst) {
          const due = started + ((i - burst) / perSecond) * 1000;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
        const n = 3 + ((i * 7) % 40);
        let body = `${prefix} n°${i + 1} : ${Array.from({ length: n }, (_, k) => words[(i + k) % words.length]).join(' ')}`;
        if (i % 17 === 0) body += '\n\n- un point\n- un autre point';
        inFlight.push(
          fetch(`/api/v1/channels/${cid}/messages`, {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              [csrf.header]: csrf.token,
            },
            body: JSON.stringify({ body }),
            credentials: 'same-origin',
          }).then((r) => {
            if (r.status !== 201) throw new Error(`seed: ${r.status}`);
          }),
        );
        if (inFlight.length >= 8) {
          await Promise.all(inFlight);
          inFlight = [];
        }
      }
      await Promise.all(inFlight);
      return performance.now() - started;
    },
    { cid, count, prefix },
  );
}

const composer = (page) => page.locator('.chat-channel').getByRole('textbox', { name: /message/i });
const message = (page, text) => page.locator('.chat-channel article.msg', { hasText: text });
const navLink = (page, name) =>
  page.locator('.chat-nav').getByRole('link', { name: new RegExp(`^${name}\\b`) });

before(async () => {
  browser = await launch();
  owner = await newContext(browser);
  ownerPage = await owner.newPage();
  await signIn(ownerPage, env.admin.email, env.admin.password);
  ownerId = (await ok(ownerPage, 'GET', '/me')).id;
  wsId = (await ok(ownerPage, 'POST', '/workspaces', { name: WS, modules: ['chat'] })).id;
  member = await newContext(browser);
  memberPage = await member.newPage();
  memberId = await enrol(ownerPage, wsId, memberPage, MEMBER);
  // The live connection follows the new workspace.
  await memberPage.reload();
  await ownerPage.reload();
});

after(async () => {
  await browser?.close();
});

test('the owner creates a channel with the member; the member sees it live', async () => {
  await memberPage.goto(`${env.url}/w/${wsId}/chat`);
  await memberPage.getByText('Choisissez un canal').waitFor();

  await ownerPage.goto(`${env.url}/w/${wsId}/chat`);
  await ownerPage.getByText('Choisissez un canal').waitFor();
  await shot(ownerPage, 'chat-01-empty');
  await ownerPage.getByRole('button', { name: 'Créer un canal' }).first().click();
  const dialog = ownerPage.getByRole('dialog', { name: 'Créer un canal' });
  await dialog.getByLabel('Nom du canal').fill('projet-seine');
  await dialog.getByLabel('Sujet').fill('Suivi du chantier de la rive gauche');
  await dialog.getByLabel(MEMBER.name).check();
  await shot(ownerPage, 'chat-02-create-channel');
  await dialog.getByRole('button', { name: 'Créer le canal' }).click();
  await ownerPage.waitForURL(/\/chat\/[0-9A-Za-z]{26}$/);
  channelId = new URL(ownerPage.url()).pathname.split('/').pop();
  await ownerPage.getByRole('heading', { level: 1, name: /projet-seine/ }).waitFor();
  await composer(ownerPage).waitFor();

  // The member's empty screen picks the new channel up without a reload.
  await navLink(memberPage, 'projet-seine').waitFor();
  await memberPage.getByRole('heading', { level: 1, name: /projet-seine/ }).waitFor();
  await memberPage.waitForURL(new RegExp(`/chat/${channelId}$`));
  assertNoConsoleErrors(owner, 'owner');
  assertNoConsoleErrors(member, 'member');
});

test('a message with a mention and Markdown reaches the member live, with a toast', async () => {
  const box = composer(ownerPage);
  await box.click();
  await box.pressSequentially('@Bas');
  const option = ownerPage.getByRole('option', {
    name: new RegExp(MEMBER.name),
  });
  await option.waitFor();
  await shot(ownerPage, 'chat-03-mention-autocomplete');
  await box.press('Enter');
  assert.equal(await box.inputValue(), `@${MEMBER.name} `);
  await box.pressSequentially(
    '**urgent** : la réunion est à 14 h, voir [le plan](https://plan.example.org)',
  );
  await box.press('Shift+Enter');
  await box.pressSequentially('Merci <script>window.pwned=1</script>');
  await box.press('Enter');

  const mine = message(ownerPage, 'la réunion est à 14 h');
  await mine.waitFor();
  assert.equal(await box.inputValue(), '');
  const live = message(memberPage, 'la réunion est à 14 h');
  await live.waitFor();
  const chip = live.locator('.mention');
  assert.equal(await chip.textContent(), `@${MEMBER.name}`);
  assert.match(await chip.getAttribute('class'), /mention--me/);
  assert.equal(await live.locator('strong').textContent(), 'urgent');
  const link = live.getByRole('link', { name: 'le plan' });
  assert.equal(await link.getAttribute('href'), 'https://plan.example.org');
  assert.match(await link.getAttribute('rel'), /noopener/);
  assert.match(await link.getAttribute('rel'), /noreferrer/);
  assert.equal(await live.locator('script').count(), 0);
  assert.equal(await memberPage.evaluate(() => window.pwned), undefined);
  await memberPage.locator('.toast', { hasText: `Vous avez été mentionné dans ${WS}` }).waitFor();
  await shot(memberPage, 'chat-04-mention-received');

  // The body went out with the person's id, not their name.
  const list = await ok(ownerPage, 'GET', `/channels/${channelId}/messages?limit=5`);
  assert.ok(list[0].body.startsWith(`<@${memberId}> **urgent**`), list[0].body);
  assert.deepEqual(list[0].mentions, [memberId]);
  ids.root = list[0].id;
  assertNoConsoleErrors(owner, 'owner');
  assertNoConsoleErrors(member, 'member');
});

test('the owner sees the member typing', async () => {
  const box = composer(memberPage);
  await box.click();
  await box.pressSequentially('Je regarde le pl', { delay: 40 });
  const typing = ownerPage.locator('.typing', {
    hasText: `${MEMBER.name} est en train d’écrire…`,
  });
  await typing.waitFor();
  await shot(ownerPage, 'chat-05-typing');
  await box.fill('');
  // No new signal: it goes away after 5 s.
  await ownerPage
    .locator('.typing', { hasText: 'écrire' })
    .waitFor({ state: 'detached', timeout: 9000 });
  assertNoConsoleErrors(member, 'member');
});

test('a reply in a thread, also sent to the channel, counts on its first message', async () => {
  const root = message(memberPage, 'la réunion est à 14 h');
  await root.hover();
  await root.getByRole('button', { name: 'Répondre dans un fil' }).click();
  const pane = memberPage.getByRole('complementary', {
    name: 'Fil de discussion',
  });
  await pane.waitFor();
  await pane.locator('article.msg', { hasText: 'la réunion est à 14 h' }).waitFor();
  const reply = pane.getByRole('textbox', { name: /message/i });
  await reply.fill('Je confirme ma présence.');
  await pane.getByLabel('Aussi envoyer dans #projet-seine').check();
  await reply.press('Enter');
  await pane.locator('article.msg', { hasText: 'Je confirme ma présence.' }).waitFor();
  await shot(memberPage, 'chat-06-thread');

  const ownerRoot = message(ownerPage, 'la réunion est à 14 h');
  await ownerRoot.getByRole('button', { name: /1 réponse/ }).waitFor();
  const inChannel = message(ownerPage, 'Je confirme ma présence.');
  await inChannel.getByText('a répondu dans un fil').waitFor();
  await ownerRoot.getByRole('button', { name: /1 réponse/ }).click();
  const ownerPane = ownerPage.getByRole('complementary', {
    name: 'Fil de discussion',
  });
  await ownerPane.locator('article.msg', { hasText: 'Je confirme ma présence.' }).waitFor();
  await ownerPane.getByRole('button', { name: 'Fermer le panneau' }).click();
  await memberPage
    .getByRole('complementary', { name: 'Fil de discussion' })
    .getByRole('button', { name: 'Fermer le panneau' })
    .click();
  assertNoConsoleErrors(owner, 'owner');
  assertNoConsoleErrors(member, 'member');
});

test('reactions: pick, count and toggle, live on both sides', async () => {
  const root = message(ownerPage, 'la réunion est à 14 h');
  await root.hover();
  await root.getByRole('button', { name: 'Ajouter une réaction' }).first().click();
  const picker = ownerPage.getByRole('dialog', {
    name: 'Ajouter une réaction',
  });
  await picker.getByLabel('Rechercher un emoji').fill('pouce');
  await shot(ownerPage, 'chat-07-emoji-picker');
  await picker.getByRole('button', { name: '👍' }).first().click();
  const mine = root.locator('.reaction', { hasText: '👍' });
  await mine.waitFor();
  assert.equal(await mine.getAttribute('aria-pressed'), 'true');
  assert.equal((await mine.locator('.reaction__count').textContent()).trim(), '1');

  const theirs = message(memberPage, 'la réunion est à 14 h').locator('.reaction', {
    hasText: '👍',
  });
  await theirs.waitFor();
  assert.equal(await theirs.getAttribute('aria-pressed'), 'false');
  await theirs.click();
  await ownerPage.waitForFunction(() =>
    [...document.querySelectorAll('.chat-channel .reaction')].some(
      (b) =>
        b.textContent.includes('👍') && b.querySelector('.reaction__count')?.textContent === '2',
    ),
  );
  await shot(ownerPage, 'chat-08-reactions');
  await theirs.click(); // toggles back off
  await ownerPage.waitForFunction(() =>
    [...document.querySelectorAll('.chat-channel .reaction')].some(
      (b) =>
        b.textContent.includes('👍') && b.querySelector('.reaction__count')?.textContent === '1',
    ),
  );
  assertNoConsoleErrors(owner, 'owner');
  assertNoConsoleErrors(member, 'member');
});

test('↑ edits the last message (Esc cancels), and a deleted message shows as deleted', async () => {
  const box = composer(ownerPage);
  await box.click();
  await box.press('ArrowUp');
  await ownerPage.getByText('Modification du message').waitFor();
  assert.match(await box.inputValue(), new RegExp(`^@${MEMBER.name} \\*\\*urgent\\*\\*`));
  await box.press('Escape');
  await ownerPage.getByText('Modification du message').waitFor({ state: 'detached' });
  assert.equal(await box.inputValue(), '');

  await box.press('ArrowUp');
  await box.fill(`@${MEMBER.name} réunion déplacée à **15 h**`);
  await box.press('Enter');
  const edited = message(memberPage, 'réunion déplacée à');
  await edited.getByText('(modifié)').waitFor();
  assert.equal(await edited.locator('strong').textContent(), '15 h');
  assert.equal(await edited.locator('.mention').textContent(), `@${MEMBER.name}`);

  await box.fill('Message envoyé par erreur');
  await box.press('Enter');
  const wrong = message(ownerPage, 'Message envoyé par erreur');
  await wrong.waitFor();
  await message(memberPage, 'Message envoyé par erreur').waitFor();
  await wrong.hover();
  await wrong.getByRole('button', { name: 'Supprimer' }).click();
  await ownerPage
    .getByRole('dialog', { name: 'Supprimer ce message ?' })
    .getByRole('button', { name: 'Supprimer' })
    .click();
  await memberPage.locator('.chat-channel').getByText('Ce message a été supprimé.').waitFor();
  assert.equal(await message(memberPage, 'Message envoyé par erreur').count(), 0);
  await shot(memberPage, 'chat-09-edited-deleted');
  assertNoConsoleErrors(owner, 'owner');
  assertNoConsoleErrors(member, 'member');
});

test('search finds a message by a stemmed word, with the match highlighted', async () => {
  const box = composer(ownerPage);
  await box.fill('Les marchés publics de la rive gauche sont attribués.');
  await box.press('Enter');
  await message(ownerPage, 'Les marchés publics').waitFor();

  const search = memberPage.getByRole('searchbox', {
    name: 'Rechercher dans la discussion',
  });
  await search.fill('marché');
  await search.press('Enter');
  await memberPage.waitForURL(/\/chat\/search\?q=march/);
  await memberPage
    .getByRole('heading', { level: 1, name: 'Recherche dans la discussion' })
    .waitFor();
  const result = memberPage.locator('.search-result', { hasText: 'publics' });
  await result.waitFor();
  assert.equal(await result.locator('mark').first().textContent(), 'marchés');
  await result.getByText('Ada Lovelace').waitFor();
  await memberPage.getByText('1 résultat').waitFor();
  await shot(memberPage, 'chat-10-search');

  // Filters: by someone else, nothing.
  await memberPage.getByLabel('Auteur').selectOption({ label: MEMBER.name });
  const submit = memberPage
    .locator('.chat-search__form')
    .getByRole('button', { name: 'Rechercher' });
  await submit.click();
  await memberPage.getByText('Aucun message ne correspond.').waitFor();
  await memberPage.getByLabel('Auteur').selectOption({ label: 'Ada Lovelace' });
  await submit.click();
  await result.waitFor();

  // A result opens its channel at the message.
  await result.locator('.search-result__open').click();
  await memberPage.waitForURL(new RegExp(`/chat/${channelId}\\?m=`));
  await message(memberPage, 'Les marchés publics').waitFor();
  assertNoConsoleErrors(member, 'member');
});

test('search shows the newest 50 matches, then older ones on demand', async () => {
  // The member's own channel and messages: never unread news for anyone the
  // tests after this one look at.
  const releves = await ok(memberPage, 'POST', `/workspaces/${wsId}/channels`, { name: 'relevés' });
  for (let i = 0; i < 53; i++)
    await ok(memberPage, 'POST', `/channels/${releves.id}/messages`, {
      body: `Relevé du pluviomètre numéro ${i}`,
    });
  await memberPage.goto(`${env.url}/w/${wsId}/chat/search?q=pluviom%C3%A8tre`);
  const results = memberPage.locator('.search-result');
  const older = memberPage.getByRole('button', { name: 'Messages plus anciens' });
  await older.waitFor();
  assert.equal(await results.count(), 50);
  assert.match(await results.first().textContent(), /numéro 52/);
  await older.click();
  await memberPage.getByText('53 résultats').waitFor();
  await older.waitFor({ state: 'detached' });
  assert.match(await results.last().textContent(), /numéro 0\b/);
  await results.last().getByText(MEMBER.name).waitFor();
  // Back in the channel, as the tests after this one expect the member.
  await memberPage.goto(`${env.url}/w/${wsId}/chat/${channelId}`);
  await memberPage.getByRole('heading', { level: 1, name: /projet-seine/ }).waitFor();
  assertNoConsoleErrors(member, 'member');
});

test('keyboard: Alt+↑/↓ switch channels, Ctrl+K jumps to a channel', async () => {
  const annonces = await ok(ownerPage, 'POST', `/workspaces/${wsId}/channels`, {
    name: 'annonces',
    member_ids: [memberId],
  });
  ids.annonces = annonces.id;
  await navLink(ownerPage, 'annonces').waitFor();
  await composer(ownerPage).click();
  await ownerPage.keyboard.press('Alt+ArrowUp');
  await ownerPage.waitForURL(new RegExp(`/chat/${annonces.id}$`));
  await ownerPage.getByRole('heading', { level: 1, name: /annonces/ }).waitFor();
  await ownerPage.keyboard.press('Alt+ArrowDown');
  await ownerPage.waitForURL(new RegExp(`/chat/${channelId}$`));
  await ownerPage.keyboard.press('Control+k');
  const jump = ownerPage.getByRole('dialog', { name: 'Aller à un canal' });
  await jump.getByRole('combobox').fill('anno');
  await shot(ownerPage, 'chat-11-switcher');
  await jump.getByRole('combobox').press('Enter');
  await ownerPage.waitForURL(new RegExp(`/chat/${annonces.id}$`));
  await ownerPage.getByRole('heading', { level: 1, name: /annonces/ }).waitFor();
  assertNoConsoleErrors(owner, 'owner');
});

test('unread badges follow live, in the chat sidebar and the workspace list', async () => {
  // The member is elsewhere: a new message counts on the workspace.
  await memberPage.goto(`${env.url}/`);
  await memberPage.getByRole('heading', { name: 'Vos espaces de travail' }).waitFor();
  await ok(ownerPage, 'POST', `/channels/${ids.annonces}/messages`, {
    body: 'La cantine ferme à 14 h.',
  });
  const card = memberPage.locator('.ws-card', { hasText: WS });
  await card.getByLabel('1 élément non lu').waitFor();
  await memberPage.locator('.sidebar').getByLabel('1 élément non lu').waitFor();

  // In the chat, on another channel: the channel's own badge.
  await memberPage.goto(`${env.url}/w/${wsId}/chat/${channelId}`);
  await memberPage.getByRole('heading', { level: 1, name: /projet-seine/ }).waitFor();
  const link = navLink(memberPage, 'annonces');
  await link.getByText('1 message non lu').waitFor();
  await ok(ownerPage, 'POST', `/channels/${ids.annonces}/messages`, {
    body: `<@${memberId}> tu peux relayer ?`,
  });
  await link.getByText('2 messages non lus').waitFor();
  await link.getByText('1 mention').waitFor();
  await shot(memberPage, 'chat-12-unread-badges');
  // Opening it reads it.
  await link.click();
  await message(memberPage, 'tu peux relayer').waitFor();
  await link.locator('.chat-nav__unread').waitFor({ state: 'detached' });
  await memberPage.waitForFunction(
    async ({ id }) => {
      const r = await fetch(`/api/v1/channels/${id}`);
      const c = await r.json();
      return c.unread === 0 && c.mentions === 0;
    },
    { id: ids.annonces },
  );
  assertNoConsoleErrors(member, 'member');
});

test('a muted channel stays quiet: no unread count, no @channel, only mentions of the person', async () => {
  await memberPage.goto(`${env.url}/w/${wsId}/chat/${ids.annonces}`);
  await memberPage.getByRole('heading', { level: 1, name: /annonces/ }).waitFor();
  const mute = memberPage.getByRole('button', { name: 'Mettre le canal en sourdine' });
  await mute.click();
  await memberPage.waitForFunction(
    async ({ id }) => (await (await fetch(`/api/v1/channels/${id}`)).json()).muted === true,
    { id: ids.annonces },
  );
  assert.equal(await mute.getAttribute('aria-pressed'), 'true');

  await memberPage.goto(`${env.url}/w/${wsId}/chat/${channelId}`);
  await memberPage.getByRole('heading', { level: 1, name: /projet-seine/ }).waitFor();
  const link = navLink(memberPage, 'annonces');
  await ok(ownerPage, 'POST', `/channels/${ids.annonces}/messages`, { body: '<!channel> exercice incendie' });
  await ok(ownerPage, 'POST', `/channels/${ids.annonces}/messages`, { body: `<@${memberId}> à toi` });
  await link.getByText('1 mention').waitFor();
  assert.equal(await link.locator('.chat-nav__unread').count(), 0);
  assert.match((await link.getAttribute('class')) ?? '', /chat-nav__link--muted/);
  await memberPage.waitForFunction(
    async ({ ws }) => {
      const t = await (await fetch(`/api/v1/workspaces/${ws}/chat/unread`)).json();
      return t.unread === 0 && t.mentions === 1;
    },
    { ws: wsId },
  );

  // Unmuted again, and read: the next tests start from a quiet channel.
  await link.click();
  await message(memberPage, 'à toi').waitFor();
  await mute.click();
  await memberPage.waitForFunction(
    async ({ id }) => {
      const c = await (await fetch(`/api/v1/channels/${id}`)).json();
      return c.muted === false && c.unread === 0;
    },
    { id: ids.annonces },
  );
  assertNoConsoleErrors(member, 'member');
});

test('mark unread from a message: it stays unread while the person stays, read again once they come back', async () => {
  await ok(ownerPage, 'POST', `/channels/${ids.annonces}/messages`, { body: 'Premier rappel du jour' });
  await ok(ownerPage, 'POST', `/channels/${ids.annonces}/messages`, { body: 'Second rappel du jour' });
  await memberPage.goto(`${env.url}/w/${wsId}/chat/${ids.annonces}`);
  const first = message(memberPage, 'Premier rappel du jour');
  await first.waitFor();
  const unreadOf = async () =>
    memberPage.evaluate(async (id) => (await (await fetch(`/api/v1/channels/${id}`)).json()).unread, ids.annonces);
  await memberPage.waitForFunction(
    async ({ id }) => (await (await fetch(`/api/v1/channels/${id}`)).json()).unread === 0,
    { id: ids.annonces },
  );
  await first.hover();
  await first.getByRole('button', { name: 'Marquer comme non lu à partir d’ici' }).click();
  await navLink(memberPage, 'annonces').getByText('2 messages non lus').waitFor();
  // Still on the channel, at its end, focused: it is not marked read behind the person's back.
  await memberPage.waitForTimeout(1500);
  assert.equal(await unreadOf(), 2);
  // Leaving and coming back reads it.
  await navLink(memberPage, 'projet-seine').click();
  await memberPage.getByRole('heading', { level: 1, name: /projet-seine/ }).waitFor();
  await navLink(memberPage, 'annonces').click();
  await first.waitFor();
  await memberPage.waitForFunction(
    async ({ id }) => (await (await fetch(`/api/v1/channels/${id}`)).json()).unread === 0,
    { id: ids.annonces },
  );
  assertNoConsoleErrors(member, 'member');
});

test('virtualization: long histories keep a bounded DOM and load older pages on scroll-up', async () => {
  const history = await ok(ownerPage, 'POST', `/workspaces/${wsId}/channels`, {
    name: 'historique',
    member_ids: [memberId],
  });
  const small = await ok(ownerPage, 'POST', `/workspaces/${wsId}/channels`, {
    name: 'deux-cents',
    member_ids: [memberId],
  });
  ids.history = history.id;
  const started = Date.now();
  // Two writers in parallel, each under its own write limit.
  await Promise.all([
    seed(ownerPage, history.id, HISTORY / 2, 'Ada'),
    seed(memberPage, history.id, HISTORY / 2, 'Bastien'),
  ]);
  await seed(ownerPage, small.id, SMALL, 'Court');
  metric('chat_seed_ms', Date.now() - started, { messages: HISTORY + SMALL });

  // Time to render a channel of 200 messages, from the click to its newest message.
  await memberPage.goto(`${env.url}/w/${wsId}/chat/${channelId}`);
  await memberPage.getByRole('heading', { level: 1, name: /projet-seine/ }).waitFor();
  const smallLink = navLink(memberPage, 'deux-cents');
  await smallLink.waitFor();
  await memberPage.evaluate(() => {
    window.__t0 = performance.now();
  });
  await smallLink.click();
  const renderMs = await (
    await memberPage.waitForFunction(() => {
      // The newest messages (the seeding sent a few at a time: any order among the last).
      const rows = [...document.querySelectorAll('.chat-channel article.msg')];
      return rows.some((r) => r.textContent.includes('Court n°200 :'))
        ? performance.now() - window.__t0
        : 0;
    })
  ).jsonValue();
  metric('chat_render_200_ms', Math.round(renderMs), { messages: SMALL });

  // 2,000 messages: the DOM holds what is on screen; scrolling up loads the rest.
  await navLink(memberPage, 'historique').click();
  await memberPage.getByRole('heading', { level: 1, name: /historique/ }).waitFor();
  await memberPage.locator('.msg-list[data-loaded="50"]').waitFor();
  await memberPage.locator('.chat-channel article.msg').first().waitFor();
  await shot(memberPage, 'chat-13-history-bottom');
  const list = memberPage.locator('.msg-list');
  const scroller = memberPage.locator('.msg-list__scroller');
  // Older pages take a moment, as on a real network: what is on screen must
  // not move when they arrive.
  await memberPage.route(
    (url) => url.pathname.endsWith('/messages') && url.searchParams.has('before'),
    async (route) => {
      await new Promise((r) => setTimeout(r, 250));
      await route.continue();
    },
  );
  let maxRows = 0;
  let pages = 0;
  const t0 = Date.now();
  for (;;) {
    const loaded = Number(await list.getAttribute('data-loaded'));
    const rows = await memberPage.locator('.chat-channel .msg-row').count();
    maxRows = Math.max(maxRows, rows);
    assert.ok(rows <= MAX_ROWS, `${rows} rows in the DOM with ${loaded} messages loaded`);
    if (loaded >= HISTORY) break;
    await scroller.evaluate((el) => {
      el.scrollTop = 0;
    });
    // The second message fully on screen (the first one may join the group
    // of the older messages above it and lose its header), once the rows
    // at the top are rendered and measured (still for three frames).
    const before = await scroller.evaluate(async (el) => {
      const pick = () => {
        const box = el.getBoundingClientRect();
        const a = [...el.querySelectorAll('article.msg')].filter((x) => {
          const r = x.getBoundingClientRect();
          return r.top >= box.top && r.bottom <= box.bottom;
        })[1];
        return a ? { id: a.dataset.messageId, y: a.getBoundingClientRect().top } : null;
      };
      let last = null;
      let still = 0;
      for (let f = 0; f < 120 && still < 3; f++) {
        await new Promise((r) => requestAnimationFrame(r));
        const p = pick();
        still = p && last && p.id === last.id && p.y === last.y ? still + 1 : 0;
        last = p;
      }
      return last;
    });
    assert.ok(before, 'no message on screen at the top');
    await memberPage.waitForFunction(
      (n) => Number(document.querySelector('.msg-list')?.dataset.loaded) > n,
      loaded,
      { timeout: 15_000 },
    );
    pages += 1;
    // Where it is once the new rows near the viewport are measured too.
    const after = await scroller.evaluate(async (el, id) => {
      const where = () =>
        el.querySelector(`[data-message-id="${id}"]`)?.getBoundingClientRect().top;
      let last;
      let still = 0;
      for (let f = 0; f < 120 && still < 3; f++) {
        await new Promise((r) => requestAnimationFrame(r));
        const y = where();
        still = y !== undefined && y === last ? still + 1 : 0;
        last = y;
      }
      return { y: last ?? null, scrollTop: el.scrollTop };
    }, before.id);
    assert.ok(
      after.y !== null && Math.abs(after.y - before.y) < 4,
      `page ${pages}: message ${before.id} moved from ${before.y} to ${after.y}`,
    );
    assert.ok(after.scrollTop > 0, 'the view stayed at the top');
  }
  await scroller.evaluate((el) => {
    el.scrollTop = 0;
  });
  await memberPage.getByText('Début de #historique').waitFor();
  metric('chat_history_scroll_back_ms', Date.now() - t0, {
    messages: HISTORY,
    pages,
    max_dom_rows: maxRows,
  });
  await shot(memberPage, 'chat-14-history-top');

  // Far past the rendered rows (the scroll bar dragged, a jump): the frame
  // that follows shows messages, never an empty box.
  const blank = await scroller.evaluate(async (el) => {
    const box = el.getBoundingClientRect();
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    const empty = () =>
      ![...el.querySelectorAll('article.msg')].some((a) => {
        const r = a.getBoundingClientRect();
        return r.bottom > box.top && r.top < box.bottom;
      });
    const out = { frames: 0, empty: 0 };
    el.scrollTop = 0;
    await frame();
    while (el.scrollTop + el.clientHeight < el.scrollHeight - 1 && out.frames < 400) {
      el.scrollTop += 4000;
      await frame();
      out.frames += 1;
      if (empty()) out.empty += 1;
    }
    for (const at of [0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 0.05]) {
      el.scrollTop = at * (el.scrollHeight - el.clientHeight);
      await frame();
      out.frames += 1;
      if (empty()) out.empty += 1;
    }
    return out;
  });
  assert.equal(blank.empty, 0, `${blank.empty} of ${blank.frames} frames showed no message`);

  // Esc marks the channel read even when not at the end.
  await ok(ownerPage, 'POST', `/channels/${history.id}/messages`, {
    body: 'Nouveau message en bas.',
  });
  const badge = navLink(memberPage, 'historique').locator('.chat-nav__unread');
  await badge.waitFor();
  await scroller.focus();
  // The badge goes at once (optimistic); the server's answer comes after.
  const marked = memberPage.waitForResponse(
    (r) => r.request().method() === 'POST' && r.url().endsWith(`/channels/${history.id}/read`),
  );
  await memberPage.keyboard.press('Escape');
  await badge.waitFor({ state: 'detached' });
  assert.equal((await marked).status(), 200);
  const c = await ok(memberPage, 'GET', `/channels/${history.id}`);
  assert.equal(c.unread, 0);
  assert.equal(c.last_read_seq, c.last_seq);
  assertNoConsoleErrors(owner, 'owner');
  assertNoConsoleErrors(member, 'member');
});

test('a direct conversation, named by its people, reaches the other side live', async () => {
  await memberPage
    .locator('.chat-nav')
    .getByRole('button', { name: 'Nouveau message direct' })
    .click();
  const dialog = memberPage.getByRole('dialog', { name: 'Nouveau message direct' });
  await dialog.getByLabel('Ada Lovelace').check();
  await dialog.getByRole('button', { name: 'Ouvrir la conversation' }).click();
  await memberPage.getByRole('heading', { level: 1, name: /Ada Lovelace/ }).waitFor();
  const box = composer(memberPage);
  await box.fill('Bonjour Ada, un point rapide ?');
  await box.press('Enter');
  await message(memberPage, 'un point rapide').waitFor();

  const dm = ownerPage.locator('.chat-nav').getByRole('link', { name: /^Bastien Moreau/ });
  await dm.getByText('1 message non lu').waitFor();
  // The other person's presence beside their name (presence.subscribe).
  await dm.getByRole('img', { name: 'En ligne' }).waitFor();
  await dm.click();
  await message(ownerPage, 'un point rapide').waitFor();
  await shot(ownerPage, 'chat-15-direct');
  assertNoConsoleErrors(owner, 'owner');
  assertNoConsoleErrors(member, 'member');
});

test('browse and join a public channel; pins and members panels; archive', async () => {
  const general = await ok(ownerPage, 'POST', `/workspaces/${wsId}/channels`, {
    name: 'général',
    topic: 'Tout le monde',
  });
  await memberPage
    .locator('.chat-nav')
    .getByRole('button', { name: 'Parcourir les canaux' })
    .click();
  const browse = memberPage.getByRole('dialog', { name: 'Parcourir les canaux' });
  await browse.getByLabel('Filtrer les canaux').fill('gén');
  await shot(memberPage, 'chat-16-browse');
  await browse.getByRole('button', { name: 'Rejoindre #général' }).click();
  await memberPage.waitForURL(new RegExp(`/chat/${general.id}$`));
  await memberPage.getByRole('heading', { level: 1, name: /général/ }).waitFor();

  await ownerPage.goto(`${env.url}/w/${wsId}/chat/${general.id}`);
  await ownerPage.getByRole('button', { name: '2 membres' }).click();
  const members = ownerPage.getByRole('complementary', { name: 'Membres' });
  await members.getByText('Ada Lovelace (vous)').waitFor();
  await members.getByText(MEMBER.name).waitFor();
  await members
    .getByRole('listitem')
    .filter({ hasText: MEMBER.name })
    .getByRole('img', { name: 'En ligne' })
    .waitFor();
  await shot(ownerPage, 'chat-17-members');

  const box = composer(ownerPage);
  await box.fill('Le règlement intérieur est en ligne.');
  await box.press('Enter');
  const rule = message(ownerPage, 'Le règlement intérieur');
  await rule.hover();
  await rule.getByRole('button', { name: 'Épingler' }).click();
  await rule.getByText('Épinglé').waitFor();
  await ownerPage.getByRole('button', { name: 'Messages épinglés' }).click();
  const pins = ownerPage.getByRole('complementary', { name: 'Messages épinglés' });
  await pins.getByText('Le règlement intérieur est en ligne.').waitFor();
  await message(memberPage, 'Le règlement intérieur').getByText('Épinglé').waitFor();
  await shot(ownerPage, 'chat-18-pins');

  await ownerPage.getByRole('button', { name: 'Archiver', exact: true }).click();
  await ownerPage
    .getByRole('dialog', { name: 'Archiver #général ?' })
    .getByRole('button', { name: 'Archiver' })
    .click();
  await memberPage.getByText('Ce canal est archivé : il est en lecture seule.').waitFor();
  await composer(memberPage).waitFor({ state: 'detached' });
  assertNoConsoleErrors(owner, 'owner');
  assertNoConsoleErrors(member, 'member');
});

test('axe-core finds no critical or serious violation on the chat screens', async () => {
  const ctx = await newContext(browser, { bypassCSP: true });
  const page = await ctx.newPage();
  await signIn(page, env.admin.email, env.admin.password);
  const report = {};
  await page.goto(`${env.url}/w/${wsId}/chat/${channelId}`);
  await page.getByRole('heading', { level: 1, name: /projet-seine/ }).waitFor();
  await message(page, 'réunion déplacée').waitFor();
  await page.waitForTimeout(200);
  report.channel = await axe(page);
  await message(page, 'réunion déplacée')
    .getByRole('button', { name: /1 réponse/ })
    .click();
  await page
    .getByRole('complementary', { name: 'Fil de discussion' })
    .locator('article.msg')
    .nth(1)
    .waitFor();
  report.thread = await axe(page);
  await shot(page, 'chat-19-thread-owner');
  await page.goto(`${env.url}/w/${wsId}/chat/search?q=march%C3%A9`);
  await page.locator('.search-result').first().waitFor();
  report.search = await axe(page);
  await page.goto(`${env.url}/w/${wsId}/chat/${ids.history}`);
  await page.locator('.chat-channel article.msg').first().waitFor();
  report.history = await axe(page);
  for (const [name, v] of Object.entries(report))
    metric('axe_serious_or_critical', v.length, { screen: `chat-${name}` });
  const bad = Object.entries(report).filter(([, v]) => v.length > 0);
  assert.deepEqual(bad, [], `axe violations:\n${JSON.stringify(bad, null, 2)}`);
  assertNoConsoleErrors(ctx, 'axe');
  await ctx.close();
});

test('on a phone-sized screen the chat stays usable', async () => {
  const ctx = await newContext(browser, {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await ctx.newPage();
  await signIn(page, MEMBER.email, MEMBER.password);
  await page.goto(`${env.url}/w/${wsId}/chat/${channelId}`);
  await page.getByRole('heading', { level: 1, name: /projet-seine/ }).waitFor();
  await message(page, 'Les marchés publics').waitFor();
  const box = composer(page);
  await box.waitFor();
  assert.ok(await box.isVisible());
  const inView = await box.evaluate(
    (el) => el.getBoundingClientRect().bottom <= window.innerHeight,
  );
  assert.ok(inView, 'the composer is below the fold');
  await shot(page, 'chat-20-mobile');
  assertNoConsoleErrors(ctx, 'mobile');
  await ctx.close();
});

test('attachments: dropped files upload with progress; the image previews on both sides; a file downloads', async () => {
  await ownerPage.goto(`${env.url}/w/${wsId}/chat/${channelId}`);
  await memberPage.goto(`${env.url}/w/${wsId}/chat/${channelId}`);
  await composer(ownerPage).waitFor();
  await composer(memberPage).waitFor();
  // A real PNG and a text file, dropped from the desktop.
  const report = 'Compte rendu de chantier, semaine 48.\n'.repeat(30000);
  await dropImageAndText(ownerPage, ownerPage.locator('.chat-channel'), {
    png: 'plan-rive-gauche.png',
    text: { name: 'compte-rendu.txt', body: report },
    over: 'Déposez les fichiers pour les joindre à #projet-seine',
    beforeDrop: (page) => shot(page, 'chat-21-drop'),
  });
  await ownerPage.getByText('Déposez les fichiers').waitFor({ state: 'detached' });

  const pending = ownerPage.getByRole('list', { name: 'Fichiers à envoyer' });
  for (const name of ['plan-rive-gauche.png', 'compte-rendu.txt']) {
    await pending.getByRole('progressbar', { name: `Envoi de ${name}` }).waitFor();
  }
  await pending.getByText('Prêt').nth(1).waitFor();
  const full = await pending
    .getByRole('progressbar', { name: 'Envoi de compte-rendu.txt' })
    .evaluate((p) => p.value === p.max);
  assert.ok(full, 'the progress bar is full once the upload is done');
  await shot(ownerPage, 'chat-22-uploads');
  const box = composer(ownerPage);
  await box.fill('Le plan et le compte rendu de la semaine');
  await box.press('Enter');
  await pending.waitFor({ state: 'detached' });

  // Both sides see the preview (a real <img> load through the cookie
  // session) and the file's download chip.
  for (const page of [ownerPage, memberPage]) {
    const msg = message(page, 'Le plan et le compte rendu');
    const img = msg.getByRole('img', { name: 'plan-rive-gauche.png' });
    await img.waitFor();
    await page.waitForFunction(
      (el) => el.complete && el.naturalWidth === 64 && el.naturalHeight === 48,
      await img.elementHandle(),
    );
    await msg.getByRole('link', { name: 'Ouvrir plan-rive-gauche.png en taille réelle' }).waitFor();
    await msg.getByRole('link', { name: /^Télécharger compte-rendu\.txt/ }).waitFor();
  }
  await shot(memberPage, 'chat-23-attachments');

  const msg = message(memberPage, 'Le plan et le compte rendu');
  const [download] = await Promise.all([
    memberPage.waitForEvent('download'),
    msg.getByRole('link', { name: /^Télécharger compte-rendu\.txt/ }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'compte-rendu.txt');
  assert.equal(await readFile(await download.path(), 'utf8'), report);
  assertNoConsoleErrors(owner, 'owner');
  assertNoConsoleErrors(member, 'member');
});

test('files dropped on a thread go to the reply, not to the channel', async () => {
  const root = message(memberPage, 'Le plan et le compte rendu');
  await root.hover();
  await root.getByRole('button', { name: 'Répondre dans un fil' }).click();
  const pane = memberPage.getByRole('complementary', { name: 'Fil de discussion' });
  await pane.locator('article.msg', { hasText: 'Le plan et le compte rendu' }).waitFor();
  const files = await memberPage.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['Relevé des cotes, pile 3.\n'], 'releve-pile-3.txt', { type: 'text/plain' }));
    return dt;
  });
  const thread = pane.locator('.thread');
  await thread.dispatchEvent('dragenter', { dataTransfer: files });
  await thread.dispatchEvent('dragover', { dataTransfer: files });
  await pane.getByText('Déposez les fichiers pour les joindre à ce fil').waitFor();
  await thread.dispatchEvent('drop', { dataTransfer: files });
  const pending = pane.getByRole('list', { name: 'Fichiers à envoyer' });
  await pending.getByText('Prêt').waitFor();
  assert.equal(
    await memberPage.locator('.chat-channel').getByRole('list', { name: 'Fichiers à envoyer' }).count(),
    0,
    'the channel composer got nothing',
  );
  const reply = pane.getByRole('textbox', { name: /message/i });
  await reply.fill('Les cotes de la pile 3');
  await reply.press('Enter');
  const sent = pane.locator('article.msg', { hasText: 'Les cotes de la pile 3' });
  await sent.getByRole('link', { name: /^Télécharger releve-pile-3\.txt/ }).waitFor();
  await pane.getByRole('button', { name: 'Fermer le panneau' }).click();
  assertNoConsoleErrors(member, 'member');
});

test('a long thread opens on its latest replies; the earlier ones load on demand', async () => {
  const root = await ok(memberPage, 'POST', `/channels/${channelId}/messages`, {
    body: 'Relevés de la semaine, pile par pile',
  });
  const REPLIES = 60; // more than the thread's first page (50)
  const label = (i) => `pile ${String(i).padStart(2, '0')} relevée`;
  for (let i = 1; i <= REPLIES; i++) {
    await ok(ownerPage, 'POST', `/channels/${channelId}/messages`, {
      body: label(i),
      thread_id: root.id,
    });
  }
  // Opened after a reload, as after coming back the next day.
  await memberPage.reload();
  const first = message(memberPage, 'Relevés de la semaine, pile par pile');
  await first.getByRole('button', { name: `${REPLIES} réponses` }).click();
  const pane = memberPage.getByRole('complementary', { name: 'Fil de discussion' });
  const reply = (i) => pane.locator('article.msg', { hasText: label(i) });
  await reply(REPLIES).waitFor();
  await pane.getByText(`${REPLIES} réponses`).waitFor();
  assert.equal(await reply(1).count(), 0, 'the oldest reply waits for its page');
  await pane.getByRole('button', { name: 'Afficher les réponses précédentes' }).click();
  await reply(1).waitFor();
  await pane
    .getByRole('button', { name: 'Afficher les réponses précédentes' })
    .waitFor({ state: 'detached' });
  assert.equal(
    await pane.locator('article.msg').count(),
    REPLIES + 1,
    'each reply once, and the first message',
  );
  await pane.getByRole('button', { name: 'Fermer le panneau' }).click();
  assertNoConsoleErrors(owner, 'owner');
  assertNoConsoleErrors(member, 'member');
});

test('no console errors in either context', () => {
  assertNoConsoleErrors(owner, 'owner');
  assertNoConsoleErrors(member, 'member');
  assert.ok(ownerId && memberId);
});
