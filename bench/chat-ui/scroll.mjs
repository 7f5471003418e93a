// bench/chat-ui: the web client's message list in a real Chromium, on a
// channel of N messages (run.sh seeds it and starts the server).
//
// Measures, with requestAnimationFrame timestamps taken in the page:
//   - the idle page's own frame cadence (the browser's floor on this machine);
//   - opening the channel (click to newest message on screen);
//   - scrolling back through the whole history, page after page of older
//     messages, until the first message: time per page, frames, DOM rows;
//   - with everything loaded, flicks down from the first message (scrollTop
//     moved 400 px every frame, then 4,000): frames, frames where the
//     viewport showed no message, DOM rows;
//   - 40 reactions arriving live on the messages on screen: frames;
//   - the JS heap and DOM size with N messages loaded.
// Prints a Markdown table; the ratios compare frame times with the idle
// page's in the same run.
import { createRequire } from "node:module";
import { join } from "node:path";

const need = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set: run bench/chat-ui/run.sh`);
  return v;
};
const url = need("BENCH_URL");
const repo = need("BENCH_REPO");
const [ws, channel] = need("BENCH_IDS").split(" ");
const total = Number(need("BENCH_MESSAGES"));
const email = need("BENCH_EMAIL");
const password = need("BENCH_PASSWORD");

const require = createRequire(join(repo, "web", "package.json"));
const { chromium } = require("playwright-core");

const pct = (xs, p) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : "–");
const stats = (xs) => ({
  n: xs.length,
  p50: pct(xs, 0.5),
  p95: pct(xs, 0.95),
  p99: pct(xs, 0.99),
  max: Math.max(...xs),
});

// Frame sampling in the page: every rAF's delta, until stopped.
async function startFrames(page) {
  await page.evaluate(() => {
    window.__frames = [];
    window.__sampling = true;
    let last = performance.now();
    const tick = (t) => {
      window.__frames.push(t - last);
      last = t;
      if (window.__sampling) requestAnimationFrame(tick);
    };
    requestAnimationFrame((t) => {
      last = t;
      requestAnimationFrame(tick);
    });
  });
}
async function stopFrames(page) {
  return page.evaluate(() => {
    window.__sampling = false;
    return window.__frames;
  });
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
    "--enable-precise-memory-info",
  ],
});
try {
  const ctx = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    locale: "fr-FR",
  });
  ctx.setDefaultTimeout(30_000);
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));

  await page.goto(`${url}/login`);
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Mot de passe").fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
  await page.goto(`${url}/w/${ws}/chat`);
  const link = page
    .locator(".chat-nav")
    .getByRole("link", { name: /historique/ });
  await link.waitFor();

  // The idle page's cadence: what a frame costs here when nothing changes.
  await startFrames(page);
  await page.waitForTimeout(3000);
  const idle = stats((await stopFrames(page)).slice(1));

  // Opening the channel: from the click to its newest messages on screen.
  await page.evaluate(() => {
    window.__t0 = performance.now();
  });
  await link.click();
  const openMs = await (
    await page.waitForFunction(() => {
      const list = document.querySelector(".msg-list");
      const rows = document.querySelectorAll(".chat-channel article.msg");
      return list && Number(list.dataset.loaded) > 0 && rows.length > 0
        ? performance.now() - window.__t0
        : 0;
    })
  ).jsonValue();

  // Back through the whole history.
  const scroller = page.locator(".msg-list__scroller");
  const list = page.locator(".msg-list");
  await startFrames(page);
  const pageMs = [];
  let maxRows = 0;
  let loaded = Number(await list.getAttribute("data-loaded"));
  const back0 = Date.now();
  let lateFrom = 0; // frame index where the last tenth of the history starts
  while (loaded < total) {
    const t = Date.now();
    await scroller.evaluate((el) => {
      el.scrollTop = 0;
    });
    await page.waitForFunction(
      (n) => Number(document.querySelector(".msg-list")?.dataset.loaded) > n,
      loaded,
      { timeout: 30_000, polling: "raf" },
    );
    pageMs.push(Date.now() - t);
    loaded = Number(await list.getAttribute("data-loaded"));
    if (pageMs.length % 25 === 0) {
      maxRows = Math.max(
        maxRows,
        await page.locator(".chat-channel .msg-row").count(),
      );
    }
    if (!lateFrom && loaded >= total * 0.9) {
      lateFrom = await page.evaluate(() => window.__frames.length);
    }
  }
  await scroller.evaluate((el) => {
    el.scrollTop = 0;
  });
  await page.getByText("Début de #historique").waitFor();
  const backMs = Date.now() - back0;
  const backFrames = (await stopFrames(page)).slice(1);
  const back = stats(backFrames);
  const late = stats(backFrames.slice(lateFrom));
  maxRows = Math.max(
    maxRows,
    await page.locator(".chat-channel .msg-row").count(),
  );

  // With everything loaded: flicks down from the first message, `step`
  // pixels a frame (400: a fast wheel or touch fling; 4,000: the scroll bar
  // dragged), at most `most` frames or to the last message.
  const flickBy = (step, most) =>
    scroller.evaluate(
      async (el, { step, most }) => {
        const frames = [];
        let empty = 0;
        let maxRows = 0;
        const box = el.getBoundingClientRect();
        el.scrollTop = 0;
        let last = await new Promise((r) => requestAnimationFrame(r));
        for (
          let i = 0;
          i < most && el.scrollTop + el.clientHeight < el.scrollHeight - 1;
          i++
        ) {
          el.scrollTop += step;
          const t = await new Promise((r) => requestAnimationFrame(r));
          frames.push(t - last);
          last = t;
          maxRows = Math.max(maxRows, el.querySelectorAll(".msg-row").length);
          const seen = [...el.querySelectorAll("article.msg")].some((a) => {
            const r = a.getBoundingClientRect();
            return r.bottom > box.top && r.top < box.bottom;
          });
          if (!seen) empty += 1;
        }
        return { frames: frames.slice(1), empty, maxRows };
      },
      { step, most },
    );
  const wheel = await flickBy(400, 900);
  const flick = await flickBy(4000, 5000);
  const wh = stats(wheel.frames);

  // Live changes with everything loaded: 40 reactions, one every 100 ms, on
  // the messages on screen (each comes back as an event and replaces one
  // message of the history).
  await scroller.evaluate((el) => {
    el.scrollTop = el.scrollHeight / 2;
  });
  await page.waitForTimeout(500);
  await startFrames(page);
  const reacted = await page.evaluate(async () => {
    const csrf = JSON.parse(sessionStorage.getItem("ruche.csrf") ?? "null");
    const ids = [
      ...document.querySelectorAll(".msg-list__scroller [data-message-id]"),
    ].map((a) => a.dataset.messageId);
    const emoji = ["👍", "🎉", "👀", "✅"];
    let ok = 0;
    for (let i = 0; i < 40 && ids.length; i++) {
      const r = await fetch(
        `/api/v1/messages/${ids[i % ids.length]}/reactions`,
        {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            ...(csrf ? { [csrf.header]: csrf.token } : {}),
          },
          body: JSON.stringify({
            emoji: emoji[Math.floor(i / ids.length) % emoji.length],
          }),
          credentials: "same-origin",
        },
      );
      if (r.ok) ok += 1;
      await new Promise((res) => setTimeout(res, 100));
    }
    return ok;
  });
  await page.waitForTimeout(300);
  const live = stats((await stopFrames(page)).slice(1));
  const fl = stats(flick.frames);
  const mem = await page.evaluate(() => ({
    heap: performance.memory ? performance.memory.usedJSHeapSize : NaN,
    nodes: document.getElementsByTagName("*").length,
  }));

  const mib = (b) => (b / 1048576).toFixed(0);
  const ratio = (x) =>
    Number.isFinite(x) && idle.p95 > 0 ? (x / idle.p95).toFixed(2) : "–";
  console.log(
    `| what (${total.toLocaleString("en")} messages in one channel) | figure | ÷ idle frame p95 |`,
  );
  console.log("| --- | ---: | ---: |");
  console.log(
    `| idle page, frame p50 / p95 / max (ms) | ${f1(idle.p50)} / ${f1(idle.p95)} / ${f1(idle.max)} | 1.00 |`,
  );
  console.log(
    `| open the channel, click to newest messages (ms) | ${f1(openMs)} | |`,
  );
  console.log(
    `| scroll back to the first message: pages of older messages, total (s) | ${pageMs.length}, ${(backMs / 1000).toFixed(1)} | |`,
  );
  console.log(
    `| … one page, request to rows on screen, p50 / p95 (ms) | ${f1(pct(pageMs, 0.5))} / ${f1(pct(pageMs, 0.95))} | |`,
  );
  console.log(
    `| … frames meanwhile, p50 / p95 / p99 / max (ms) | ${f1(back.p50)} / ${f1(back.p95)} / ${f1(back.p99)} / ${f1(back.max)} | ${ratio(back.p95)} |`,
  );
  console.log(
    `| … the last tenth (90–100 % loaded), p50 / p95 / p99 / max (ms) | ${f1(late.p50)} / ${f1(late.p95)} / ${f1(late.p99)} / ${f1(late.max)} | ${ratio(late.p95)} |`,
  );
  console.log(
    `| ${reacted} reactions arriving live, one every 100 ms: frames p50 / p95 / p99 / max (ms) | ${f1(live.p50)} / ${f1(live.p95)} / ${f1(live.p99)} / ${f1(live.max)} | ${ratio(live.p95)} |`,
  );
  console.log(
    `| fling down, ${wheel.frames.length} frames of 400 px: p50 / p95 / p99 / max (ms) | ${f1(wh.p50)} / ${f1(wh.p95)} / ${f1(wh.p99)} / ${f1(wh.max)} | ${ratio(wh.p95)} |`,
  );
  console.log(
    `| … frames with no message in the viewport | ${wheel.empty} | |`,
  );
  console.log(
    `| scroll bar dragged down, ${flick.frames.length} frames of 4,000 px: p50 / p95 / p99 / max (ms) | ${f1(fl.p50)} / ${f1(fl.p95)} / ${f1(fl.p99)} / ${f1(fl.max)} | ${ratio(fl.p95)} |`,
  );
  console.log(
    `| … frames with no message in the viewport | ${flick.empty} | |`,
  );
  console.log(
    `| message rows in the DOM, most seen (scroll back / fling / drag) | ${maxRows} / ${wheel.maxRows} / ${flick.maxRows} | |`,
  );
  console.log(
    `| JS heap, DOM elements with all loaded | ${mib(mem.heap)} MiB, ${mem.nodes} | |`,
  );
  if (errors.length) {
    console.error(`bench/chat-ui: errors in the page:\n${errors.join("\n")}`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
}
