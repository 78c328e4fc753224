// Meeting notes followed live on a second device (issue 13, item 4): during a review, remote
// participants follow the notes on another device, and a word typed on one should show on the
// other in under 500 ms at the 95th percentile. A script, not a test: it reports figures and
// never fails on them.
//
//   cargo leptos build --release --precompress --split
//   node end2end/bench/notes.mjs [--words N] [--keys N] [--slow] [--wait MINUTES] [--write docs/BENCHMARKS.md]
//
// The release server is started on a new data directory (the demo data loads on first start).
// Two devices, each a browser profile of its own: device A, a tablet (768×1024) signed in as the
// demo key worker Asha, and device B, a phone (360×740) signed in as the registered manager
// Grace (Maggie's daughter Ruth is not shared "Meetings and reviews" in the demo, so she could
// not follow the notes). Both open Maggie's plan and wait until it is hydrated, in step ("All
// changes saved") and its notes box editable (the text merger, a part of its own, loaded). On A,
// words are typed into the first meeting's notes box (one is added if Maggie has none), one key
// every TYPING ms, five words to a phrase ("w17x w18x …", each word unique) with a pause between
// phrases; for each word: when its first and its last key were pressed on A (node's clock, as
// the key is sent) and when B's box first held the whole word (B's page reports its own
// Date.now(): one machine, one clock), caught by a hook on the box's `value` setter (what the
// app calls when it merges) with a 10 ms poll beside it. Where each word's time went is worked
// out from what the pages saw: A's input events and its count of edits waiting (the sync
// status's data-waiting), both pages' sync requests (resource timing), the pokes on a live
// channel the bench opens on B beside the app's, and the long tasks on each. Then single keys
// alone (each once the devices are in step, B's box compared with A's whole text). After each
// row both boxes are compared: the same text, every word there. With --slow a second row puts
// device B on slow 4G (150 ms round trip, as the other scripts) through the DevTools protocol
// once its page is up. With --write it replaces (or adds, before "What makes the wasm large")
// the section "Meeting notes, live" of the file.
//
// With --wait MINUTES it waits (checking every minute) for a release build newer than
// app/src/pages/plan.rs (its last commit when the file is as committed) instead of failing at
// once.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromium } from "@playwright/test";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const words = Number(option("--words", "40"));
const keys = Number(option("--keys", "10"));
const waitMinutes = Number(option("--wait", "0"));
const slow = args.includes("--slow");
const write = option("--write", undefined);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const target = process.env.CARGO_TARGET_DIR ?? path.join(root, "target");
const serverBin = process.env.CIRCLE_E2E_SERVER ?? path.join(target, "release/server");
const siteRoot = process.env.LEPTOS_SITE_ROOT ?? path.join(target, "site");
const port = Number(process.env.CIRCLE_BENCH_PORT ?? 3192);
const base = `http://127.0.0.1:${port}`;
const MAGGIE = "/people/01930000-0000-7000-8000-000000000b01/plan";
const PASSWORD = "circle-demo-2026";
const DEVICES = {
  a: { who: "Asha (key worker)", email: "asha@riverside.example", viewport: { width: 768, height: 1024 }, label: "tablet 768×1024" },
  b: { who: "Grace (registered manager)", email: "grace@circle.example", viewport: { width: 360, height: 740 }, label: "phone 360×740" },
};
// Lighthouse's "slow 4G", as end2end/bench/phone.mjs: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up.
const NETWORK = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8) * 0.9, uploadThroughput: (750e3 / 8) * 0.9 };
const UNTHROTTLED = { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 };
// One key every TYPING ms (about 100 words a minute), PHRASE words at a time, then a pause.
const TYPING = 120;
const PHRASE = 5;
const PAUSE = 1000;
const WARM_UP = 5;
// The issue's target: a word shows on the other device within this, at the 95th percentile.
const TARGET = 500;
// What the issue measured before the change (the notes sent 400 ms after typing stopped).
const BEFORE = { last: 400, first: 850, pause: 400 };
// How often the notes editor sends typing (NOTES_EVERY in app/src/pages/plan.rs).
const NOTES_EVERY = 100;
const HEADING = "## Meeting notes, live";
const BEFORE_HEADING = "## What makes the wasm large";

