// The phone benchmark: a first visit on a 360×740 phone with a 4× slower CPU and a slow-4G
// connection (DevTools protocol), timed by the browser itself. A script, not a test: it reports
// figures and never fails on them.
//
//   cargo leptos build --release --precompress --split
//   node end2end/bench/phone.mjs [--runs N] [--write docs/BENCHMARKS.md]
//
// For each of `/`, a person's page and their plan it records, over N cold loads (new browser
// profile, empty caches, signed in as the demo key worker Asha): time to first content (the
// browser's first-contentful-paint), time to hydrated (the app marks <body data-hydrated>),
// the bytes of the app's own files as they crossed the network, and on the plan the time from
// the last key of an edit to "All changes saved". Then, once every load is over, the server's
// render time per page, unthrottled (p50 of 50 requests). With --write it replaces the "Phone"
// section of the file.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromium } from "@playwright/test";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const runs = Number(option("--runs", "5"));
const write = option("--write", undefined);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const target = process.env.CARGO_TARGET_DIR ?? path.join(root, "target");
const serverBin = process.env.CIRCLE_E2E_SERVER ?? path.join(target, "release/server");
const siteRoot = process.env.LEPTOS_SITE_ROOT ?? path.join(target, "site");
const port = Number(process.env.CIRCLE_BENCH_PORT ?? 3190);
const base = `http://127.0.0.1:${port}`;
const MAGGIE = "01930000-0000-7000-8000-000000000b01";
const PAGES = [
  ["the list of people", "/"],
  ["Maggie's page", `/people/${MAGGIE}`],
  ["Maggie's plan", `/people/${MAGGIE}/plan`],
];
// Lighthouse's "slow 4G": 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up.
const NETWORK = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8) * 0.9, uploadThroughput: (750e3 / 8) * 0.9 };
const CPU_SLOWDOWN = 4;
const TARGETS = { firstContent: 1500, hydrated: 4000, render: 5 };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
const ms = (x) => `${Math.round(x).toLocaleString("en-GB")} ms`;
const kb = (x) => `${(x / 1024).toFixed(0)} KiB`;

