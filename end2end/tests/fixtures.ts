import { type Browser, type BrowserContext, type Page, test as base, expect } from "@playwright/test";

// Every page but sign-in needs a signed-in user. The demo accounts (README) share one password.
export const PASSWORD = "circle-demo-2026";
export const MANAGER = "grace@circle.example";
/** The letters the local SMTP sink has kept (smtp-sink.mjs, started by playwright.config.ts). */
export const MAILBOX = `http://127.0.0.1:${Number(process.env.CIRCLE_E2E_PORT ?? 3100) + 11}/messages`;

/** Signs the context's browser in as `email` (its cookie then goes with every page). */
export async function signIn(context: BrowserContext, email = MANAGER) {
  const response = await context.request.post("/auth/sign-in", {
    form: { email, password: PASSWORD },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(303);
  expect(response.headers()["location"]).not.toContain("/sign-in");
}

/** A new browser (its own storage: another device), signed in. */
export async function signedInContext(browser: Browser, email = MANAGER): Promise<BrowserContext> {
  const context = await browser.newContext();
  await signIn(context, email);
  return context;
}

/** `page` is signed in as the demo registered manager. */
export const test = base.extend<{ page: Page }>({
  page: async ({ page }, use) => {
    await signIn(page.context());
    await use(page);
  },
});

export { expect };

/**
 * Takes a browser (its context: one device) off the network: it reports itself offline and
 * Circle's requests fail. (Chromium's offline emulation has been seen to let one request reach
 * the server while reporting it failed, which a device with no signal could not do; so the
 * tests never depend on the moment an offline device's edit would have been sent.)
 */
export async function goOffline(context: BrowserContext) {
  await context.route("**/api/**", (route) => route.abort("internetdisconnected"));
  await context.setOffline(true);
}

/** Brings a device taken off by `goOffline` back onto the network. */
export async function goOnline(context: BrowserContext) {
  await context.unroute("**/api/**");
  await context.setOffline(false);
}

/**
 * Opens the header's menu where the page shows one (phones and tablets; from 900px wide the
 * navigation is in the bar itself), so that its links and Sign out can be used.
 */
export async function openMenu(page: Page) {
  const menu = page.locator("details.menu");
  if ((await menu.isVisible()) && (await menu.getAttribute("open")) === null) {
    await menu.locator("summary").click();
  }
}

/** Everything this browser holds for Circle in IndexedDB and local storage, as one text. */
export function everythingStored(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const local = Object.keys(localStorage)
          .map((k) => `${k}=${localStorage.getItem(k)}`)
          .join("\n");
        const open = indexedDB.open("circle");
        open.onerror = () => resolve(local);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("plans")) return resolve(local);
          const all = db.transaction("plans").objectStore("plans").getAll();
          all.onsuccess = () => resolve(`${local}\n${JSON.stringify(all.result)}`);
          all.onerror = () => resolve(local);
        };
      }),
  );
}

/** The keys of everything this browser keeps for Circle: IndexedDB entries and local storage. */
export function storedKeys(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve) => {
        const local = Object.keys(localStorage).filter((k) => k.startsWith("circle."));
        const open = indexedDB.open("circle");
        open.onerror = () => resolve(local);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("plans")) return resolve(local);
          const all = db.transaction("plans").objectStore("plans").getAllKeys();
          all.onsuccess = () => resolve([...local, ...all.result.map(String)]);
          all.onerror = () => resolve(local);
        };
      }),
  );
}

/** Waits until the service worker controls the page and holds `path` (default: this page). */
export async function keptOffline(page: Page, path?: string) {
  await expect
    .poll(() =>
      page.evaluate(async (p) => {
        const hit = await caches.match(p ?? location.pathname);
        return hit !== undefined && navigator.serviceWorker.controller !== null;
      }, path),
    )
    .toBe(true);
}