const median = (xs) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
const percentile = (xs, p) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length))) - 1] : NaN;
};
const max = (xs) => {
  const s = xs.filter((x) => !Number.isNaN(x));
  return s.length ? Math.max(...s) : NaN;
};
const ms = (x) => (Number.isNaN(x) ? "—" : `${Math.round(x).toLocaleString("en-GB")} ms`);
const verdict = (value, limit) => (Number.isNaN(value) ? "—" : value <= limit ? "pass" : "**FAIL**");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// When the page was last changed: its file's time, or (a checkout touches files it does not
// change) its last commit's when the file is as committed.
function changedAt(file) {
  const git = (...a) => spawnSync("git", a, { cwd: root, encoding: "utf8" });
  const committed = git("log", "-1", "--format=%ct", "--", file);
  if (committed.status === 0 && committed.stdout.trim() && git("diff", "--quiet", "HEAD", "--", file).status === 0) {
    return Number(committed.stdout.trim()) * 1000;
  }
  return fs.statSync(path.join(root, file)).mtimeMs;
}

// The release build, once it is newer than the page it must show.
async function releaseBuild() {
  const page = changedAt("app/src/pages/plan.rs");
  const fresh = () =>
    [serverBin, path.join(siteRoot, "pkg")].every((p) => fs.existsSync(p) && fs.statSync(p).mtimeMs > page);
  for (let minute = 0; !fresh(); minute++) {
    if (minute >= waitMinutes) {
      throw new Error(`no release build newer than app/src/pages/plan.rs at ${serverBin} and ${siteRoot}/pkg: run cargo leptos build --release --precompress --split (or pass --wait MINUTES)`);
    }
    console.log(`waiting for a release build newer than app/src/pages/plan.rs (${minute} of ${waitMinutes} min)`);
    await sleep(60_000);
  }
}

async function startServer() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "circle-notes-bench-"));
  const child = spawn(serverBin, [], {
    env: { ...process.env, CIRCLE_DATA_DIR: dataDir, CIRCLE_DEMO: "auto", LEPTOS_SITE_ADDR: `127.0.0.1:${port}`, LEPTOS_SITE_ROOT: siteRoot, DATABASE_URL: "", RUST_LOG: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { child, dataDir };
    } catch {}
    await sleep(100);
  }
  child.kill();
  throw new Error(`the server at ${serverBin} did not start`);
}

async function signedIn(browser, device) {
  const context = await browser.newContext({ baseURL: base, viewport: device.viewport, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const response = await context.request.post("/auth/sign-in", { form: { email: device.email, password: PASSWORD }, maxRedirects: 0 });
  if (response.status() !== 303) throw new Error(`sign-in as ${device.email} answered ${response.status()}`);
  return context;
}

// Waits until the device has nothing waiting and says "All changes saved".
async function inStep(page) {
  await page.waitForFunction(
    () => {
      const bar = document.querySelector(".sync-status[data-waiting]");
      return bar?.getAttribute("data-waiting") === "0" && bar.textContent.includes("All changes saved");
    },
    null,
    { timeout: 60_000 },
  );
}

// A device with Maggie's plan open, hydrated and in step.
async function open(browser, device) {
  const context = await signedIn(browser, device);
  const page = await context.newPage();
  await page.goto(MAGGIE);
  await page.waitForSelector("body[data-hydrated]", { timeout: 60_000 });
  await inStep(page);
  return { ...device, context, page };
}

// The title of Maggie's first meeting, after adding one on `page` if she has none.
async function firstMeeting(page) {
  const labels = page.locator("label", { hasText: /^Notes: / });
  const added = (await labels.count()) === 0;
  if (added) {
    await page.getByLabel(/^A new meeting or review/).fill("Review, live notes");
    await page.getByRole("button", { name: "Add meeting" }).click();
    await labels.first().waitFor({ timeout: 30_000 });
    await inStep(page);
  }
  return { title: (await labels.first().textContent()).trim().replace(/^Notes: /, ""), added };
}

// The notes box, once it can be typed in (the merger is loaded).
async function notesBox(page, title) {
  const box = page.getByLabel(`Notes: ${title}`, { exact: true });
  await box.waitFor({ timeout: 30_000 });
  await page.waitForFunction((id) => !document.getElementById(id)?.readOnly, await box.getAttribute("id"), { timeout: 60_000 });
  return box;
}

// In device B's page: watches its notes box for the texts it is told to expect. Each is seen
// when the box's value first holds it ("includes": a word anywhere; "equals": the whole text),
// at the instant the app sets the value (a hook on the box's own `value` setter) or, should the
// box be replaced, at the next 10 ms poll; and the next frame after that is noted too.
function watch(id) {
  const expected = new Map();
  window.__expected = expected;
  const check = (how) => {
    const box = document.getElementById(id);
    if (!box) return;
    const value = box.value;
    const now = Date.now();
    for (const [key, e] of expected) {
      if (e.seenAt !== undefined) continue;
      if (e.kind === "includes" ? value.includes(e.text) : value === e.text) {
        e.seenAt = now;
        e.how = how;
        requestAnimationFrame(() => (e.paintedAt = Date.now()));
      }
    }
  };
  const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value");
  const hook = () => {
    const box = document.getElementById(id);
    if (!box || box.__hooked) return;
    box.__hooked = true;
    Object.defineProperty(box, "value", {
      configurable: true,
      get() {
        return setter.get.call(this);
      },
      set(v) {
        setter.set.call(this, v);
        check("set");
      },
    });
  };
  hook();
  window.__expect = (key, kind, text) => {
    expected.set(key, { kind, text });
    check("poll");
  };
  setInterval(() => {
    hook();
    check("poll");
  }, 10);
}

// In a device's page: when each of its sync requests (/api/sync/push, /api/sync/pull) was sent
// and answered (the browser's resource timing, on Date.now()'s scale), and on device B a live
// channel of the bench's own beside the app's, noting when each "changed" poke arrives.
function instrument(person) {
  performance.setResourceTimingBufferSize(100_000);
  window.__requests = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const path = new URL(e.name).pathname;
      if (path === "/api/sync/push" || path === "/api/sync/pull") {
        window.__requests.push({ path, start: performance.timeOrigin + e.startTime, end: performance.timeOrigin + e.responseEnd });
      }
    }
  }).observe({ type: "resource" });
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: performance.timeOrigin + e.startTime, duration: e.duration });
  }).observe({ type: "longtask" });
  // On device A: when each key was taken (the box's input event, with the end of its text), and
  // each change of the count of edits waiting to be sent (up: the notes typed were made an edit,
  // to be pushed).
  window.__inputs = [];
  document.addEventListener("input", (e) => window.__inputs.push({ at: Date.now(), tail: e.target.value?.slice(-16) ?? "" }), { capture: true });
  window.__waiting = [];
  const bar = document.querySelector(".sync-status[data-waiting]");
  new MutationObserver(() => window.__waiting.push({ at: Date.now(), waiting: Number(bar.getAttribute("data-waiting")) })).observe(bar, {
    attributes: true,
    attributeFilter: ["data-waiting"],
  });
  if (person) {
    window.__pokes = [];
    new EventSource(`/api/sync/live?person=${person}`).addEventListener("changed", () => window.__pokes.push(Date.now()));
  }
}