async function startServer() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "circle-phone-bench-"));
  const child = spawn(serverBin, [], {
    env: { ...process.env, CIRCLE_DATA_DIR: dataDir, LEPTOS_SITE_ADDR: `127.0.0.1:${port}`, LEPTOS_SITE_ROOT: siteRoot, DATABASE_URL: "", RUST_LOG: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { child, dataDir };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`the server at ${serverBin} did not start`);
}

async function signedIn(browser) {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const response = await context.request.post("/auth/sign-in", {
    form: { email: "asha@riverside.example", password: "circle-demo-2026" },
    maxRedirects: 0,
  });
  if (response.status() !== 303) throw new Error(`sign-in answered ${response.status()}`);
  // When the app says it is interactive, and when an edit is confirmed saved.
  await context.addInitScript(() => {
    new MutationObserver(() => {
      if (!window.__hydratedAt && document.body?.dataset.hydrated) window.__hydratedAt = performance.now();
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-hydrated"] });
  });
  return context;
}

async function coldLoad(browser, url, edit) {
  const context = await signedIn(browser);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", NETWORK);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  const urls = new Map();
  let appBytes = 0;
  cdp.on("Network.responseReceived", (e) => urls.set(e.requestId, e.response.url));
  cdp.on("Network.loadingFinished", (e) => {
    const u = urls.get(e.requestId) ?? "";
    if (new URL(u, base).pathname.startsWith("/pkg/")) appBytes += e.encodedDataLength;
  });
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForSelector("body[data-hydrated]", { timeout: 60_000 });
  const timing = await page.evaluate(() => ({
    firstContent: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
    hydrated: window.__hydratedAt ?? NaN,
  }));
  let saved = NaN;
  if (edit) {
    const field = page.getByLabel("What matters to me", { exact: true });
    await field.click();
    const status = page.getByRole("status").first();
    await field.press("Control+End");
    await field.pressSequentially(" Tea at four.");
    // From the last key pressed: what the person waits for once they have typed.
    const started = Date.now();
    await page.waitForFunction(() => document.querySelector("[data-waiting]")?.getAttribute("data-waiting") !== "0", null, { timeout: 10_000 }).catch(() => undefined);
    await status.filter({ hasText: "All changes saved" }).waitFor({ timeout: 30_000 });
    saved = Date.now() - started;
  }
  await context.close();
  return { ...timing, appBytes, saved };
}

async function renderTimes(browser, url) {
  const context = await signedIn(browser);
  const times = [];
  for (let i = 0; i < 55; i++) {
    const started = performance.now();
    const response = await context.request.get(url);
    await response.body();
    if (i >= 5) times.push(performance.now() - started);
  }
  await context.close();
  return median(times);
}

function section(results, machine) {
  const lines = [
    "## Phone",
    "",
    "A first visit on a phone, measured by `end2end/bench/phone.mjs` (a script: figures are reported, never asserted). Re-run it after a release build rather than editing the figures:",
    "",
    "```sh",
    "cargo leptos build --release --precompress --split",
    `node end2end/bench/phone.mjs --runs ${runs} --write docs/BENCHMARKS.md`,
    "```",
    "",
    `Debian's Chromium, 360×740 at 2× (mobile, touch), CPU slowed ${CPU_SLOWDOWN}×, network slow 4G (150 ms round trip, 1.44 Mbit/s down, 675 kbit/s up), HTTP cache off: every load is a first visit. Signed in as the demo key worker Asha; ${runs} loads of each page, the median reported. Render: the same pages unthrottled, once every throttled load is over, p50 of 50 requests after 5 warm-up, measured by the client (HTTP included).`,
    "",
    "| Page | First content | Hydrated | App files over the network | Typed edit → saved | Server render p50 |",
    "|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    const verdict = (value, limit) => (value <= limit ? "pass" : "**FAIL**");
    lines.push(
      `| ${r.name} | ${ms(r.firstContent)} (< ${ms(TARGETS.firstContent)}: ${verdict(r.firstContent, TARGETS.firstContent)}) | ${ms(r.hydrated)} (< ${ms(TARGETS.hydrated)}: ${verdict(r.hydrated, TARGETS.hydrated)}) | ${kb(r.appBytes)} | ${Number.isNaN(r.saved) ? "—" : ms(r.saved)} | ${r.render.toFixed(2)} ms (< ${TARGETS.render} ms: ${verdict(r.render, TARGETS.render)}) |`,
    );
  }
  // This build's files, from the hash file beside the server (the names it serves) and the
  // split manifest: the app's frame (the main wasm, its JS, the split loader, the stylesheet)
  // loads on every page; each lazily loaded group of pages adds its own files.
  const pkg = path.join(siteRoot, "pkg");
  const hashes = Object.fromEntries(
    fs.readFileSync(path.join(path.dirname(serverBin), "hash.txt"), "utf8").split("\n")
      .map((line) => line.split(":").map((x) => x.trim())).filter((kv) => kv.length === 2 && kv[1]),
  );
  const size = (file, suffix) => {
    const p = path.join(pkg, file + suffix);
    return fs.existsSync(p) ? fs.statSync(p).size : NaN;
  };
  const frame = [`circle.${hashes.wasm}.wasm`, `circle.${hashes.js}.js`, `circle.${hashes.css}.css`];
  if (hashes.split) frame.push(`__wasm_split.${hashes.split}.js`);
  const manifest = hashes.manifest
    ? JSON.parse(fs.readFileSync(path.join(pkg, `__wasm_split_manifest.${hashes.manifest}.json`), "utf8"))
    : {};
  const total = (files, suffix) => files.reduce((sum, f) => sum + size(f, suffix), 0);
  const brotli = (files) => total(files, ".br");
  const sizes = (files) => `${kb(total(files, ""))} | ${kb(total(files, ".gz"))} | ${kb(brotli(files))}`;
  const frameBytes = brotli(frame);
  const target = (bytes) => `target ≤ 300 KB: ${bytes <= 300 * 1000 ? "pass" : "**FAIL**"}`;
  lines.push(
    "",
    "This build's files (`$LEPTOS_SITE_ROOT/pkg`, as served: brotli and gzip made by `--precompress`). The frame loads on every page and holds the list of people and a person's page; each other group of pages is a part of its own (its file and the chunks of code it shares with other parts), loaded when a page of it is opened:",
    "",
    "| Files | Count | Plain | gzip | brotli | First load of a page there (brotli, with the frame) |",
    "|---|---|---|---|---|---|",
  );
  for (const file of frame) lines.push(`| \`${file.replace(/\.[A-Za-z0-9_-]{16,}\./, ".….")}\` | 1 | ${sizes([file])} | |`);
  lines.push(`| the frame in all (\`/\`, a person's page) | ${frame.length} | ${sizes(frame)} | ${kb(frameBytes)} (${target(frameBytes)}) |`);
  for (const [part, names] of Object.entries(manifest).sort()) {
    const files = names.map((n) => `${n}.wasm`);
    const label = part.replace(/_\d+$/, "");
    // Parts that are not pages load once a page is up, not before it shows.
    const after = AFTER_A_PAGE[label];
    const first = frameBytes + brotli(files);
    const column = after ? `— (${after})` : `${kb(first)} (${target(first)})`;
    lines.push(`| part \`${label}\` | ${files.length} | ${sizes(files)} | ${column} |`);
  }
  lines.push("", `Machine: ${machine}.`, "");
  return lines.join("\n");
}

// The parts that hold no page, and when they load.
const AFTER_A_PAGE = {
  text_merger: "merges meeting notes: loaded once a page with a record is up",
  forget_copies_made_under_old_access: "clean-up after an access change, only then",
};

async function main() {
  if (!fs.existsSync(serverBin)) throw new Error(`no server at ${serverBin}: run cargo leptos build --release --precompress --split first`);
  const { child, dataDir } = await startServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const results = [];
  try {
    const loadsOf = new Map();
    for (const [name, url] of PAGES) {
      const loads = [];
      for (let i = 0; i < runs; i++) loads.push(await coldLoad(browser, url, url.endsWith("/plan")));
      loadsOf.set(url, loads);
    }
    // The server's render times are taken once the throttled loads are over and the browser has
    // settled: on 2 cores a browser still closing its pages (or its worker still fetching the
    // app's files) competes with the server and doubled one page's figure from run to run.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    for (const [name, url] of PAGES) {
      const loads = loadsOf.get(url);
      const render = await renderTimes(browser, url);
      const result = {
        name,
        firstContent: median(loads.map((l) => l.firstContent)),
        hydrated: median(loads.map((l) => l.hydrated)),
        appBytes: median(loads.map((l) => l.appBytes)),
        saved: median(loads.map((l) => l.saved)),
        render,
      };
      console.log(`${name}: first content ${ms(result.firstContent)}, hydrated ${ms(result.hydrated)}, app files ${kb(result.appBytes)}, saved ${ms(result.saved)}, render p50 ${result.render.toFixed(2)} ms`);
      results.push(result);
    }
  } finally {
    await browser.close();
    child.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const cpu = (os.cpus()[0]?.model ?? "unknown CPU").trim();
  const machine = `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${new Date().toUTCString()}, Chromium ${browser.version()}`;
  const text = section(results, machine);
  if (write) {
    const old = fs.existsSync(write) ? fs.readFileSync(write, "utf8") : "";
    // Only this section is replaced; those before and after it are kept.
    const at = old.indexOf("\n## Phone\n");
    const next = at >= 0 ? old.indexOf("\n## ", at + 1) : -1;
    const before = (at >= 0 ? old.slice(0, at) : old).trimEnd();
    const after = next >= 0 ? `\n${old.slice(next + 1)}` : "";
    fs.writeFileSync(write, `${before}\n\n${text}${after}`);
    console.log(`wrote ${write}`);
  } else {
    console.log(text);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
