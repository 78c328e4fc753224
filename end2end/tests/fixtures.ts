import { type Browser, type BrowserContext, type Page, test as base, expect } from "@playwright/test";

// Every page but sign-in needs a signed-in user. The demo accounts (README) share one password.
export const PASSWORD = "circle-demo-2026";
export const MANAGER = "grace@circle.example";

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