// Where each word's time went, from its last key to B's box holding it: until A took the key
// (its input event), until A made the notes typed an edit (the count of edits waiting went
// up: the send interval), until A's push carrying it was sent (the first push after that: one
// push or pull at a time), until B was poked (the first poke after that push was sent: the
// push answered on the server, the event on its way), until B's pull that brought it was
// answered (the last pull answered before the word showed), and the rest (B merging the notes
// and setting the box). The parts add up to the whole; a word whose steps come out of order is
// left out of them.
async function parts(a, b, samples) {
  const inputs = await a.page.evaluate(() => window.__inputs);
  const waiting = await a.page.evaluate(() => window.__waiting);
  const flushes = waiting.filter((w, i) => w.waiting > (i ? waiting[i - 1].waiting : 0));
  const pushes = (await a.page.evaluate(() => window.__requests)).filter((r) => r.path === "/api/sync/push");
  const pulls = (await b.page.evaluate(() => window.__requests)).filter((r) => r.path === "/api/sync/pull");
  const pokes = await b.page.evaluate(() => window.__pokes);
  const longA = await a.page.evaluate(() => window.__longTasks);
  const longB = await b.page.evaluate(() => window.__longTasks);
  const within = (tasks, from, to) => tasks.filter((t) => t.start < to && t.start + t.duration > from);
  const first = (xs, ok) => xs.find(ok);
  for (const s of samples) {
    if (Number.isNaN(s.seenAt)) continue;
    s.longA = within(longA, s.lastKey, s.seenAt).map((t) => Math.round(t.duration));
    s.longB = within(longB, s.lastKey, s.seenAt).map((t) => Math.round(t.duration));
    const input = first(inputs, (i) => i.at >= s.lastKey - 5 && (!s.word || i.tail.endsWith(s.word)));
    const flush = input && first(flushes, (f) => f.at >= input.at);
    // The count is shown a moment after the push it starts has been sent: the edit was made by then.
    const push = flush && first(pushes, (r) => r.start >= flush.at - 10);
    const poke = push && first(pokes, (t) => t >= push.start);
    const pull = [...pulls].reverse().find((r) => r.end <= s.seenAt);
    if (!push || poke === undefined || !pull || pull.end < poke) continue;
    const flushed = Math.min(flush.at, push.start);
    s.parts = {
      taken: input.at - s.lastKey,
      interval: flushed - input.at,
      queued: push.start - flushed,
      poke: poke - push.start,
      pull: pull.end - poke,
      merge: s.seenAt - pull.end,
      push: push.end - push.start,
      pullTook: pull.end - pull.start,
      // Another pull of B's still on its way when the poke came: the one that brings the word
      // waits for it.
      pullBusy: pulls.some((r) => r !== pull && r.start <= poke && r.end > poke),
    };
  }
}

