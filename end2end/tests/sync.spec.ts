import { type Browser, type BrowserContext, type Page, expect, test } from "@playwright/test";
import { goOffline, goOnline, keptOffline, openMenu, signedInContext } from "./fixtures";

// Several devices on one plan, online and offline. Each viewport has its own server (see
// playwright.config.ts) and these run one after another on it, each on its own person's plan.

test.describe.configure({ mode: "serial" });

const MAGGIE = "/people/01930000-0000-7000-8000-000000000b01/plan";
const DAN = "/people/01930000-0000-7000-8000-000000000b02/plan";
const PRIYA = "/people/01930000-0000-7000-8000-000000000b03/plan";

/** A new browser (its own storage: another device) with the plan open and in step. */
async function device(browser: Browser, plan: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await signedInContext(browser);
  const page = await context.newPage();
  await open(page, plan);
  return { context, page };
}

async function open(page: Page, plan: string) {
  await page.goto(plan);
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await expect(page.getByRole("status")).toContainText("All changes saved");
}

/**
 * Waits until the server's copy of the plan holds `text` (the status line alone can lag): every
 * page of a pull from the start, as a device's first pull reads them (a page holds at most
 * 1,000 records, and the newest edit comes last).
 */
async function onServer(page: Page, plan: string, text: string) {
  const person = plan.split("/")[2];
  await expect
    .poll(async () => {
      let since = 0;
      let pages = "";
      for (;;) {
        const answer = await (await page.request.post("/api/sync/pull", { data: { person, since } })).json();
        pages += JSON.stringify(answer.records ?? []);
        if (!(answer.through > since) || answer.through >= answer.version) return pages;
        since = answer.through;
      }
    })
    .toContain(text);
}

async function typeInto(page: Page, label: string, text: string) {
  const box = page.getByLabel(label, { exact: true });
  await box.fill(text);
  await box.blur();
}

test("an edit on one device appears on another without a reload", async ({ browser }) => {
  const a = await device(browser, MAGGIE);
  const b = await device(browser, MAGGIE);
  await typeInto(a.page, "My hobbies and interests", "Baking bread with my granddaughter");
  await expect(a.page.getByRole("status")).toContainText("All changes saved");
  await expect(b.page.getByLabel("My hobbies and interests", { exact: true })).toHaveValue(
    "Baking bread with my granddaughter",
  );
  // And it is on the server: a third device opening the plan now sees it.
  const c = await device(browser, MAGGIE);
  await expect(c.page.getByLabel("My hobbies and interests", { exact: true })).toHaveValue(
    "Baking bread with my granddaughter",
  );
  for (const d of [a, b, c]) await d.context.close();
});

test("words typed are kept once the person pauses, without leaving the box, and survive a reload", async ({
  browser,
}) => {
  const a = await device(browser, MAGGIE);
  const box = a.page.getByLabel("My hobbies and interests", { exact: true });
  await box.click();
  // To the end of the text (End alone goes to the end of the line, which wraps on a phone).
  await box.press("Control+End");
  await box.pressSequentially(" and the choir on Thursdays");
  // Still in the box: nothing was left, nothing submitted.
  await expect(box).toBeFocused();
  await onServer(a.page, MAGGIE, "and the choir on Thursdays");
  await a.page.reload();
  await expect(a.page.locator("body[data-hydrated]")).toHaveCount(1);
  await expect(a.page.getByLabel("My hobbies and interests", { exact: true })).toHaveValue(
    /and the choir on Thursdays$/,
  );
  await a.context.close();
});

