import { defineConfig } from "@playwright/test";
import * as os from "node:os";
import * as path from "node:path";

// The server under test: the release binary built by `cargo leptos build --release`, on its own
// port with a fresh embedded database holding the demo data. scripts/test.sh sets these.
const port = Number(process.env.CIRCLE_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const targetDir = process.env.CARGO_TARGET_DIR ?? path.resolve(__dirname, "../target");
const server = process.env.CIRCLE_E2E_SERVER ?? path.join(targetDir, "release/server");
const siteRoot = process.env.LEPTOS_SITE_ROOT ?? path.join(targetDir, "site");
const dataDir = path.join(os.tmpdir(), `circle-e2e-${process.pid}`);

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

export default defineConfig({
  testDir: "./tests",
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: true,
  reporter: [["list"]],
  use: { baseURL, trace: "retain-on-failure" },
  projects: [
    // Every page, server-rendered only: what a browser with JavaScript off gets.
    { name: "phone-no-js", use: { ...chromium, ...phone, javaScriptEnabled: false }, testMatch: /pages\.spec|no-js\.spec/ },
    { name: "tablet-no-js", use: { ...chromium, ...tablet, javaScriptEnabled: false }, testMatch: /pages\.spec|no-js\.spec/ },
    // Every page again, hydrated, plus what only works once the app is interactive.
    { name: "phone", use: { ...chromium, ...phone }, testMatch: /pages\.spec|hydrated\.spec/ },
    { name: "tablet", use: { ...chromium, ...tablet }, testMatch: /pages\.spec|hydrated\.spec/ },
  ],
  webServer: {
    command: `rm -rf "${dataDir}" && "${server}"`,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      CIRCLE_DATA_DIR: dataDir,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: siteRoot,
      DATABASE_URL: "",
      RUST_LOG: "warn",
    },
  },
});