// Types `text` on device A from `start`, one key every TYPING ms (later if A is still taking
// the one before); for each key, when it was pressed (sent to the browser) and when A had
// taken it (the key in A's box), on node's clock.
async function typeOn(page, text, start) {
  const at = [];
  for (let i = 0; i < text.length; i++) {
    const wait = start + i * TYPING - Date.now();
    if (wait > 0) await sleep(wait);
    const pressed = Date.now();
    await page.keyboard.type(text[i]);
    at.push({ pressed, taken: Date.now() });
  }
  return at;
}

// What device B saw of `keys`, waiting up to `timeout` ms for every one.
async function seenOn(page, keys, timeout) {
  await page
    .waitForFunction((keys) => keys.every((k) => window.__expected.get(k)?.seenAt !== undefined), keys, { timeout, polling: 50 })
    .catch(() => undefined);
  return page.evaluate((keys) => keys.map((k) => ({ ...window.__expected.get(k) })), keys);
}

// `count` words typed on A in phrases, after WARM_UP uncounted; each word's clocks.
async function typeWords(a, b, count, first) {
  const samples = [];
  let n = first;
  const total = WARM_UP + count;
  for (let done = 0; done < total; ) {
    const phrase = [];
    for (let i = 0; i < PHRASE && done + i < total; i++) phrase.push(`w${n++}x`);
    for (const w of phrase) await b.page.evaluate(([k, t]) => window.__expect(k, "includes", t), [w, w]);
    // Each word after a space; the first key of a word is its first letter.
    const text = phrase.map((w) => ` ${w}`).join("");
    const at = await typeOn(a.page, text, Date.now());
    const seen = await seenOn(b.page, phrase, 10_000);
    let offset = 0;
    phrase.forEach((w, i) => {
      const firstKey = at[offset + 1].pressed;
      const lastKey = at[offset + w.length].pressed;
      const keysTook = at.slice(offset + 1, offset + w.length + 1).map((k) => k.taken - k.pressed);
      offset += w.length + 1;
      const s = seen[i];
      const seenAt = s.seenAt ?? NaN;
      if (done + i >= WARM_UP) {
        samples.push({ word: w, position: i, firstKey, lastKey, seenAt, fromLast: seenAt - lastKey, fromFirst: seenAt - firstKey, frame: (s.paintedAt ?? NaN) - seenAt, how: s.how, keysTook });
      }
    });
    done += phrase.length;
    await sleep(PAUSE);
  }
  await parts(a, b, samples);
  // Words typed while an earlier one was not yet on B: how far B fell behind A.
  for (const s of samples) s.behind = samples.filter((o) => o.lastKey < s.lastKey && !(o.seenAt <= s.lastKey)).length;
  return { samples, next: n };
}

// `count` single keys on A, each once both devices are in step and after a pause; the time
// until B's box holds A's whole text.
async function typeKeys(a, b, box, count, tag) {
  const samples = [];
  const letters = " keystroke";
  for (let i = 0; i < count; i++) {
    await inStep(a.page);
    await sleep(PAUSE);
    const before = await box.evaluate((el) => el.value);
    const key = letters[i % letters.length];
    const text = before + key;
    await b.page.evaluate(([k, t]) => window.__expect(k, "equals", t), [`${tag}-key-${i}`, text]);
    const [{ pressed }] = await typeOn(a.page, key, Date.now());
    const [seen] = await seenOn(b.page, [`${tag}-key-${i}`], 10_000);
    samples.push({ lastKey: pressed, seenAt: seen.seenAt ?? NaN, latency: (seen.seenAt ?? NaN) - pressed });
  }
  await parts(a, b, samples);
  return samples;
}