test("a device offline keeps working through a reload, and on reconnecting nothing is lost and the conflict can be settled", async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const phone = await device(browser, DAN);
  const tablet = await device(browser, DAN);
  // Dan's goals in the demo come first; the goal this test adds is the last one.
  const goal = (page: Page) => page.locator("article.goal").last();
  const words = (page: Page) => goal(page).getByLabel("Goal", { exact: true });
  const retype = async (page: Page, text: string) => {
    await words(page).fill(text);
    await words(page).blur();
  };

  await phone.page.getByLabel("A new goal, in my own words").fill("Get the late bus home");
  await phone.page.getByRole("button", { name: "Add goal" }).click();
  await expect(words(tablet.page)).toHaveValue("Get the late bus home");
  await keptOffline(phone.page);

  // The phone loses its signal. Meanwhile the tablet changes the goal's words.
  await goOffline(phone.context);
  await expect(phone.page.getByRole("status")).toContainText("Offline");
  await retype(tablet.page, "Get the bus home with Sam");
  await onServer(tablet.page, DAN, "Get the bus home with Sam");

  // The phone, still offline and still showing the old words, changes them too, and is
  // reloaded while still offline.
  await expect(words(phone.page)).toHaveValue("Get the late bus home");
  await retype(phone.page, "Get the late bus home on my own");
  await expect(phone.page.getByRole("status")).toContainText("1 edit waiting on this device");
  await phone.page.reload();
  await expect(phone.page.locator("body[data-hydrated]")).toHaveCount(1);
  await expect(words(phone.page)).toHaveValue("Get the late bus home on my own");
  await expect(phone.page.getByRole("status")).toContainText("1 edit waiting on this device");
  await goal(phone.page).getByLabel("A new step").fill("Check the timetable on my phone");
  await goal(phone.page).getByRole("button", { name: "Add step" }).click();
  await expect(phone.page.getByRole("status")).toContainText("2 edits waiting on this device");

  // Back online: both devices agree, both words are kept, and the conflict is shown on both.
  await goOnline(phone.context);
  for (const page of [phone.page, tablet.page]) {
    await expect(page.getByRole("status")).toContainText("All changes saved", { timeout: 20_000 });
    await expect(words(page)).toHaveValue("Get the late bus home on my own");
    await expect(goal(page).getByLabel("Step 1", { exact: true })).toHaveValue("Check the timetable on my phone");
    const conflicts = page.getByRole("region", { name: "To settle together" });
    await expect(conflicts).toContainText("Get the bus home with Sam");
    await expect(page.getByRole("status")).toContainText("1 conflict to settle");
  }

  // Dan, on the tablet, prefers the other words: settled there, settled everywhere.
  await tablet.page.getByRole("button", { name: /^Use the other version/ }).click();
  for (const page of [phone.page, tablet.page]) {
    await expect(words(page)).toHaveValue("Get the bus home with Sam");
    await expect(page.getByRole("region", { name: "To settle together" })).toHaveCount(0);
    await expect(page.getByRole("status")).toContainText("All changes saved");
  }
  await phone.context.close();
  await tablet.context.close();
});

test("an edit the server refuses is shown with the words that were typed", async ({ browser }) => {
  test.setTimeout(60_000);
  const phone = await device(browser, PRIYA);
  const tablet = await device(browser, PRIYA);
  // Priya works on one goal in the demo; a second makes two.
  await tablet.page.getByLabel("A new goal, in my own words").fill("Go to the poetry group");
  await tablet.page.getByRole("button", { name: "Add goal" }).click();
  await expect(phone.page.getByLabel("Goal", { exact: true })).toHaveCount(2);

  // With the phone offline, the tablet adds a third goal; the phone, not knowing, adds
  // another third one.
  await goOffline(phone.context);
  await expect(phone.page.getByRole("status")).toContainText("Offline");
  await tablet.page.getByLabel("A new goal, in my own words").fill("Walk by the river");
  await tablet.page.getByRole("button", { name: "Add goal" }).click();
  await onServer(tablet.page, PRIYA, "Walk by the river");
  await expect(phone.page.getByLabel("Goal", { exact: true })).toHaveCount(2);
  await phone.page.getByLabel("A new goal, in my own words").fill("Sleep before midnight");
  await phone.page.getByRole("button", { name: "Add goal" }).click();
  await goOnline(phone.context);

  const refused = phone.page.getByRole("region", { name: "Edits that could not be saved" });
  await expect(refused).toContainText("at most 3 goals", { timeout: 20_000 });
  await expect(refused.getByRole("textbox")).toHaveValue("Sleep before midnight");
  await expect(phone.page.getByLabel("Goal", { exact: true })).toHaveCount(3);
  await refused.getByRole("button", { name: /^Dismiss/ }).click();
  await expect(refused).toHaveCount(0);
  await phone.context.close();
  await tablet.context.close();
});

test("when the device's storage is full the person is told, and the edit still reaches the server", async ({
  browser,
}) => {
  const context = await signedInContext(browser);
  await context.addInitScript(() => {
    // What a browser does when the site's storage is full: the write is refused.
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: [unknown, IDBValidKey?]) {
      if ((window as any).__storageFull) {
        throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      }
      return put.apply(this, args);
    };
  });
  const page = await context.newPage();
  await open(page, PRIYA);
  await page.evaluate(() => ((window as any).__storageFull = true));
  await typeInto(page, "My wishes", "To publish a little book of my poems");
  await expect(page.getByRole("status")).toContainText("storage is full");
  const other = await device(browser, PRIYA);
  await expect(other.page.getByLabel("My wishes", { exact: true })).toHaveValue(
    "To publish a little book of my poems",
  );
  await other.context.close();
  await context.close();
});

test("two people writing meeting notes at the same moment both keep their words", async ({ browser }) => {
  test.setTimeout(60_000);
  const advocate = await device(browser, DAN);
  const staff = await device(browser, DAN);
  await advocate.page.getByLabel(/^A new meeting or review/).fill("Review, 3 March");
  await advocate.page.getByRole("button", { name: "Add meeting" }).click();
  const notes = (page: Page) => page.getByLabel("Notes: Review, 3 March");
  // The notes become editable once the page has loaded the text merger (a part of its own).
  await expect(notes(staff.page)).toBeEditable();
  await expect(notes(advocate.page)).toBeEditable();
  await notes(advocate.page).pressSequentially("Dan wants to go to the gig.");
  await expect(notes(staff.page)).toHaveValue("Dan wants to go to the gig.");

  // The advocate types at the end while a member of staff types at the start.
  await notes(advocate.page).focus();
  await advocate.page.evaluate(() => {
    const box = document.activeElement as HTMLTextAreaElement;
    box.setSelectionRange(box.value.length, box.value.length);
  });
  await notes(staff.page).focus();
  await staff.page.evaluate(() => (document.activeElement as HTMLTextAreaElement).setSelectionRange(0, 0));
  await Promise.all([
    advocate.page.keyboard.type(" He'd like Sam to come.", { delay: 40 }),
    staff.page.keyboard.type("Agreed: ", { delay: 40 }),
  ]);
  for (const page of [advocate.page, staff.page]) {
    await expect(notes(page)).toHaveValue("Agreed: Dan wants to go to the gig. He'd like Sam to come.", {
      timeout: 10_000,
    });
  }
  await advocate.context.close();
  await staff.context.close();
});

