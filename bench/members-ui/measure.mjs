// bench/members-ui: the web client in a workspace of MEMBERS people beside
// one of 100, in a real Chromium (run.sh starts the server and builds the
// client). The members are written into the database beside the running
// server (accounts that never sign in: what the client reads of them is
// the same).
//
// Measured in each workspace, in alternating rounds (the large one first in
// even rounds), from a fresh page load each round:
//   - the tour: chat, then every module from the sidebar, the home and the
//     settings — how many times the members were read, and the bytes;
//   - the settings from a click on the sidebar until the members table is
//     drawn;
//   - a keystroke in the members' search: until the frame after the input
//     shows it (what typing feels like), and until the table shows the
//     people it finds;
//   - "@" in the chat composer until the mention menu is drawn;
//   - the tasks' board from the sidebar, a new task's form from its button,
//     and "zo" typed in the form's filter of people until the list narrows.
// Medians over ROUNDS, with performance.now() and requestAnimationFrame in
// the page. Prints a Markdown table.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pageFetch } from "../common/page.mjs";

const need = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set: run bench/members-ui/run.sh`);
  return v;
};
const url = need("BENCH_URL");
const repo = need("BENCH_REPO");
const email = need("BENCH_EMAIL");
const password = need("BENCH_PASSWORD");
const db = need("BENCH_DB");
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 20000);
const SMALL = 100;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const require = createRequire(join(repo, "web", "package.json"));
const { chromium } = require("playwright-core");

/** `count` people into workspace `ws`, straight into the database (the server runs: SQLite's locks order us). */
function seed(ws, count, prefix) {
  const script = `
import sqlite3, sys
ws, count, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
first = ['Éloïse', 'Marc', 'Zoé', 'Léa', 'Anne', 'Hugo', 'Inès', 'Jules', 'Chloé', 'Louis']
last = ['Durand', 'Martin', 'Bernard', 'Petit', 'Robert', 'Richard', 'Moreau', 'Lefèvre']
c = sqlite3.connect(sys.argv[4], timeout=60)
rows = []
for i in range(count):
    uid = '01JB' + prefix + '%021d' % i
    rows.append((uid, f'{prefix.lower()}{i}@ruche.example', f'{first[i % 10]} {last[(i * 7) % 8]} {i}'))
with c:
    c.executemany("INSERT INTO users (id, email, name, password_hash, instance_role, created_at_ms, "
                  "password_changed_at_ms) VALUES (?, ?, ?, 'x', 'member', 0, 0)", rows)
    c.executemany("INSERT INTO memberships (workspace_id, user_id, role, created_at_ms) VALUES (?, ?, 'member', 0)",
                  [(ws, r[0]) for r in rows])