// Whether both boxes show the same text once the devices are in step, and which words are
// missing from either.
async function agree(a, b, boxA, boxB, typed) {
  await inStep(a.page);
  await b.page
    .waitForFunction(([id, text]) => document.getElementById(id)?.value === text, [await boxB.getAttribute("id"), await boxA.evaluate((el) => el.value)], { timeout: 10_000 })
    .catch(() => undefined);
  const textA = await boxA.evaluate((el) => el.value);
  const textB = await boxB.evaluate((el) => el.value);
  const missing = (text) => typed.filter((w) => !text.includes(w));
  return { same: textA === textB, length: textA.length, missingA: missing(textA), missingB: missing(textB) };
}

const medianParts = (samples) =>
  Object.fromEntries(
    ["taken", "interval", "queued", "poke", "pull", "merge", "push", "pullTook"].map((k) => [k, median(samples.filter((s) => s.parts).map((s) => s.parts[k]))]),
  );

async function row(name, a, b, boxA, boxB, first, tag) {
  const { samples, next } = await typeWords(a, b, words, first);
  const single = await typeKeys(a, b, boxA, keys, tag);
  const typed = Array.from({ length: next }, (_, i) => `w${i}x`);
  const check = await agree(a, b, boxA, boxB, typed);
  // A plain timer of NOTES_EVERY set in A's page after the same pause as a key alone: how late
  // the page's own timers are.
  const timers = [];
  for (let i = 0; i < 5; i++) {
    await sleep(PAUSE);
    timers.push(await a.page.evaluate((every) => new Promise((r) => { const t = performance.now(); setTimeout(() => r(performance.now() - t), every); }), NOTES_EVERY));
  }
  const positions = Array.from({ length: PHRASE }, (_, i) => median(samples.filter((s) => s.position === i).map((s) => s.fromLast)));
  const result = {
    name,
    words: samples.length,
    lost: samples.filter((s) => Number.isNaN(s.seenAt)).length,
    last: { p50: median(samples.map((s) => s.fromLast)), p95: percentile(samples.map((s) => s.fromLast), 95), max: max(samples.map((s) => s.fromLast)) },
    first: { p50: median(samples.map((s) => s.fromFirst)), p95: percentile(samples.map((s) => s.fromFirst), 95), max: max(samples.map((s) => s.fromFirst)) },
    key: { n: single.length, p50: median(single.map((s) => s.latency)), p95: percentile(single.map((s) => s.latency), 95), max: max(single.map((s) => s.latency)), lost: single.filter((s) => Number.isNaN(s.seenAt)).length },
    frame: median(samples.map((s) => s.frame)),
    timer: median(timers),
    parts: medianParts(samples),
    split: samples.filter((s) => s.parts).length,
    pullBusy: samples.filter((s) => s.parts?.pullBusy).length,
    keyParts: medianParts(single),
    keySplit: single.filter((s) => s.parts).length,
    keyTaken: { p50: median(samples.flatMap((s) => s.keysTook)), max: max(samples.flatMap((s) => s.keysTook)) },
    longTasks: {
      a: samples.filter((s) => s.longA?.length).length,
      b: samples.filter((s) => s.longB?.length).length,
      longest: max(samples.flatMap((s) => [...(s.longA ?? []), ...(s.longB ?? [])])),
    },
    hooked: samples.filter((s) => s.how === "set").length,
    behind: max(samples.map((s) => s.behind)),
    positions,
    check,
    next,
  };
  console.log(
    `${name}: word from its last key p50 ${ms(result.last.p50)}, p95 ${ms(result.last.p95)}, max ${ms(result.last.max)}; from its first key p50 ${ms(result.first.p50)}, p95 ${ms(result.first.p95)}, max ${ms(result.first.max)}; a key alone p50 ${ms(result.key.p50)}, p95 ${ms(result.key.p95)}, max ${ms(result.key.max)}; ${result.lost} of ${result.words} words not seen; then next frame ${ms(result.frame)}; seen through the setter ${result.hooked} of ${result.words}; B at most ${result.behind} word(s) behind; p50 from the last key by place in the phrase ${positions.map(ms).join(", ")}; same text on both: ${check.same ? "yes" : "NO"} (missing on A: ${check.missingA.join(" ") || "none"}; on B: ${check.missingB.join(" ") || "none"})`,
  );
  const p = result.parts;
  console.log(`  a plain ${NOTES_EVERY} ms timer on A after a ${PAUSE} ms pause fired after ${ms(result.timer)} (p50 of 5)`);
  console.log(`  parts (p50 of ${result.split}): A took the key ${ms(p.taken)}, → edit made ${ms(p.interval)}, → push sent ${ms(p.queued)}, → poke on B ${ms(p.poke)} (the push took ${ms(p.push)}), → B's pull answered ${ms(p.pull)} (the pull took ${ms(p.pullTook)}), → box set ${ms(p.merge)}; a pull of B's on its way at the poke for ${result.pullBusy}`);
  for (const s of samples) {
    const q = s.parts;
    const p = `${q ? ` [taken ${ms(q.taken)}, edit ${ms(q.interval)}, push ${ms(q.queued)}, poke ${ms(q.poke)}, pull ${ms(q.pull)}, merge ${ms(q.merge)}]` : ""} long tasks A ${s.longA?.join("+") || "none"}, B ${s.longB?.join("+") || "none"}; keys took ${s.keysTook?.join(",")}`;
    console.log(`  ${s.word} (${s.position + 1} of phrase): from last ${ms(s.fromLast)}, from first ${ms(s.fromFirst)}, behind ${s.behind}, ${s.how ?? "not seen"}${p}`);
  }
  for (const s of single) {
    const q = s.parts;
    console.log(`  key alone: ${ms(s.latency)}${q ? ` [taken ${ms(q.taken)}, edit ${ms(q.interval)}, push ${ms(q.queued)}, poke ${ms(q.poke)}, pull ${ms(q.pull)}, merge ${ms(q.merge)}]` : ""} long tasks A ${s.longA?.join("+") || "none"}, B ${s.longB?.join("+") || "none"}`);
  }
  return result;
}

