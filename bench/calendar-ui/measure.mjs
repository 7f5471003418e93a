// bench/calendar-ui: a month of an armoured workspace's calendar beside the
// same events in a plain workspace, in a real Chromium (run.sh starts the
// server, builds the client and page-tools.js, and runs this).
//
// Setup, as a person does it: sign in, create both workspaces, choose the
// armour passphrase in the armoured one's gate (the client makes the first
// key generation). Then the same EVENTS events in both: POSTed as they are
// to the plain one; sealed in the page to the armoured one (page-tools.js:
// the client's own crypto.ts, a card per event under a new token).
//
// Measured, in alternating rounds (armoured first in even rounds, plain
// first in odd ones), with performance.now() and requestAnimationFrame in
// the page:
//   - cold: a fresh page load of the workspace's Files (armoured: the
//     passphrase typed in the unlock gate, which every load asks for; the
//     signatures this browser checked before known by their tags, as for a
//     person coming back — and once more with them forgotten, as in a
//     browser that never opened these cards),
//     then from the click on the sidebar's calendar link to the frame where
//     the month grid's days count every occurrence of the month (each day's
//     button says how many it has; the grid draws 3 chips and "+N"); and
//     of it, from the calendar's first data request (Resource Timing);
//   - warm: in the same page, "next month" until the next month is drawn
//     whole, then "previous month" until this one is again;
//   - the main thread's busy time over each (Chrome's TaskDuration), and
//     the JS heap after a garbage collection.
// Beside them, the armoured path's parts with the client's own functions,
// outside React: reading every card, opening each (and again as a first
// visit does, the signatures checked first in the client's workers),
// expanding the grid's six weeks; and the plain occurrences route for the
// same weeks. Then one
// more cold open of each under Chrome's sampling profiler: self time by
// chunk, and the requests made, from the click.
// Prints Markdown tables.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { join } from "node:path";
import { pageFetch } from "../common/page.mjs";

