import { type Page, expect, test } from "@playwright/test";
import { everythingStored, goOffline, goOnline, openMenu, signedInContext } from "./fixtures";

// Invitations and consent by topic, across devices. Runs on the sync servers (one per viewport),
// which these tests change.

test.describe.configure({ mode: "serial" });

const MAGGIE_ID = "01930000-0000-7000-8000-000000000b01";
const DAN = "/people/01930000-0000-7000-8000-000000000b02";

/** Every page this browser keeps for offline use, as one text (empty when none). */
function cachedPages(page: Page): Promise<string> {
  return page.evaluate(async () => {
    let all = "";
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const response = await cache.match(request);
        const type = response?.headers.get("content-type") ?? "";
        if (response && type.includes("text/html")) all += `\n${request.url}\n${await response.text()}`;
      }
    }
    return all;
  });
}

/** What this browser keeps of a person's record in IndexedDB (empty when nothing): every
 * entry under their id (`m.<person>`, `r.<person>.<kind>.<id>`, `o.` and `x.` for edits), as one
 * text. */
function stored(page: Page, person: string): Promise<string> {
  return page.evaluate(
    (person) =>
      new Promise<string>((resolve) => {
        const open = indexedDB.open("circle");
        open.onerror = () => resolve("");
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("plans")) return resolve("");
          const store = db.transaction("plans").objectStore("plans");
          const keys = store.getAllKeys();
          const values = store.getAll();
          values.onsuccess = () => {
            const mine = keys.result
              .map((key, i) => [String(key), values.result[i]] as const)
              .filter(([key]) => key.split(".")[1] === person)
              .map(([key, value]) => `${key}=${value}`);
            resolve(mine.join("\n"));
          };
          values.onerror = () => resolve("");
        };
      }),
    person,
  );
}