function section(results, machine, a, b, meeting) {
  const lines = [
    HEADING,
    "",
    "Meeting notes followed on a second device during a review (issue 13, item 4), measured by `end2end/bench/notes.mjs` (a script: figures are reported, never asserted). Re-run it after a release build rather than editing the figures:",
    "",
    "```sh",
    "cargo leptos build --release --precompress --split",
    `node end2end/bench/notes.mjs --words ${words}${keys === 10 ? "" : ` --keys ${keys}`}${slow ? " --slow" : ""} --write docs/BENCHMARKS.md`,
    "```",
    "",
    `The release server on a new data directory with the demo data, and Debian's Chromium with two devices, each a browser profile of its own, on the same machine: device A, a ${a.label} signed in as ${a.who}, and device B, a ${b.label} signed in as ${b.who} (Maggie's daughter Ruth is not shared "Meetings and reviews" in the demo, so she cannot follow the notes). Both open Maggie's plan and wait until it is hydrated, in step ("All changes saved") and the notes box editable. On A, words are typed into the notes of Maggie's first meeting (${meeting}) with the keyboard, one key every ${TYPING} ms (about 100 words a minute; later when A is still taking the key before), ${PHRASE} words to a phrase (" w17x w18x …": a space then four or five keys a word, each word unique) and a ${PAUSE / 1000} s pause between phrases; ${WARM_UP} words of warm-up, then ${words}. For each word, from its last key (the word complete on A) and from its first key, each when it was pressed (sent to A), to the instant B's box first holds the whole word (B's page reports its own \`Date.now()\` as the app sets the box's value: same machine, same clock; the next frame follows ${ms(results[0].frame)} later at the median). Then ${keys} keys typed alone, each once both devices are in step and after a ${PAUSE / 1000} s pause, until B's box holds A's whole text. CPU unthrottled, network over loopback${slow ? "; the second row puts device B on slow 4G (150 ms round trip, 1.44 Mbit/s down, 675 kbit/s up, through the DevTools protocol once its page is up), A still on loopback" : ""}. The target is the issue's: a word shows on the other device in under ${ms(TARGET)} at the 95th percentile, from its last key; the first-key figure and the key alone are held to the same mark.`,
    "",
    `| Device B's network | Measure | Samples | p50 | p95 | Max | p95 < ${ms(TARGET)} |`,
    "|---|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    lines.push(
      `| ${r.name} | **Word typed → the whole word on B, from its last key** (the target) | ${r.words - r.lost} of ${r.words} | ${ms(r.last.p50)} | ${ms(r.last.p95)} | ${ms(r.last.max)} | ${verdict(r.last.p95, TARGET)} |`,
      `| ${r.name} | Word typed → the whole word on B, from its first key | ${r.words - r.lost} of ${r.words} | ${ms(r.first.p50)} | ${ms(r.first.p95)} | ${ms(r.first.max)} | ${verdict(r.first.p95, TARGET)} |`,
      `| ${r.name} | One key alone → on B | ${r.key.n - r.key.lost} of ${r.key.n} | ${ms(r.key.p50)} | ${ms(r.key.p95)} | ${ms(r.key.max)} | ${verdict(r.key.p95, TARGET)} |`,
    );
  }
  lines.push(
    "",
    "Where the time went, from the key pressed to B's box set, worked out from what the pages saw (A's input events and its count of edits waiting, both pages' sync requests, the pokes on a live channel the bench opens on B beside the app's): medians of the samples whose steps could be told apart; for each sample the parts add up to the whole.",
    "",
  );
  lines.push(
    `| Device B's network, what was typed | Samples | A takes the key | → the typing made an edit (the send interval, then A's page work) | → A's push sent (behind a push or pull of A's on its way) | → B poked (push answered, \`changed\` on the live channel) | → B's pull answered | → B's box set (merge, redraw) |`,
    "|---|---|---|---|---|---|---|---|",
  );
  for (const r of results) {
    for (const [what, p, n, of] of [["words, from the last key", r.parts, r.split, r.words], ["keys alone", r.keyParts, r.keySplit, r.key.n]]) {
      lines.push(`| ${r.name}: ${what} | ${n} of ${of} | ${ms(p.taken)} | ${ms(p.interval)} | ${ms(p.queued)} | ${ms(p.poke)} (the push took ${ms(p.push)}) | ${ms(p.pull)} (the pull took ${ms(p.pullTook)}) | ${ms(p.merge)} |`);
    }
  }
  lines.push("");
  for (const r of results) {
    const c = r.check;
    const missing = [c.missingA.length ? `missing on A: ${c.missingA.join(" ")}` : "", c.missingB.length ? `missing on B: ${c.missingB.join(" ")}` : ""].filter(Boolean).join("; ");
    lines.push(
      `- ${r.name}: afterwards both boxes held ${c.same ? "the same text" : "**different texts**"} (${c.length.toLocaleString("en-GB")} characters, ${missing || `all ${r.next} words typed so far on both`}); ${r.lost + r.key.lost ? `**${r.lost} words and ${r.key.lost} keys never showed on B within 10 s**` : "every word and key showed on B"}. ${r.behind ? `While A typed on, B fell up to ${r.behind} word${r.behind === 1 ? "" : "s"} behind (earlier words not yet on B when a word's last key was pressed)` : "B never fell behind while A typed on (every word was on B before the next word's last key was pressed)"}; the median from the last key by a word's place in its phrase: ${r.positions.map(ms).join(", ")}. Typing a key into A (Playwright's call, until A had taken it) took ${ms(r.keyTaken.p50)} at the median, ${ms(r.keyTaken.max)} at worst; ${r.longTasks.a + r.longTasks.b ? `a long task (50 ms or more on a page's main thread) fell between a word's last key and its showing on B for ${r.longTasks.a} of ${r.words} words on A and ${r.longTasks.b} on B, the longest ${ms(r.longTasks.longest)}` : "no long task (50 ms or more on a page's main thread) fell between a word's last key and its showing on B, on either device"}.`,
    );
  }
  lines.push("", reading(results), "", `Machine: ${machine}.`, "");
  return lines.join("\n");
}