test("meeting notes typed with no signal are there after a reload with no signal, and reach the server later", async ({
  browser,
}) => {
  // The notes are merged by a part of the app loaded after the page (see
  // app/domain/src/records/shared.rs): offline, that part comes from the device, and the notes
  // waiting to be sent are shown with it.
  test.setTimeout(60_000);
  const { context, page } = await device(browser, PRIYA);
  await page.getByLabel(/^A new meeting or review/).fill("Check-in, 9 April");
  await page.getByRole("button", { name: "Add meeting" }).click();
  await expect(page.getByRole("status")).toContainText("All changes saved");
  await keptOffline(page);
  await goOffline(context);
  const notes = page.getByLabel("Notes: Check-in, 9 April");
  await expect(notes).toBeEditable();
  await notes.pressSequentially("Priya read two new poems.");
  await notes.blur();
  await expect(page.getByRole("status")).toContainText(/\d+ edits? waiting on this device/);
  await page.reload();
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await expect(notes).toHaveValue("Priya read two new poems.");
  await expect(notes).toBeEditable();
  await goOnline(context);
  await expect(page.getByRole("status")).toContainText("All changes saved", { timeout: 20_000 });
  await onServer(page, PRIYA, "Check-in, 9 April");
  await context.close();
  // A fresh device, which never held the edit, reads the notes from the server.
  const other = await device(browser, PRIYA);
  await expect(other.page.getByLabel("Notes: Check-in, 9 April")).toHaveValue("Priya read two new poems.");
  await other.context.close();
});

test("every plan listed on the home page opens with no signal, even one never opened before", async ({ browser }) => {
  const context = await signedInContext(browser);
  const page = await context.newPage();
  await page.goto("/");
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await keptOffline(page, PRIYA);
  await goOffline(context);
  await page.goto(PRIYA);
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await expect(page.getByRole("heading", { level: 1, name: "Priya Shah's plan" })).toBeVisible();
  await typeInto(page, "What matters to me", "My sister, my poetry group and my cat");
  await expect(page.getByRole("status")).toContainText("1 edit waiting on this device");
  await goOnline(context);
  await expect(page.getByRole("status")).toContainText("All changes saved", { timeout: 20_000 });
  await context.close();
});

test("a page loaded as a part of its own opens again with no signal, its code kept on the device", async ({ browser }) => {
  // The devices page is not in the app's frame: its code is a lazily loaded part (see
  // app/src/pages/mod.rs). Once the page is kept, reopening it offline must find that part on
  // the device too, or the page would show but never become interactive.
  const context = await signedInContext(browser);
  const page = await context.newPage();
  await page.goto("/devices");
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await keptOffline(page);
  await expect
    .poll(() =>
      page.evaluate(async () => {
        const parts = performance
          .getEntriesByType("resource")
          .map((entry) => new URL(entry.name).pathname)
          .filter((path) => /^\/pkg\/(split|chunk)_.*\.wasm$/.test(path));
        const kept = await Promise.all(parts.map((path) => caches.match(path)));
        return parts.length > 0 && kept.every((hit) => hit !== undefined);
      }),
    )
    .toBe(true);
  await goOffline(context);
  await page.reload();
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await expect(page.getByRole("heading", { level: 1, name: "Devices" })).toBeVisible();
  await context.close();
});

test("a plan opened in a second tab is edited there, and the first tab says so", async ({ browser }) => {
  const context = await signedInContext(browser);
  const first = await context.newPage();
  await open(first, MAGGIE);
  const second = await context.newPage();
  await open(second, MAGGIE);
  await expect(first.getByRole("status")).toContainText("now open in another tab");
  await typeInto(second, "My wishes", "To see the sea this summer");
  await expect(second.getByRole("status")).toContainText("All changes saved");
  await context.close();
});

test("a manager sees when each device last synced each plan completely", async ({ browser }) => {
  const d = await device(browser, MAGGIE);
  await openMenu(d.page);
  await d.page.getByRole("link", { name: "Devices" }).click();
  const table = d.page.getByRole("table");
  await expect(table).toBeVisible();
  await expect(table.getByRole("row").filter({ hasText: "Maggie" }).first()).toContainText("Chrome");
  await d.context.close();
});
