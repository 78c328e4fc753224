import { expect, test } from "@playwright/test";
import { signedInContext, signIn, storedKeys } from "./fixtures";

// A shared tablet: one person's session ends by itself (this server ends sessions after 3 idle
// seconds) and someone else signs in on the same browser. Runs on its own server.

const MAGGIE_ID = "01930000-0000-7000-8000-000000000b01";

test("after one person's session times out, the next person to sign in never gets their copies", async ({
  browser,
}) => {
  const tablet = await signedInContext(browser, "ruth@family.example");
  const page = await tablet.newPage();
  await page.goto(`/people/${MAGGIE_ID}/plan`);
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await expect.poll(() => storedKeys(page)).toContain(`m.${MAGGIE_ID}`);
  // Ruth leaves the tablet without signing out; her session ends by itself.
  await page.goto("about:blank");
  await page.waitForTimeout(4_500);
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Sign in to Circle" })).toBeVisible();
  // Anil signs in on the same tablet and lands on the list, not on a plan page: Ruth's copies
  // are wiped before anything else runs.
  await signIn(tablet, "anil@family.example");
  await page.goto("/");
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  // Nothing of Maggie's record is left: not its copy, not its device id (kept in `m.<person>`).
  await expect
    .poll(async () => (await storedKeys(page)).filter((key) => key.includes(MAGGIE_ID)))
    .toEqual([]);
  const pages = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
    }
    return urls;
  });
  expect(pages.filter((p) => p.includes(MAGGIE_ID))).toEqual([]);
  await tablet.close();
});

test("a session in use stays open past the idle time", async ({ browser }) => {
  const context = await signedInContext(browser, "asha@riverside.example");
  const page = await context.newPage();
  for (let i = 0; i < 6; i++) {
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1, name: "People we support" })).toBeVisible();
    await page.waitForTimeout(1_000);
  }
  await context.close();
});