test("a relative accepts an invitation on their own device and sees only what is shared", async ({ browser }) => {
  const staff = await signedInContext(browser, "tom@elmcourt.example");
  const tom = await staff.newPage();
  await tom.goto(`${DAN}/circle`);
  // (A name and address of its own each try: a retry runs on the same server.)
  const kimName = `Kim Price ${Date.now() % 100_000}`;
  await tom.getByLabel("Their name").fill(kimName);
  await tom.getByLabel("Their email").fill(`kim.${Date.now()}@family.example`);
  await tom.getByLabel("Who they are to the person").selectOption({ label: "Family or friend" });
  await tom.getByRole("button", { name: "Make an invitation link" }).click();
  await expect(tom.getByRole("status")).toContainText("Invitation made");
  const link = (await tom.locator(".invitation-link code").textContent())?.trim() ?? "";
  expect(link).toMatch(/^\/invitations\//);

  const kimContext = await browser.newContext();
  const kim = await kimContext.newPage();
  await kim.goto(link);
  await kim.getByLabel("Choose a password").fill("kims own long password");
  await kim.getByLabel("Type it again").fill("kims own long password");
  await kim.getByRole("button", { name: "Join" }).click();
  await expect(kim.getByRole("heading", { level: 1, name: "Dan" })).toBeVisible();
  await expect(kim.getByRole("note")).toContainText("hasn't shared any part of their record with you yet");

  // Dan tells Tom he wants Kim to see his goals, and nothing else.
  await tom.goto(`${DAN}/circle`);
  await tom.getByRole("group", { name: `${kimName} (Family or friend)` }).getByLabel(/^Goals and progress/).check();
  await tom
    .getByRole("region", { name: "Who sees what" })
    .getByLabel("On what basis are you recording this?")
    .fill("Dan asked me at his review today");
  await tom.getByRole("button", { name: "Save who sees what" }).click();
  await expect(tom.getByRole("status")).toContainText("1 change(s)");

  await kim.goto(`${DAN}/plan`);
  await expect(kim.getByRole("heading", { name: "My goals" })).toBeVisible();
  await expect(kim.getByRole("heading", { name: "About me" })).toHaveCount(0);
  await expect(kim.getByRole("heading", { name: "Meetings and reviews" })).toHaveCount(0);
  // The link worked once only.
  const again = await (await browser.newContext()).newPage();
  await again.goto(link);
  await again.getByLabel("Choose a password").fill("someone elses password");
  await again.getByLabel("Type it again").fill("someone elses password");
  await again.getByRole("button", { name: "Join" }).click();
  await expect(again.getByRole("alert")).toContainText("already been used");
  await staff.close();
  await kimContext.close();
});

test("a topic revoked while a relative is offline leaves their browser's storage and screen when it reconnects", async ({
  browser,
}) => {
  const support = "Stand back and let me try two steps";
  const ruthContext = await signedInContext(browser, "ruth@family.example");
  const ruth = await ruthContext.newPage();
  await ruth.goto(`/people/${MAGGIE_ID}/plan`);
  await expect(ruth.locator("body[data-hydrated]")).toHaveCount(1);
  await expect(ruth.getByRole("status")).toContainText("All changes saved");
  await expect(ruth.getByLabel("How best to support me", { exact: true })).toHaveValue(new RegExp(support));
  await expect.poll(() => stored(ruth, MAGGIE_ID)).toContain(support);

  await goOffline(ruthContext);
  const maggieContext = await signedInContext(browser, "maggie@home.example");
  const maggie = await maggieContext.newPage();
  await maggie.goto(`/people/${MAGGIE_ID}/circle`);
  await maggie.getByRole("group", { name: "Ruth Okafor (Family or friend)" }).getByLabel(/^About me/).uncheck();
  await maggie.getByRole("button", { name: "Save who sees what" }).click();
  await expect(maggie.getByRole("status")).toContainText("1 change(s)");

  await goOnline(ruthContext);
  await expect.poll(() => stored(ruth, MAGGIE_ID), { timeout: 30_000 }).not.toContain(support);
  // The copy is still there, made afresh for what Ruth may see now, without About me.
  const copy = await stored(ruth, MAGGIE_ID);
  expect(copy).toContain('"topics":["goals_and_progress","daily_living","involvement"]');
  expect(copy).not.toContain(`r.${MAGGIE_ID}.about_me.`);
  // The section goes from the screen at once, without a reload.
  await expect(ruth.getByRole("heading", { name: "About me" })).toHaveCount(0);
  await expect(ruth.getByText(support)).toHaveCount(0);
  await ruth.reload();
  await expect(ruth.getByRole("heading", { name: "About me" })).toHaveCount(0);
  await expect(ruth.getByRole("heading", { name: "My goals" })).toBeVisible();
  await ruthContext.close();
  await maggieContext.close();
});

test("signing out wipes this device's copy, after warning about edits not yet sent", async ({ browser }) => {
  const context = await signedInContext(browser, "asha@riverside.example");
  const page = await context.newPage();
  await page.goto(`/people/${MAGGIE_ID}/plan`);
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await expect(page.getByRole("status")).toContainText("All changes saved");
  await goOffline(context);
  // (A field the sync tests, which run beside these on the same server, never look at.)
  const admired = page.getByLabel("What people like and admire about me", { exact: true });
  await admired.fill("Her allotment, her crosswords and her laugh");
  await admired.blur();
  await expect(page.getByRole("status")).toContainText("1 edit waiting on this device");
  // With an edit waiting, signing out asks first; saying no keeps everything.
  page.once("dialog", (dialog) => dialog.dismiss());
  await openMenu(page);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Not signed out" })).toBeVisible();
  expect(await stored(page, MAGGIE_ID)).toContain("Her allotment, her crosswords and her laugh");
  // Back online the edit is sent; signing out then wipes the device without asking.
  await goOnline(context);
  await expect(page.getByRole("status")).toContainText("All changes saved", { timeout: 30_000 });
  await openMenu(page);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sign in to Circle" })).toBeVisible();
  expect(await stored(page, MAGGIE_ID)).toBe("");
  const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("circle.")));
  expect(kept).toEqual([]);
  await context.close();
});