// What the figures say against the target and the issue's figures before the change, and where
// the time goes.
function reading(results) {
  const [r] = results;
  const p = r.parts;
  const against = (value) => (value <= TARGET ? `met (${ms(value)})` : `missed by ${ms(value - TARGET)} (${ms(value)})`);
  const typing = (4 - 1) * TYPING;
  const text = [
    `**Reading these figures.** Over loopback, the target (p95 from the last key under ${ms(TARGET)}) is ${against(r.last.p95)}; from the first key, held to the same mark, it is ${against(r.first.p95)}.`,
    `Before the change the notes were sent only once typing had paused for ${BEFORE.pause} ms, and the issue measured about ${ms(BEFORE.last)} at the median from the last key and ${ms(BEFORE.first)} from the first; now the median is ${ms(r.last.p50)} from the last key and ${ms(r.first.p50)} from the first.`,
    `The first-key figure includes the typing itself: a four-key word at one key every ${TYPING} ms takes ${ms(typing)} from its first key to its last, so it can only meet the mark if the word then shows in under ${ms(TARGET - typing)}; what the change bought there is that the first letters are already on B while the word is being finished.`,
    `Where the rest goes (the second table): the send interval is the largest part, ${ms(p.interval)} from A taking the last key to the typing being an edit on its way (\`NOTES_EVERY\`, ${NOTES_EVERY} ms after the first key not yet sent, then A's own work: the notes merged, the edit saved, the page's copy of the record worked out again; sooner when an interval started by an earlier key, or a pull of A's own, sends it first); then ${ms(p.queued)} until A's push goes (one push or pull at a time), ${ms(p.poke)} until B is poked on the live channel, ${ms(p.pull)} until B's pull is answered, and ${ms(p.merge)} for B to merge the notes and set the box; A takes ${ms(p.taken)} to take the key.`,
    `The server's own part of push → poke → pull is a few milliseconds (Results, row 5): the rest is the two browsers' work on cores shared by both browsers, the server and this script.`,
  ];
  if (r.key.p50 > r.last.p50 + 30) {
    text.push(
      `A key typed alone after a pause is slower than a word's last key mid-typing (${ms(r.key.p50)} against ${ms(r.last.p50)} at the median): its send interval and A's page work take ${ms(r.keyParts.interval)} and its push to the poke ${ms(r.keyParts.poke)}, against ${ms(p.interval)} and ${ms(p.poke)} while typing, though a plain 100 ms timer set in A's page after the same pause fires after ${ms(r.timer)}: the same work done after a second of idleness (on the page, the server and the machine) takes longer than done warm.`,
    );
  }
  const s = results[1];
  if (s) {
    text.push(`With device B on slow 4G the word shows ${ms(s.last.p50)} after its last key at the median and ${ms(s.last.p95)} at p95 (${verdict(s.last.p95, TARGET) === "pass" ? "within" : "outside"} the target): B's pull carries the 150 ms round trip: ${ms(s.parts.pull)} from the poke to its answer, of which the request itself took ${ms(s.parts.pullTook)}; for ${s.pullBusy} of ${s.split} words a pull of B's was still on its way when the poke came, and the pull that brought the word waited for it (one pull at a time; a key alone took ${ms(s.keyParts.pull)} from the poke, its request ${ms(s.keyParts.pullTook)}).`);
  }
  return text.join(" ");
}

