// bench/calendar-ui: what the bench runs inside the signed-in page, built
// by run.sh (rolldown, from web/'s dev dependencies) into one script that
// measure.mjs evaluates in the page. It imports the web client's own code,
// unchanged: the armour's crypto (web/src/armour/crypto.ts, on the same
// libsodium) to seal the armoured workspace's event cards in the browser
// as the client does (a card per event, under a new token, signed with the
// person's key), and the calendar's expansion (logic/expand.ts) to time its
// parts on their own. Nothing here is part of the client: the page's own
// code (its store, its key manager) draws what is measured.
import {
  gatherSignatures,
  newNameToken,
  openEnvelope,
  openEventCard,
  ready,
  rememberChecked,
  rememberVerified,
  sealEventCard,
  unlockIdentity,
  verifiedTagsKey,
} from "../../web/src/armour/crypto.ts";
import {
  PageThreadSignatures,
  SignatureWorkers,
  checkInParts,
} from "../../web/src/armour/verifier.ts";
import { expandEvents } from "../../web/src/modules/calendar/logic/expand.ts";

/** An API request as the page makes it (session cookie, CSRF header). */
async function call(method, path, json, size) {
  const csrf = JSON.parse(sessionStorage.getItem("ruche.csrf") ?? "null");
  const headers = {};
  if (csrf && method !== "GET") headers[csrf.header] = csrf.token;
  if (json !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(`/api/v1${path}`, {
    method,
    headers,
    body: json === undefined ? undefined : JSON.stringify(json),
    credentials: "same-origin",
  });
  const text = await r.text();
  if (!r.ok)
    throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 300)}`);
  if (size) size.bytes += new TextEncoder().encode(text).length;
  return text ? JSON.parse(text) : null;
}

/** Runs `f` on every item, `width` at a time. */
async function pool(items, width, f) {
  let next = 0;
  const out = new Array(items.length);
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++)
        out[i] = await f(items[i], i);
    }),
  );
  return out;
}

let held = null; // { workspaceId, me, secrets, key, generation, members }

const tools = {
  /**
   * The person's identity opened with the passphrase, and the workspace's
   * current key from their envelope (as their browser's key manager does).
   */
  async unlock(workspaceId, passphrase) {
    await ready();
    const me = await call("GET", "/me");
    const record = await call("GET", "/me/armour");
    const secrets = unlockIdentity(me.id, record, passphrase);
    const ws = await call("GET", `/workspaces/${workspaceId}/armour`);
    const envelope = ws.envelopes.find((e) => e.generation === ws.generation);
    if (!envelope)
      throw new Error(`no envelope of generation ${ws.generation}`);
    const key = openEnvelope(envelope, { workspaceId }, secrets, ws.members);
    held = {
      workspaceId,
      me: me.id,
      secrets,
      key,
      generation: ws.generation,
      members: ws.members,
    };
    return { generation: ws.generation };
  },

  /** Plain workspace: each event POSTed as is. Returns the milliseconds taken. */
  async createPlain(workspaceId, events, width = 8) {
    const t0 = performance.now();
    await pool(events, width, (e) =>
      call("POST", `/workspaces/${workspaceId}/calendar/events`, e),
    );
    return performance.now() - t0;
  },

  /**
   * Armoured workspace: each event's card sealed here under a new token,
   * then POSTed ({token, sealed}). Returns the milliseconds sealing took
   * and the whole.
   */
  async createSealed(events, width = 8) {
    if (!held) throw new Error("unlock first");
    const { workspaceId, me, secrets, key, generation } = held;
    const t0 = performance.now();
    const bodies = events.map((e) => {
      const token = newNameToken();
      const card = {
        title: e.title,
        description: e.description ?? "",
        location: e.location ?? "",
        start: e.start,
        end: e.end,
        all_day: e.all_day ?? false,
        timezone: e.timezone ?? null,
        rrule: e.rrule ?? null,
        exdates: [],
        overrides: [],
      };
      return {
        token,
        sealed: sealEventCard(
          key,
          generation,
          workspaceId,
          token,
          me,
          card,
          secrets.signSecretKey,
        ),
      };
    });
    const sealMs = performance.now() - t0;
    await pool(bodies, width, (b) =>
      call("POST", `/workspaces/${workspaceId}/calendar/events`, b),
    );
    return { sealMs, totalMs: performance.now() - t0 };
  },

  /**
   * The armoured path's parts on their own, with the client's own
   * functions: reading every card (the sealed route, pages of 1,000 as the
   * store reads), opening each (signature checked, decrypted, parsed), and
   * expanding the opened cards over [from, to). Milliseconds, and the
   * occurrences found. Then the opening again as a first visit does it
   * (docs/armoured.md, "Signatures checked once"): the page gathered
   * without opening, the signatures checked in `workers` of the client's
   * workers (verifier.ts, its built worker at `workerUrl`), the cards
   * opened — with the workers started for it, then already started: in
   * all, and the page's thread's share.
   */
  async armouredParts(from, to, workerUrl, workerCount) {
    if (!held) throw new Error("unlock first");
    const { workspaceId, key, generation, members } = held;
    const t0 = performance.now();
    const raws = [];
    const size = { bytes: 0 };
    for (let after = 0; ;) {
      const page = await call(
        "GET",
        `/workspaces/${workspaceId}/calendar/sealed?after=${after}&limit=1000`,
        undefined,
        size,
      );
      raws.push(...page.events);
      after = Math.max(after, page.version);
      if (!page.more) break;
    }
    const t1 = performance.now();
    const keysOf = new Map(members.map((m) => [m.user_id, [m.sign_public]]));
    const openCard = (raw) =>
      openEventCard(raw.sealed, {
        workspaceId,
        token: raw.token,
        authorId: raw.sealed_by,
        authorKeys: keysOf.get(raw.sealed_by) ?? [],
        key: (g) => (g === generation ? key : undefined),
      });
    const openAll = () => {
      const opened = [];
      let unverified = 0;
      for (const raw of raws) {
        const r = openCard(raw);
        if (!r.ok) throw new Error(`card ${raw.id} did not open: ${r.reason}`);
        if (!r.verified) unverified++;
        opened.push({
          id: raw.id,
          workspace_id: raw.workspace_id,
          card: r.value,
        });
      }
      return { opened, unverified };
    };
    const { opened, unverified } = openAll();
    const t2 = performance.now();
    const occurrences = expandEvents(opened, from, to);
    const t3 = performance.now();
    const workers = new SignatureWorkers(
      () => new Worker(workerUrl, { type: "module" }),
      workerCount,
    );
    // As a first visit does (WorkspaceKeys.checkAhead): gathered, then the
    // signatures checked in the workers part after part, each part's cards
    // opened on the page's thread as its answer comes. Then, the workers
    // started, the same and as before (all sent at once, every card opened
    // after the last answer). Last, as on one core: no worker, the page's
    // thread checking each part with its WebCrypto.
    const pageThread = new PageThreadSignatures();
    const ahead = {};
    for (const [name, inParts, checker] of [
      ["aheadCold", true, workers],
      ["aheadWarm", true, workers],
      ["aheadWhole", false, workers],
      ["aheadPage", true, pageThread],
    ]) {
      // A browser that never checked these cards: no tag known.
      rememberVerified(verifiedTagsKey(held.secrets).key, new Set());
      const a0 = performance.now();
      const gathered = gatherSignatures(raws, openCard);
      let pageMs = performance.now() - a0;
      const cards = new Map();
      const openHere = (raw) => {
        const t = performance.now();
        cards.set(raw, openCard(raw));
        pageMs += performance.now() - t;
      };
      let answered;
      if (inParts) {
        answered = await checkInParts(
          checker,
          gathered,
          raws,
          (ok, from) => rememberChecked(gathered, ok, from),
          openHere,
        );
      } else {
        const ok = await workers.check(gathered.checks);
        answered = !!ok && ok.length === gathered.checks.length;
        if (answered) rememberChecked(gathered, ok);
        raws.forEach(openHere);
      }
      if (!answered) throw new Error("the workers did not answer");
      if (raws.some((raw) => !cards.get(raw)?.verified))
        throw new Error("a card not opened, or unverified");
      ahead[name] = { ms: performance.now() - a0, pageMs };
    }
    rememberVerified(null, null);
    workers.stop();
    return {
      ...ahead,
      workers: workerCount,
      cards: raws.length,
      bytes: size.bytes,
      unverified,
      readMs: t1 - t0,
      openMs: t2 - t1,
      expandMs: t3 - t2,
      occurrences: occurrences.length,
    };
  },

  /** The plain route's occurrences of [from, to): how many, the bytes read, the milliseconds. */
  async plainOccurrences(workspaceId, from, to) {
    const t0 = performance.now();
    const size = { bytes: 0 };
    const list = await call(
      "GET",
      `/workspaces/${workspaceId}/calendar/events?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      undefined,
      size,
    );
    return {
      occurrences: list.length,
      bytes: size.bytes,
      ms: performance.now() - t0,
    };
  },
};

globalThis.__calendarBench = tools;
