import { defineConfig } from "@playwright/test";
import * as os from "node:os";
import * as path from "node:path";

// The server under test: the release binary built by `cargo leptos build --release`, on its own
// port with a fresh embedded database holding the demo data. scripts/test.sh sets these.
const port = Number(process.env.CIRCLE_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
// The sync tests edit plans, so each viewport gets a server and database of its own.
const phoneSyncPort = port + 1;
const tabletSyncPort = port + 2;
// Sessions here end after 3 idle seconds, for what a shared tablet does once one has timed out.
const idlePort = port + 3;
// The local SMTP sink the sync servers send email to (smtp-sink.mjs); tests read what it kept
// at port + 11 (fixtures.ts, MAILBOX).
const smtpPort = port + 10;
const targetDir = process.env.CARGO_TARGET_DIR ?? path.resolve(__dirname, "../target");
const server = process.env.CIRCLE_E2E_SERVER ?? path.join(targetDir, "release/server");
const siteRoot = process.env.LEPTOS_SITE_ROOT ?? path.join(targetDir, "site");
const dataDir = (p: number) => path.join(os.tmpdir(), `circle-e2e-${process.pid}-${p}`);

const chromium = {
  browserName: "chromium" as const,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  },
};
const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
const tablet = { viewport: { width: 768, height: 1024 }, isMobile: true, hasTouch: true };
const desktop = { viewport: { width: 1280, height: 800 } };

export default defineConfig({
  testDir: "./tests",
  fullyParallel: true,
  workers: 2,
  // As for the Rust tests (.config/nextest.toml): a test that fails gets one more try, and one
  // that then passes is reported as flaky in the summary, to be looked into, not hidden.
  retries: 1,
  forbidOnly: true,
  reporter: [["list"]],
  use: { baseURL, trace: "retain-on-failure" },
  projects: [
    // Every page, server-rendered only: what a browser with JavaScript off gets.
    { name: "phone-no-js", use: { ...chromium, ...phone, javaScriptEnabled: false }, testMatch: /pages\.spec|no-js\.spec|account\.spec|easy-read\.spec/ },
    { name: "tablet-no-js", use: { ...chromium, ...tablet, javaScriptEnabled: false }, testMatch: /pages\.spec|no-js\.spec|account\.spec|easy-read\.spec/ },
    // Every page again, hydrated, plus what only works once the app is interactive.
    { name: "phone", use: { ...chromium, ...phone }, testMatch: /pages\.spec|hydrated\.spec|account\.spec|assets\.spec|a11y\.spec|easy-read\.spec|governance\.spec/ },
    { name: "tablet", use: { ...chromium, ...tablet }, testMatch: /pages\.spec|hydrated\.spec|account\.spec|assets\.spec|a11y\.spec|easy-read\.spec|governance\.spec/ },
    // What managers read at a desk: the governance dashboard.
    { name: "desktop", use: { ...chromium, ...desktop }, testMatch: /governance\.spec/ },
    // Several devices editing one plan, online and offline: one file at a time per server. A
    // test here drives three or four browsers through a dozen pages each, beside the other
    // worker on a 2-core machine, so it gets a minute rather than the default 30 seconds.
    { name: "phone-sync", use: { ...chromium, ...phone, baseURL: `http://127.0.0.1:${phoneSyncPort}` }, testMatch: /sync\.spec|circle\.spec|involvement\.spec|people\.spec|progress\.spec|meetings\.spec/, fullyParallel: false, timeout: 60_000 },
    { name: "tablet-sync", use: { ...chromium, ...tablet, baseURL: `http://127.0.0.1:${tabletSyncPort}` }, testMatch: /sync\.spec|circle\.spec|involvement\.spec|people\.spec|progress\.spec|meetings\.spec/, fullyParallel: false, timeout: 60_000 },
    { name: "phone-idle", use: { ...chromium, ...phone, baseURL: `http://127.0.0.1:${idlePort}` }, testMatch: /idle\.spec/, fullyParallel: false },
    { name: "tablet-idle", use: { ...chromium, ...tablet, baseURL: `http://127.0.0.1:${idlePort}` }, testMatch: /idle\.spec/, fullyParallel: false },
  ],
  webServer: [
    {
      command: `node smtp-sink.mjs ${smtpPort} ${port + 11}`,
      url: `http://127.0.0.1:${port + 11}/healthz`,
      reuseExistingServer: false,
      timeout: 10_000,
    },
    ...[port, phoneSyncPort, tabletSyncPort, idlePort].map((p) => ({
    command: `rm -rf "${dataDir(p)}" && "${server}"`,
    url: `http://127.0.0.1:${p}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore" as const,
    stderr: "pipe" as const,
    env: {
      CIRCLE_DATA_DIR: dataDir(p),
      LEPTOS_SITE_ADDR: `127.0.0.1:${p}`,
      LEPTOS_SITE_ROOT: siteRoot,
      DATABASE_URL: "",
      RUST_LOG: "warn",
      CIRCLE_SESSION_IDLE: p === idlePort ? "3s" : "30m",
      // The sync servers email through the local sink; the others have no relay.
      ...(p === phoneSyncPort || p === tabletSyncPort
        ? { CIRCLE_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, CIRCLE_MAIL_FROM: "Circle <circle@circle.example>" }
        : {}),
    },
  })),
  ],
});