const need = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set: run bench/calendar-ui/run.sh`);
  return v;
};
const url = need("BENCH_URL");
const repo = need("BENCH_REPO");
const email = need("BENCH_EMAIL");
const password = need("BENCH_PASSWORD");
const toolsJs = readFileSync(need("BENCH_TOOLS"), "utf8");
const EVENTS = Number(process.env.BENCH_EVENTS ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PASSPHRASE = "la phrase de passe du banc d’essai";
const ZONE = "Europe/Paris";

// The client's signature worker as built (armour/verifier.worker.ts).
const workerAsset = readdirSync(join(repo, "web", "dist", "assets")).find((f) =>
  /^verifier\.worker-.*\.js$/.test(f),
);
if (!workerAsset) throw new Error("no verifier.worker-*.js in web/dist/assets");

/** Lets the processes under `root` (Chromium's) run on every core: run.sh pins them to core 1. */
function unpin(root) {
  const children = new Map();
  for (const line of execFileSync("ps", ["-e", "-o", "pid=,ppid="], { encoding: "utf8" }).split("\n")) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (!pid) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const all = `0-${cpus().length - 1}`;
  for (const todo = [...(children.get(root) ?? [])]; todo.length; ) {
    const pid = todo.pop();
    todo.push(...(children.get(pid) ?? []));
    execFileSync("taskset", ["-a", "-p", "-c", all, String(pid)], { stdio: "ignore" });
  }
}

const require = createRequire(join(repo, "web", "package.json"));
const { chromium } = require("playwright-core");

const p50 = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
const ms = (x) =>
  Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : "–";
const ratio = (a, b) =>
  Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : "–";
const range = (xs) => `${ms(Math.min(...xs))}–${ms(Math.max(...xs))}`;

// ---- the events (the same in both workspaces) ------------------------------

/** A seeded PRNG (mulberry32): the same events every run. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const parisParts = new Intl.DateTimeFormat("en-GB", {
  timeZone: ZONE,
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
});
/** Europe/Paris's offset from UTC at instant `t` (ms). */
function parisOffset(t) {
  const p = Object.fromEntries(
    parisParts.formatToParts(new Date(t)).map((x) => [x.type, x.value]),
  );
  return (
    Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) -
    Math.floor(t / 60000) * 60000
  );
}
/** The instant of a wall-clock time in Paris (day `d` counted from 1 January 1970 as UTC days). */
function parisInstant(dayMs, minutes) {
  const wall = dayMs + minutes * 60000;
  let t = wall - parisOffset(wall);
  t = wall - parisOffset(t);
  return t;
}
const DAY = 86_400_000;
const isoDate = (t) => new Date(t).toISOString().slice(0, 10);

/** This month in Paris, as the client's month view opens it: its first day (UTC ms of the date). */
function thisMonth() {
  const p = Object.fromEntries(
    parisParts.formatToParts(new Date()).map((x) => [x.type, x.value]),
  );
  return { y: +p.year, m: +p.month - 1 };
}
const month0 = thisMonth();
const monthStart = (k) => Date.UTC(month0.y, month0.m + k, 1);
const monthKey = (k) => isoDate(monthStart(k));

const WORDS = [
  "Point",
  "équipe",
  "revue",
  "budget",
  "projet",
  "client",
  "comité",
  "sprint",
  "démo",
  "atelier",
  "formation",
  "réseau",
  "sécurité",
  "livraison",
  "planning",
  "support",
  "qualité",
  "achats",
];
const PLACES = [
  "Salle Tilleul",
  "Salle Érable",
  "Visio",
  "Bureau 204",
  "Cafétéria",
  "Amphi B",
];

function makeEvents(n) {
  const r = rng(2026);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const int = (a, b) => a + Math.floor(r() * (b - a + 1));
  const phrase = (k) => Array.from({ length: k }, () => pick(WORDS)).join(" ");
  // Days spread around this month: weekly series over a year either side,
  // daily runs and single events over three months either side.
  const dayIn = (months) => {
    const from = monthStart(-months);
    const to = monthStart(months + 1);
    return from + Math.floor(r() * ((to - from) / DAY)) * DAY;
  };
  const long = Math.max(5, Math.round(n / 100));
  const out = [];
  for (let i = 0; i < n; i++) {
    const x = r();
    const kind = x < 0.7 ? "weekly" : x < 0.8 ? "daily" : "single";
    const day = dayIn(kind === "weekly" ? 12 : 3);
    const e = {
      title: `${phrase(int(1, 3))} ${i + 1}`,
      description:
        i < long
          ? `${phrase(12)}.\n`.repeat(int(20, 80))
          : r() < 0.5
            ? phrase(int(5, 15))
            : "",
      location: r() < 0.4 ? pick(PLACES) : "",
    };
    if (kind === "single" && r() < 0.15) {
      Object.assign(e, {
        all_day: true,
        start: isoDate(day),
        end: isoDate(day + int(1, 2) * DAY),
      });
    } else {
      const at = int(16, 36) * 30; // 8:00 to 18:00
      const t = parisInstant(day, at);
      Object.assign(e, {
        all_day: false,
        timezone: ZONE,
        start: new Date(t).toISOString(),
        end: new Date(t + pick([30, 60, 60, 90, 120]) * 60000).toISOString(),
      });
      if (kind === "weekly")
        e.rrule = r() < 0.2 ? "FREQ=WEEKLY;INTERVAL=2" : "FREQ=WEEKLY";
      if (kind === "daily") e.rrule = `FREQ=DAILY;COUNT=${int(3, 20)}`;
    }
    out.push(e);
  }
  return out;
}

// ---- the page --------------------------------------------------------------

/** The page's helpers: the timing of a click until a month is drawn whole (`tools`: page-tools.js too). */
async function install(page, tools = false) {
  if (tools) await page.evaluate(toolsJs);
  await page.evaluate(() => {
    /** Occurrences the month grid counts, if it shows month `first` (YYYY-MM-01); -1 otherwise. */
    window.__gridTotal = (first) => {
      if (
        !document.querySelector(
          `.cal-month .cal-day[data-day="${first}"]:not(.cal-day--outside)`,
        )
      )
        return -1;
      let total = 0;
      for (const b of document.querySelectorAll(
        ".cal-month [data-focus-day]",
      )) {
        const m = /(\d+) événement/.exec(b.getAttribute("aria-label") ?? "");
        if (m) total += Number(m[1]);
      }
      return total;
    };
    /**
     * Clicks `el`, then resolves with the milliseconds from the click to
     * the first animation frame where month `first` shows `expected`
     * occurrences (the DOM complete, painted at the end of that frame).
     */
    window.__timeClick = (el, first, expected) =>
      new Promise((resolve, reject) => {
        performance.clearResourceTimings();
        const t0 = performance.now();
        window.__t0 = t0;
        const give_up = t0 + 60_000;
        // performance.now(), not the frame's timestamp: that is when the
        // frame began, which may be long before a busy main thread ran it.
        const tick = () => {
          const t = performance.now();
          if (window.__gridTotal(first) === expected) {
            window.__drawnAt = t;
            resolve(t - t0);
          } else if (t > give_up)
            reject(
              new Error(
                `month ${first}: ${window.__gridTotal(first)} of ${expected}`,
              ),
            );
          else requestAnimationFrame(tick);
        };
        el.click();
        requestAnimationFrame(tick);
      });
  });
}

/** Waits until month `first` is drawn and its count holds for a second; the count. */
async function settledTotal(page, first) {
  let last = -2;
  let since = Date.now();
  for (const end = Date.now() + 60_000; Date.now() < end;) {
    const n = await page.evaluate((f) => window.__gridTotal(f), first);
    if (n !== last) {
      last = n;
      since = Date.now();
    } else if (n >= 0 && Date.now() - since >= 1000) return n;
    await page.waitForTimeout(100);
  }
  throw new Error(`month ${first} did not settle`);
}

/** The main thread's busy milliseconds so far, and the JS heap (Chrome's own counters). */
async function cpu(cdp) {
  const { metrics } = await cdp.send("Performance.getMetrics");
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  return { task: m.TaskDuration * 1000, heap: m.JSHeapUsedSize };
}

/** A CPU profile's self time (ms) by where the code comes from. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = {};
  for (let i = 0; i < profile.samples.length; i++) {
    const f = byId.get(profile.samples[i]).callFrame;
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    let k;
    if (f.url.startsWith("wasm://")) k = "libsodium (WebAssembly)";
    else if (f.url)
      k = `${f.url
        .split("/")
        .pop()
        .replace(/-[A-Za-z0-9_-]{8}\.js$/, ".js")}`;
    else if (f.functionName === "(idle)") k = "(idle: waiting)";
    else if (f.functionName === "(program)")
      k = "(the browser: style, layout, paint, parsing…)";
    else if (f.functionName === "(garbage collector)")
      k = "(garbage collector)";
    else if (/^(window\.__|InjectedScript|tick$)/.test(f.functionName))
      k = "(the bench’s own probe)";
    else k = "(Web APIs called by the code: DOM, fetch, history, TextEncoder…)";
    out[k] = (out[k] ?? 0) + dt;
  }
  return out;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
try {
  const ctx = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    locale: "fr-FR",
    timezoneId: ZONE,
  });
  ctx.setDefaultTimeout(60_000);
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    // GET /me/armour answers 404 before the passphrase is chosen (by design).
    if (m.type() === "error" && !/status of 404/.test(m.text()))
      errors.push(m.text());
  });
  const cdp = await ctx.newCDPSession(page);
  await cdp.send("Performance.enable");

  await page.goto(`${url}/login`);
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Mot de passe").fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
  await page.locator(".topbar").waitFor();

  const modules = ["calendar", "files"];
  const plain = (
    await pageFetch(page, "POST", "/workspaces", {
      name: "Agenda en clair",
      modules,
    })
  ).id;
  const armoured = (
    await pageFetch(page, "POST", "/workspaces", {
      name: "Agenda blindé",
      modules,
      armoured: true,
    })
  ).id;

  // The armour passphrase, chosen in the gate; the client makes generation 1.
  await page.goto(`${url}/w/${armoured}/calendar`);
  await page
    .getByLabel("Phrase de passe de blindage", { exact: true })
    .fill(PASSPHRASE);
  await page.getByLabel("Confirmez la phrase de passe").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Créer mes clés" }).click();
  await page.getByText("Agenda chiffré de bout en bout").waitFor();
  for (const end = Date.now() + 30_000; ;) {
    const s = await pageFetch(page, "GET", `/workspaces/${armoured}/armour`);
    if (s.generation >= 1 && s.envelopes.length) break;
    if (Date.now() > end) throw new Error("no key generation");
    await page.waitForTimeout(200);
  }

  // The same events in both, from a page away from the calendar (an open
  // calendar takes in every event created, live).
  const events = makeEvents(EVENTS);
  await page.goto(`${url}/w/${plain}/files`);
  await page.locator(".topbar").waitFor();
  await install(page, true);
  await page.evaluate(
    ([ws, p]) => window.__calendarBench.unlock(ws, p),
    [armoured, PASSPHRASE],
  );
  const plainSeedMs = await page.evaluate(
    ([ws, evs]) => window.__calendarBench.createPlain(ws, evs),
    [plain, events],
  );
  const sealed = await page.evaluate(
    (evs) => window.__calendarBench.createSealed(evs),
    events,
  );
  const counts = events.reduce((c, e) => {
    const k = e.rrule
      ? e.rrule.split(/[;=]/)[1].toLowerCase()
      : e.all_day
        ? "all-day"
        : "single";
    c[k] = (c[k] ?? 0) + 1;
    return c;
  }, {});
  const longs = events.filter((e) => e.description.length > 1000).length;

  const ws = { plain, armoured };
  const M0 = monthKey(0);
  const M1 = monthKey(1);
  const link = (w) =>
    page.locator(`a.ws-item__module[href="/w/${w}/calendar"]`);

  /**
   * A fresh page load of the workspace's Files (armoured: unlocked; with
   * `forget`, the tags of the signatures checked before dropped first), settled.
   */
  async function openFiles(which, forget = false) {
    const w = ws[which];
    await page.goto(`${url}/w/${w}/files`);
    if (forget)
      await page.evaluate(() => {
        for (const k of Object.keys(localStorage))
          if (k.startsWith("ruche.armour.verified.")) localStorage.removeItem(k);
      });
    if (which === "armoured") {
      await page
        .getByRole("heading", { name: "Déverrouillez vos clés" })
        .waitFor();
      await page.getByLabel("Phrase de passe de blindage").fill(PASSPHRASE);
      await page.getByRole("button", { name: "Déverrouiller" }).click();
      await page
        .getByText("Fichiers chiffrés de bout en bout")
        .first()
        .waitFor();
    }
    await link(w).waitFor();
    await page.waitForTimeout(1500); // the keys' sync, the live connection: quiet before timing
    await install(page);
  }

  // Warm-up, one of each: the counts of both months, which must agree, and
  // the range the client asks the plain server for (the grid's six weeks).
  const expected = {};
  let gridRange = null;
  const onRequest = (r) => {
    const m = /\/calendar\/events\?from=([^&]+)&to=([^&]+)/.exec(r.url());
    if (m && !gridRange)
      gridRange = {
        from: decodeURIComponent(m[1]),
        to: decodeURIComponent(m[2]),
      };
  };
  page.on("request", onRequest);
  for (const which of ["plain", "armoured"]) {
    await openFiles(which);
    await link(ws[which]).click();
    const a = await settledTotal(page, M0);
    await page.getByRole("button", { name: "Mois suivant" }).click();
    const b = await settledTotal(page, M1);
    expected[which] = [a, b];
  }
  page.off("request", onRequest);
  if (expected.plain.join() !== expected.armoured.join()) {
    throw new Error(
      `the two calendars differ: plain ${expected.plain.join("/")}, armoured ${expected.armoured.join("/")}`,
    );
  }
  const [N0, N1] = expected.plain;

  const cold = { plain: [], armoured: [] };
  const coldFirst = { plain: cold.plain, armoured: [] };
  const coldTask = { plain: [], armoured: [] };
  const coldFirstTask = { plain: coldTask.plain, armoured: [] };
  const coldData = { plain: [], armoured: [] };
  const heap = { plain: [], armoured: [] };
  const next = { plain: [], armoured: [] };
  const back = { plain: [], armoured: [] };
  const warmTask = { plain: [], armoured: [] };
  const timed = async (which, locator, first, n) => {
    const c0 = await cpu(cdp);
    const t = await locator.evaluate(
      (el, [f, k]) => window.__timeClick(el, f, k),
      [first, n],
    );
    const c1 = await cpu(cdp);
    // From the calendar's first request (its occurrences, or its cards) to the month drawn.
    const data = await page.evaluate(() => {
      const asked = performance
        .getEntriesByType("resource")
        .filter((e) => /\/calendar\/(events\?|sealed)/.test(e.name))
        .map((e) => e.startTime);
      return asked.length ? window.__drawnAt - Math.min(...asked) : NaN;
    });
    return { t, task: c1.task - c0.task, data };
  };
  for (let round = 0; round < ROUNDS; round++) {
    const order =
      round % 2 === 0 ? ["armoured", "plain"] : ["plain", "armoured"];
    for (const which of order) {
      await openFiles(which);
      const c = await timed(which, link(ws[which]), M0, N0);
      cold[which].push(c.t);
      coldData[which].push(c.data);
      coldTask[which].push(c.task);
      await page.waitForTimeout(500);
      const n = await timed(
        which,
        page.getByRole("button", { name: "Mois suivant" }),
        M1,
        N1,
      );
      await page.waitForTimeout(300);
      const b = await timed(
        which,
        page.getByRole("button", { name: "Mois précédent" }),
        M0,
        N0,
      );
      await cdp.send("HeapProfiler.collectGarbage");
      heap[which].push((await cpu(cdp)).heap / 1048576);
      next[which].push(n.t);
      back[which].push(b.t);
      warmTask[which].push(n.task + b.task);
      if (which === "armoured") {
        await openFiles(which, true);
        const f = await timed(which, link(ws[which]), M0, N0);
        coldFirst.armoured.push(f.t);
        coldFirstTask.armoured.push(f.task);
      }
    }
  }

  // Where the main thread's time goes in one more cold open of each,
  // sampled by Chrome's profiler (100 µs): self time by the client's
  // chunk (or libsodium's WebAssembly, the collector, the browser's own work).
  const profiles = {};
  const profiledMs = {};
  const requests = {};
  for (const which of ["plain", "armoured"]) {
    await openFiles(which);
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
    await cdp.send("Profiler.start");
    profiledMs[which] = await link(ws[which]).evaluate(
      (el, [f, k]) => window.__timeClick(el, f, k),
      [M0, N0],
    );
    requests[which] = await page.evaluate(() =>
      performance
        .getEntriesByType("resource")
        .filter(
          (e) => e.startTime >= window.__t0 && e.name.includes("/api/v1/"),
        )
        .map((e) => {
          const path = new URL(e.name).pathname
            .replace(/^\/api\/v1/, "")
            .replace(/[0-9A-Za-z]{26}/g, "{id}");
          return `${path} ${Math.round(e.startTime - window.__t0)}–${Math.round(e.responseEnd - window.__t0)} ms`;
        }),
    );
    const { profile } = await cdp.send("Profiler.stop");
    await cdp.send("Profiler.disable");
    profiles[which] = selfTimes(profile);
  }

  // The armoured path's parts, with the client's own functions (no React).
  // Chromium may use both cores from here (the server idle but for the
  // cards' reading): the signatures' workers are measured as a person's
  // browser runs them, on cores of their own.
  unpin(process.pid);
  await openFiles("armoured");
  await install(page, true);
  await page.evaluate(
    ([w, p]) => window.__calendarBench.unlock(w, p),
    [armoured, PASSPHRASE],
  );
  const parts = [];
  const plainRoute = [];
  for (let round = 0; round < ROUNDS; round++) {
    parts.push(
      await page.evaluate(
        ([f, t, w]) => window.__calendarBench.armouredParts(f, t, w, 2),
        [gridRange.from, gridRange.to, `${url}/assets/${workerAsset}`],
      ),
    );
    plainRoute.push(
      await page.evaluate(
        ([w, f, t]) => window.__calendarBench.plainOccurrences(w, f, t),
        [plain, gridRange.from, gridRange.to],
      ),
    );
  }
  const part = (k) => `${ms(p50(parts.map((x) => x[k])))} | ${ms(parts[0][k])}`;

  const version = browser.version();
  console.log(
    `${EVENTS} events in each workspace (${counts.weekly ?? 0} weekly without end, ${counts.daily ?? 0} daily with COUNT,` +
      ` ${counts.single ?? 0} single, ${counts["all-day"] ?? 0} all-day; ${longs} with a long description),` +
      ` seeded in ${(plainSeedMs / 1000).toFixed(1)} s plain, ${(sealed.totalMs / 1000).toFixed(1)} s armoured` +
      ` (sealing ${ms(sealed.sealMs)} ms of it, in the page). Month shown: ${M0.slice(0, 7)}, its grid's six weeks` +
      ` holding ${N0} occurrences (next month: ${N1}). Chromium ${version}; ${ROUNDS} rounds, each side alternately first.`,
  );
  console.log();
  console.log(
    `| measure (p50 of ${ROUNDS}; range) | plain | armoured | armoured ÷ plain |`,
  );
  console.log("| --- | ---: | ---: | ---: |");
  const row = (label, x) =>
    console.log(
      `| ${label} | ${ms(p50(x.plain))} (${range(x.plain)}) | ${ms(p50(x.armoured))} (${range(x.armoured)}) | ${ratio(p50(x.armoured), p50(x.plain))} |`,
    );
  row("cold: click on the calendar link → the month drawn whole, ms", cold);
  row(
    "cold, in a browser that never checked these cards' signatures: the same, ms",
    coldFirst,
  );
  row(
    "cold, never checked: the main thread busy meanwhile, ms",
    coldFirstTask,
  );
  row(
    "cold: of which from the calendar's first request (occurrences; cards) to drawn, ms",
    coldData,
  );
  row(
    "cold: the main thread busy meanwhile (Chrome's TaskDuration), ms",
    coldTask,
  );
  row("warm: next month drawn whole, ms", next);
  row("warm: back to this month, ms", back);
  row("warm: the main thread busy over the two, ms", warmTask);
  row("JS heap after a garbage collection, the month shown, MiB", heap);
  console.log();
  console.log(
    `| the armoured path's parts, the client's own functions outside React, ms | p50 of ${ROUNDS} | first, after a fresh load |`,
  );
  console.log("| --- | ---: | ---: |");
  const kb = (x) => `${Math.round(x / 1024)} KiB`;
  console.log(
    `| read the ${parts[0].cards} cards (GET …/calendar/sealed, pages of 1,000: ${kb(parts[0].bytes)}) | ${part("readMs")} |`,
  );
  console.log(
    `| open them (Ed25519 check, XChaCha20-Poly1305, JSON checks; ${ms((p50(parts.map((x) => x.openMs)) * 1000) / parts[0].cards)} µs a card at p50) | ${part("openMs")} |`,
  );
  const ahead = (k, f) =>
    `${ms(p50(parts.map((x) => x[k][f])))} | ${ms(parts[0][k][f])}`;
  console.log(
    `| open them as a first visit does: their signatures checked first in ${parts[0].workers} workers (Chromium on both cores from here), started for it, in parts of 256, each part's cards opened as it comes back | ${ahead("aheadCold", "ms")} |`,
  );
  console.log(
    `| … of which on the page's thread (gathering, then opening each part with its tags known) | ${ahead("aheadCold", "pageMs")} |`,
  );
  console.log(
    `| the same, the workers already started | ${ahead("aheadWarm", "ms")} |`,
  );
  console.log(
    `| … of which on the page's thread | ${ahead("aheadWarm", "pageMs")} |`,
  );
  console.log(
    `| the same, all sent at once and every card opened after the last answer (before 2026-12-05's parts) | ${ahead("aheadWhole", "ms")} |`,
  );
  console.log(
    `| … of which on the page's thread | ${ahead("aheadWhole", "pageMs")} |`,
  );
  console.log(
    `| the same with no worker (one core's path): the page's thread checking each part with its WebCrypto, then opening it | ${ahead("aheadPage", "ms")} |`,
  );
  console.log(
    `| expand them over the grid's six weeks (${parts[0].occurrences} occurrences) | ${part("expandMs")} |`,
  );
  console.log(
    `| plain: GET …/calendar/events for the same weeks (${plainRoute[0].occurrences} occurrences expanded by the server: ${kb(plainRoute[0].bytes)}) | ${ms(p50(plainRoute.map((x) => x.ms)))} | ${ms(plainRoute[0].ms)} |`,
  );
  console.log();
  console.log(
    `| one more cold open, profiled (click to drawn: ${ms(profiledMs.plain)} and ${ms(profiledMs.armoured)} ms): self time by origin, ms | plain | armoured |`,
  );
  console.log("| --- | ---: | ---: |");
  const origins = [
    ...new Set([
      ...Object.keys(profiles.plain),
      ...Object.keys(profiles.armoured),
    ]),
  ].sort(
    (a, b) =>
      (profiles.armoured[b] ?? 0) +
      (profiles.plain[b] ?? 0) -
      (profiles.armoured[a] ?? 0) -
      (profiles.plain[a] ?? 0),
  );
  for (const o of origins) {
    const [a, b] = [profiles.plain[o] ?? 0, profiles.armoured[o] ?? 0];
    if (a >= 2 || b >= 2) console.log(`| ${o} | ${ms(a)} | ${ms(b)} |`);
  }
  console.log(
    `\nWhat that open asked the server, from the click: plain ${requests.plain.join(", ")};` +
      ` armoured ${requests.armoured.join(", ")}.`,
  );
  if (parts.some((x) => x.unverified))
    console.log("\n(some cards opened unverified)");
  if (N0 >= 2000 || N1 >= 2000)
    console.log(
      "\nBoth sides cap a range at 2,000 occurrences (the earliest): the month shown holds that many.",
    );
  if (errors.length) {
    console.log(`\n${errors.length} page errors, the first: ${errors[0]}`);
  }
} finally {
  await browser.close();
}
