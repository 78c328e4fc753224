import { type Page, expect, test } from "@playwright/test";
import { goOffline, keptOffline, signIn } from "./fixtures";

// The plan in easy read (chosen when the person asks for it in "How we'll communicate") and
// the record on paper. Runs with JavaScript off and hydrated, on a phone and a tablet; it
// changes no data.

const DAN = "/people/01930000-0000-7000-8000-000000000b02";
const MAGGIE = "/people/01930000-0000-7000-8000-000000000b01";
const PRIYA = "/people/01930000-0000-7000-8000-000000000b03";

const BLOCKS = ["About me", "My goals", "People who help me", "How to talk with me", "When we meet", "How we decide"];

async function open(page: Page, path: string, javaScriptEnabled: boolean) {
  await page.goto(path);
  if (javaScriptEnabled) await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
}

/** Every symbol on the page has loaded (a broken image has no natural width). */
async function symbolsShown(page: Page, count: number) {
  const symbols = page.locator(".easy-heading img");
  await expect(symbols).toHaveCount(count);
  for (const symbol of await symbols.all()) {
    await expect(symbol).toHaveJSProperty("complete", true);
    expect(await symbol.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    // Decorative: the heading beside it says what it shows.
    await expect(symbol).toHaveAttribute("alt", "");
  }
}

test("Dan asked for easy read, so his page leads with it: a symbol and his own words in every block", async ({
  page,
  javaScriptEnabled,
}) => {
  await signIn(page.context(), "tom@elmcourt.example");
  await open(page, DAN, javaScriptEnabled);
  const first = page.locator("article.profile p.actions a").first();
  await expect(first).toHaveText("Dan's plan in easy read");
  await expect(first).toHaveClass("button");
  await first.click();

  await expect(page).toHaveURL(new RegExp(`${DAN}/easy-read$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Dan's plan in easy read");
  await expect(page.getByRole("heading", { level: 2 })).toHaveText(BLOCKS);
  await symbolsShown(page, BLOCKS.length);

  const talk = page.getByRole("region", { name: "How to talk with me" });
  await expect(talk.getByRole("listitem").first()).toContainText("Most important: Ask me what I want before you ask anyone else");
  await expect(talk).toContainText("I like: Easy read, Pictures and symbols");
  await expect(talk).toContainText("Meetings: 45 minutes at most");

  const people = page.getByRole("region", { name: "People who help me" });
  await expect(people.getByRole("heading", { name: "Carol Walsh: My mum" })).toBeVisible();
  await expect(people).toContainText("Sunday dinners, and helps me with letters");
  await expect(people).toContainText("Please don't: Please don't ring staff at night to check up on me");

  await expect(page.getByRole("region", { name: "When we meet" }).getByRole("heading", { name: "Our next meetings" })).toBeVisible();
  await expect(page.getByRole("region", { name: "How we decide" })).toContainText("Ask me first.");
  await expect(page.getByRole("link", { name: "The full plan" })).toHaveAttribute("href", `${DAN}/plan`);
});

test("Maggie asked for large print, not easy read: her page leads with her plan as it is", async ({
  page,
  javaScriptEnabled,
}) => {
  await signIn(page.context(), "maggie@home.example");
  await open(page, MAGGIE, javaScriptEnabled);
  await expect(page.getByRole("link", { name: "My plan in easy read" })).toHaveCount(0);
  await expect(page.locator("article.profile p.actions a").first()).toHaveText("Edit my plan");
  await open(page, `${MAGGIE}/plan`, javaScriptEnabled);
  await expect(page.getByRole("link", { name: "This plan in easy read" })).toHaveCount(0);
});

test("in easy read a relative sees only the parts of the plan shared with them", async ({ page, javaScriptEnabled }) => {
  await signIn(page.context(), "anil@family.example");
  await open(page, `${PRIYA}/easy-read`, javaScriptEnabled);
  await expect(page.getByRole("heading", { level: 2 })).toHaveText(["My goals"]);
  await symbolsShown(page, 1);
  await expect(page.getByText("People who help me")).toHaveCount(0);
});

test("the easy-read plan opens with no signal once it has been opened, symbols and all", async ({
  page,
  javaScriptEnabled,
}) => {
  test.skip(!javaScriptEnabled, "offline use needs the app (JavaScript) and its service worker");
  await signIn(page.context(), "tom@elmcourt.example");
  await open(page, `${DAN}/easy-read`, true);
  await expect(page.getByRole("status")).toContainText("All changes saved");
  // The service worker has taken over and kept the page and the app's files.
  await keptOffline(page);
  await expect
    .poll(() => page.evaluate(() => caches.match("/symbols/people.svg").then((r) => r !== undefined)))
    .toBe(true);
  await goOffline(page.context());
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Dan's plan in easy read");
  await expect(page.getByRole("heading", { level: 2 })).toHaveText(BLOCKS);
  await symbolsShown(page, BLOCKS.length);
});

test("on paper a page of the record is the record alone: no menu, no buttons, every section open", async ({
  page,
  javaScriptEnabled,
}) => {
  await signIn(page.context(), "tom@elmcourt.example");
  await open(page, `${DAN}/involvement`, javaScriptEnabled);
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("banner")).toBeHidden();
  await expect(page.getByRole("navigation", { name: "Breadcrumb" })).toBeHidden();
  for (const button of await page.locator("button, a.button").all()) await expect(button).toBeHidden();
  // "How we'll communicate" is closed on screen; on paper its words are there.
  await expect(page.getByLabel("Best time of day")).toBeVisible();
  await expect(page.getByLabel("Best time of day")).toHaveValue("Afternoons");
  await expect(page.getByLabel("What upsets me or makes it harder")).toHaveValue("Being told no without a reason");
  await expect(page.getByLabel("What upsets me or makes it harder")).toBeVisible();
  // A choice prints as what was chosen.
  const tom = page.locator("li.member-card", { hasText: "Tom Reed" });
  if (javaScriptEnabled) {
    await expect(tom.getByLabel("Professional")).toBeVisible();
    await expect(tom.getByLabel("Family")).toBeHidden();
  } else {
    // Read-only, a choice is its words already.
    await expect(tom.getByText("Professional", { exact: true })).toBeVisible();
  }

  await open(page, `${DAN}/easy-read`, javaScriptEnabled);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "The full plan" })).toBeHidden();
  await expect(page.getByRole("button", { name: "Print" })).toBeHidden();
  await expect(page.getByRole("heading", { level: 2 })).toHaveText(BLOCKS);

  await page.emulateMedia({ media: "screen" });
  if (javaScriptEnabled) await expect(page.getByRole("button", { name: "Print" })).toBeVisible();
});

test("at 200% zoom every page of the plan reads without scrolling sideways, every section open", async ({
  page,
  javaScriptEnabled,
}) => {
  test.skip(!javaScriptEnabled, "sections are opened by script");
  // 320 CSS px is WCAG's reflow width: narrower than a tablet (768 px) at 200%.
  await page.setViewportSize({ width: 320, height: 640 });
  await signIn(page.context(), "tom@elmcourt.example");
  for (const part of ["plan", "involvement", "decisions", "easy-read"]) {
    await open(page, `${DAN}/${part}`, true);
    await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
    const [scroll, client] = await page.evaluate(() => [
      document.documentElement.scrollWidth,
      document.documentElement.clientWidth,
    ]);
    expect(scroll, `${part} is ${scroll}px wide in a ${client}px view`).toBeLessThanOrEqual(client);
  }
});