// `doc` with this section put in: in place of the old one, else before "What makes the wasm
// large", else at the end.
function replaceSection(doc, text) {
  const at = doc.indexOf(`\n${HEADING}\n`);
  if (at >= 0) {
    const next = doc.indexOf("\n## ", at + 1);
    return `${doc.slice(0, at).trimEnd()}\n\n${text.trimEnd()}\n${next >= 0 ? doc.slice(next) : ""}`;
  }
  const before = doc.indexOf(`\n${BEFORE_HEADING}\n`);
  if (before >= 0) return `${doc.slice(0, before).trimEnd()}\n\n${text.trimEnd()}\n${doc.slice(before)}`;
  return `${doc.trimEnd()}\n\n${text.trimEnd()}\n`;
}

async function main() {
  await releaseBuild();
  const loadBefore = os.loadavg();
  const { child, dataDir } = await startServer();
  // Should the script be stopped half way, the server goes with it.
  process.on("exit", () => child.kill());
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const results = [];
  let meeting;
  try {
    const a = await open(browser, DEVICES.a);
    const { title, added } = await firstMeeting(a.page);
    meeting = added ? `"${title}", added for the run, as she has none in the demo` : `"${title}"`;
    const b = await open(browser, DEVICES.b);
    const boxA = await notesBox(a.page, title);
    const boxB = await notesBox(b.page, title);
    await b.page.evaluate(watch, await boxB.getAttribute("id"));
    await a.page.evaluate(instrument, null);
    await b.page.evaluate(instrument, MAGGIE.split("/")[2]);
    // A types at the end of the notes, its cursor there.
    await boxA.focus();
    await boxA.evaluate((el) => el.setSelectionRange(el.value.length, el.value.length));
    await inStep(a.page);
    await inStep(b.page);
    const loopback = await row("Loopback", a, b, boxA, boxB, 0, "loopback");
    results.push(loopback);
    if (slow) {
      const cdp = await b.context.newCDPSession(b.page);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", NETWORK);
      await sleep(2000);
      await inStep(b.page);
      results.push(await row("Slow 4G", a, b, boxA, boxB, loopback.next, "slow"));
      await cdp.send("Network.emulateNetworkConditions", UNTHROTTLED);
    }
  } finally {
    await browser.close();
    child.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const cpu = (os.cpus()[0]?.model ?? "unknown CPU").trim();
  const load = (l) => l.map((x) => x.toFixed(2)).join(" ");
  const machine = `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${new Date().toUTCString()}, Chromium ${browser.version()}; both browsers, the server and the script on these cores; load average (1/5/15 min) ${load(loadBefore)} when the run started, ${load(os.loadavg())} when it ended`;
  const text = section(results, machine, DEVICES.a, DEVICES.b, meeting);
  if (write) {
    const old = fs.existsSync(write) ? fs.readFileSync(write, "utf8") : "";
    fs.writeFileSync(write, replaceSection(old, text));
    console.log(`wrote ${write}`);
  } else {
    console.log(text);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