`;
  execFileSync("python3", ["-c", script, ws, String(count), prefix, db], { stdio: "inherit" });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs `act` (a click, a key) and answers the ms from just before it until the frame after `ready()` holds in the page. */
async function timed(page, ready, act) {
  await page.evaluate((ready) => {
    const check = new Function(`return (${ready})()`);
    window.__done = new Promise((resolve) => {
      const start = () => {
        const t0 = performance.now();
        const poll = () => {
          if (check()) requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
          else requestAnimationFrame(poll);
        };
        // The first look once the event was handled: what it changed at once counts.
        setTimeout(poll, 0);
      };
      window.__start = start;
    });
    const once = () => {
      document.removeEventListener("keydown", once, true);
      document.removeEventListener("pointerdown", once, true);
      window.__start();
    };
    document.addEventListener("keydown", once, true);
    document.addEventListener("pointerdown", once, true);
  }, ready.toString());
  await act();
  return page.evaluate(() =>
    Promise.race([
      window.__done,
      new Promise((_, reject) => setTimeout(() => reject(new Error("not ready in 60 s")), 60_000)),
    ]),
  );
}

const MODULES = ["Tâches", "Fichiers", "Agenda", "Appels", "Rapports", "Discussion"];

async function round(page, w) {
  const out = {};
  let reads = 0;
  let bytes = 0;
  let wire = 0;
  const seen = async (res) => {
    if (new URL(res.url()).pathname !== `/api/v1/workspaces/${w.id}/members`) return;
    reads++;
    bytes += (await res.body()).length;
    wire += (await res.request().sizes()).responseBodySize;
  };
  page.on("response", seen);
  await page.goto(`${url}/w/${w.id}/chat/${w.channel}`);
  const box = page.locator(".chat-channel").getByRole("textbox", { name: /message/i });
  await box.waitFor();
  await page.waitForTimeout(300);
  // "@" in the composer until the menu of people is drawn.
  await box.click();
  out.mention = await timed(
    page,
    () => document.querySelector(".mention-menu [role=option]") !== null,
    () => page.keyboard.type("@"),
  );
  await page.keyboard.press("Escape");
  await box.fill("");
  const sidebar = page.locator(".sidebar");
  for (const m of MODULES) {
    await sidebar.getByRole("link", { name: new RegExp(`^${m}`) }).first().click();
    await page.waitForTimeout(400);
  }
  await sidebar.getByRole("link", { name: w.name }).first().click();
  await page.locator(".member-list__item").first().waitFor();
  out.settings = await timed(
    page,
    () => document.querySelector(".members-table tr[data-member]") !== null,
    () => sidebar.getByRole("link", { name: "Paramètres" }).click(),
  );
  const search = page.getByLabel("Trouver un membre (nom ou adresse)");
  await search.click();
  out.keystroke = await timed(
    page,
    () => document.querySelector("#members input[type=search]")?.value === "d",
    () => page.keyboard.type("d"),
  );
  await search.fill("");
  await page.waitForTimeout(300);
  // "d" is in no address: the table narrows to the Durand, Bernard and Richard.
  out.found = await timed(
    page,
    () =>
      [...document.querySelectorAll(".members-table tr[data-member] .members-table__name")].every(
        (n) => n.textContent.toLowerCase().includes("d"),
      ),
    () => page.keyboard.type("d"),
  );

  // The tasks: the board (its filters name every person), then a new
  // task's form (whom to assign it to) and a keystroke in its people filter.
  await search.fill("");
  out.board = await timed(
    page,
    () => document.querySelector(".tasks-filters") !== null,
    () => sidebar.getByRole("link", { name: /^Tâches/ }).first().click(),
  );
  await page.waitForTimeout(300);
  out.form = await timed(
    page,
    () => document.querySelector(".tasks-checklist__item") !== null,
    () => page.getByRole("button", { name: "Nouvelle tâche", exact: true }).first().click(),
  );
  await page.getByPlaceholder("Filtrer les personnes").click();
  out.people = await timed(
    page,
    () =>
      [...document.querySelectorAll(".tasks-checklist")]
        .find((f) => f.querySelector("legend")?.textContent === "Responsables")
        ?.querySelectorAll(".tasks-checklist__item")
        .values()
        .every((n) => n.textContent.toLowerCase().includes("zo")),
    () => page.keyboard.type("zo"),
  );
  await page.keyboard.press("Escape");
  page.off("response", seen);
  await page.waitForTimeout(200);
  out.reads = reads;
  out.bytes = bytes;
  out.wire = wire;
  return out;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: "fr-FR" });
  ctx.setDefaultTimeout(120_000);
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${url}/login`);
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Mot de passe").fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));

  const modules = ["chat", "tasks", "files", "calendar", "calls", "reports"];
  const spaces = [];
  for (const [name, count, prefix] of [["Grand espace", MEMBERS, "L"], ["Petit espace", SMALL, "S"]]) {
    const id = (await pageFetch(page, "POST", "/workspaces", { name, modules })).id;
    const channel = (await pageFetch(page, "POST", `/workspaces/${id}/channels`, { name: "général" })).id;
    // A board with a task shows its filters.
    await pageFetch(page, "POST", `/workspaces/${id}/tasks`, { title: "Préparer la réunion" });
    seed(id, count, prefix);
    spaces.push({ id, name, channel, count: count + 1, rounds: [] });
  }
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? spaces : [...spaces].reverse();
    for (const w of order) w.rounds.push(await round(page, w));
  }
  if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);

  const [large, small] = spaces;
  const m = (w, k) => median(w.rounds.map((x) => x[k]));
  const row = (label, k, unit, digits = 0) => {
    const a = m(large, k);
    const b = m(small, k);
    const ratio = b ? (a / b).toFixed(1) : "—";
    return `| ${label} | ${a.toFixed(digits)} ${unit} | ${b.toFixed(digits)} ${unit} | ${ratio} |`;
  };
  console.log(`| median of ${ROUNDS} rounds | ${large.count.toLocaleString("en")} members | ${small.count} members | ratio |`);
  console.log("|---|---|---|---|");
  console.log(row("members read, the whole tour (7 screens)", "reads", "×"));
  console.log(row("bytes of members read, the whole tour", "bytes", "B"));
  console.log(row("the same bytes on the wire (gzip)", "wire", "B"));
  console.log(row("\"@\" in the composer → the menu drawn", "mention", "ms", 1));
  console.log(row("sidebar → the settings' members table drawn", "settings", "ms", 1));
  console.log(row("a keystroke in the search → the next frame", "keystroke", "ms", 1));
  console.log(row("a keystroke in the search → the table narrowed", "found", "ms", 1));
  console.log(row("sidebar → the tasks' board and filters drawn", "board", "ms", 1));
  console.log(row("\"Nouvelle tâche\" → the form and its people drawn", "form", "ms", 1));
  console.log(row("\"zo\" in the form's people filter → the list narrowed", "people", "ms", 1));

  // One read of the members as a program makes it (a Bearer token), with
  // and without gzip: the time to the last byte on loopback, and the bytes.
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const { token } = await login.json();
  const read = async (w, encoding) => {
    const t0 = performance.now();
    const res = await fetch(`${url}/api/v1/workspaces/${w.id}/members`, {
      headers: { Authorization: `Bearer ${token}`, "Accept-Encoding": encoding },
    });
    if (!res.ok) throw new Error(`members read: ${res.status}`);
    await res.arrayBuffer();
    const got = res.headers.get("content-encoding") ?? "identity";
    return { ms: performance.now() - t0, bytes: Number(res.headers.get("content-length")), got };
  };
  const reads = {};
  for (const encoding of ["identity", "gzip"]) {
    const times = [];
    let bytes = 0;
    let got = "";
    for (let r = 0; r < 2 * ROUNDS; r++) ({ ms: times[r], bytes, got } = await read(large, encoding));
    reads[encoding] = { ms: median(times), bytes, got };
  }
  console.log();
  console.log(`| one read of the ${large.count.toLocaleString("en")} members (Bearer, loopback; median of ${2 * ROUNDS}) | identity | gzip | ratio |`);
  console.log("|---|---|---|---|");
  const cmp = (label, k, unit, digits) =>
    console.log(`| ${label} | ${reads.identity[k].toFixed(digits)} ${unit} | ${reads.gzip[k].toFixed(digits)} ${unit} | ${(reads.identity[k] / reads.gzip[k]).toFixed(1)} |`);
  // A server that does not compress answers "identity" to both.
  cmp(`bytes sent (as ${reads.identity.got}, as ${reads.gzip.got})`, "bytes", "B", 0);
  cmp("request → last byte", "ms", "ms", 1);
} finally {
  await browser.close();
}