test("the person agrees an early warning and the person it names sees when they may be contacted", async ({
  browser,
}) => {
  const maggieContext = await signedInContext(browser, "maggie@home.example");
  const maggie = await maggieContext.newPage();
  await maggie.goto(`/people/${MAGGIE_ID}`);
  await maggie.getByRole("link", { name: "My circle: who sees what" }).click();
  await maggie.getByLabel("If staff notice").fill("I am eating much less than usual");
  await maggie.getByLabel("they may contact").selectOption({ label: "Ruth Okafor" });
  await maggie.getByRole("button", { name: "Agree this early warning" }).click();
  await expect(maggie.getByRole("status")).toContainText("Early warning saved");
  await expect(maggie.getByText("If “I am eating much less than usual” is seen, staff may contact Ruth Okafor")).toBeVisible();

  const ruthContext = await signedInContext(browser, "ruth@family.example");
  const ruth = await ruthContext.newPage();
  await ruth.goto(`/people/${MAGGIE_ID}`);
  const warnings = ruth.getByRole("region", { name: "When staff may contact you" });
  await expect(warnings.getByRole("listitem")).toHaveText(["I am eating much less than usual"]);
  await maggieContext.close();
  await ruthContext.close();
});

test("an administrator gives a new key worker a role, and they join through their link", async ({ browser }) => {
  const adminContext = await signedInContext(browser, "admin@circle.example");
  const admin = await adminContext.newPage();
  await admin.goto("/");
  await openMenu(admin);
  await admin.getByRole("link", { name: "Administration" }).click();
  // (A name and address of its own each try: a retry runs on the same server.)
  const try_ = Date.now() % 100_000;
  const beaName = `Bea Lowe ${try_}`;
  await admin.getByLabel("Name (for someone new)").fill(beaName);
  await admin.getByLabel("Email", { exact: true }).fill(`bea.${try_}@riverside.example`);
  await admin.getByLabel("Service", { exact: true }).selectOption({ label: "Riverside Reablement" });
  await admin.getByLabel("Role", { exact: true }).selectOption({ label: "Key worker" });
  await admin.getByRole("button", { name: "Give this role" }).click();
  await expect(admin.getByRole("status")).toContainText("Role given");
  await expect(admin.getByRole("cell", { name: beaName, exact: true })).toBeVisible();
  const link = (await admin.locator(".invitation-link code").textContent())?.trim() ?? "";
  expect(link).toMatch(/^\/invitations\//);

  const beaContext = await browser.newContext();
  const bea = await beaContext.newPage();
  await bea.goto(link);
  await bea.getByLabel("Choose a password").fill("beas own long password");
  await bea.getByLabel("Type it again").fill("beas own long password");
  await bea.getByRole("button", { name: "Join" }).click();
  await expect(bea.getByRole("heading", { level: 1, name: "People we support" })).toBeVisible();
  const people = bea.getByRole("list", { name: "People supported" });
  await expect(people.getByRole("link")).toHaveCount(1);
  await expect(people.getByRole("link", { name: "Maggie", exact: true })).toBeVisible();
  await adminContext.close();
  await beaContext.close();
});

test("an administrator adds a service and renames it, and both changes are listed", async ({ browser }) => {
  const context = await signedInContext(browser, "admin@circle.example");
  const admin = await context.newPage();
  await admin.goto("/admin");
  await admin.getByLabel("Name of the new service").fill("Hillside Reablement");
  await admin.getByLabel("Kind of support").selectOption({ label: "Reablement" });
  await admin.getByRole("button", { name: "Add service" }).click();
  await expect(admin.getByRole("status")).toContainText("Service added");

  await admin.getByLabel("Name of Hillside Reablement (Reablement)").fill("Hillside Reablement Team");
  await admin.getByRole("button", { name: "Rename Hillside Reablement" }).click();
  await expect(admin.getByRole("status")).toContainText("Service renamed");
  const recent = admin.getByRole("region", { name: "Recent changes to staff and services" });
  await expect(recent).toContainText("Added the service Hillside Reablement");
  await expect(recent).toContainText("Renamed the service Hillside Reablement to Hillside Reablement Team");
  // Its administrator can now give roles in it.
  await expect(
    admin.getByLabel("Service", { exact: true }).locator("option", { hasText: "Hillside Reablement Team" }),
  ).toHaveCount(1);
  await context.close();
});

test("a topic unshared leaves every offline copy of the relative's pages, storage and screen", async ({ browser }) => {
  const support = "Use short sentences and pictures";
  const leeContext = await signedInContext(browser, "lee@advocacy.example");
  const lee = await leeContext.newPage();
  // Lee opens Dan's page and plan: both are kept on the device for offline use.
  await lee.goto(DAN);
  await expect(lee.locator("body[data-hydrated]")).toHaveCount(1);
  // On a first visit the page is kept once the service worker is ready: wait for it, as a
  // person reading the page would have (leaving at once, the request to keep it goes too).
  await expect.poll(() => cachedPages(lee), { timeout: 20_000 }).toContain(`${DAN}\n`);
  await lee.goto(`${DAN}/plan`);
  await expect(lee.locator("body[data-hydrated]")).toHaveCount(1);
  await expect(lee.getByRole("status")).toContainText("All changes saved");
  await expect.poll(() => cachedPages(lee), { timeout: 20_000 }).toContain(support);
  await expect.poll(() => everythingStored(lee)).toContain(support);

  // Dan tells Tom that Lee should no longer see "About me".
  const tomContext = await signedInContext(browser, "tom@elmcourt.example");
  const tom = await tomContext.newPage();
  await tom.goto(`${DAN}/circle`);
  await tom.getByRole("group", { name: "Lee Morgan (Advocate (Care Act))" }).getByLabel(/^About me/).uncheck();
  await tom
    .getByRole("region", { name: "Who sees what" })
    .getByLabel("On what basis are you recording this?")
    .fill("Dan asked me at his review today");
  await tom.getByRole("button", { name: "Save who sees what" }).click();
  await expect(tom.getByRole("status")).toContainText("1 change(s)");

  // Lee's open plan syncs: nothing of About me is left anywhere on the device.
  await expect(lee.getByRole("heading", { name: "About me" })).toHaveCount(0, { timeout: 30_000 });
  await expect.poll(() => everythingStored(lee), { timeout: 30_000 }).not.toContain(support);
  await expect.poll(() => cachedPages(lee), { timeout: 30_000 }).not.toContain(support);
  expect(await lee.content()).not.toContain(support);
  // Offline, the page kept is the new one, without it.
  await goOffline(leeContext);
  await lee.goto(DAN);
  await expect(lee.getByRole("heading", { level: 1, name: "Dan" })).toBeVisible();
  expect(await lee.content()).not.toContain(support);
  await goOnline(leeContext);
  await leeContext.close();
  await tomContext.close();
});

test("markup a relative types into a goal stays text on the manager's screen", async ({ browser }) => {
  const planted =
    'Walk to the shop</textarea><meta http-equiv="refresh" content="0;url=https://evil.example/"><b id="planted">x</b>';
  const ruthContext = await signedInContext(browser, "ruth@family.example");
  const ruth = await ruthContext.newPage();
  await ruth.goto(`/people/${MAGGIE_ID}/plan`);
  await expect(ruth.locator("body[data-hydrated]")).toHaveCount(1);
  const goals = ruth.getByRole("region", { name: "My goals" });
  // Make room for one more goal if the other tests filled them.
  while ((await goals.getByRole("button", { name: /^Remove this goal/ }).count()) >= 3) {
    await goals.getByRole("button", { name: /^Remove this goal/ }).first().click();
  }
  await ruth.getByLabel("A new goal, in my own words").fill(planted);
  await ruth.getByRole("button", { name: "Add goal" }).click();
  await expect(ruth.getByRole("status")).toContainText("All changes saved", { timeout: 30_000 });

  const graceContext = await signedInContext(browser);
  const grace = await graceContext.newPage();
  await grace.goto(`/people/${MAGGIE_ID}/plan`);
  await expect(grace.locator("body[data-hydrated]")).toHaveCount(1);
  await expect(grace.getByRole("textbox", { name: "Goal", exact: true }).last()).toHaveValue(planted);
  await grace.waitForTimeout(1_000); // a refresh meta would have fired by now
  expect(new URL(grace.url()).pathname).toBe(`/people/${MAGGIE_ID}/plan`);
  await expect(grace.locator("meta[http-equiv]")).toHaveCount(0);
  await expect(grace.locator("#planted")).toHaveCount(0);
  await ruthContext.close();
  await graceContext.close();
});
