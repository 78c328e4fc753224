import { expect, openMenu, test } from "./fixtures";

// Run with JavaScript off and hydrated, on a phone and a tablet.

test("the home page lists the people supported, strengths first", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "People we support" })).toBeVisible();
  await expect(page.getByRole("status")).toHaveText("3 people supported");
  const people = page.getByRole("list", { name: "People supported" });
  for (const name of ["Dan", "Maggie", "Priya Shah"]) {
    await expect(people.getByRole("link", { name, exact: true })).toBeVisible();
  }
  const maggie = page.getByRole("list", { name: "Strengths of Maggie" });
  await expect(maggie.getByRole("listitem").first()).toHaveText(
    "Knows exactly how she likes her tea and her porridge",
  );
});

test("a person's page opens from the list and leads with their strengths", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Dan", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dan" })).toBeVisible();
  const headings = await page.getByRole("heading", { level: 2 }).allTextContents();
  expect(headings[0]).toBe("My strengths");
  await expect(page.getByText("Knows every bus route in town by heart")).toBeVisible();
  await expect(page.getByRole("heading", { name: "How best to support me" })).toBeVisible();
  await page.getByRole("link", { name: "All people" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "People we support" })).toBeVisible();
});

test("a search in the address shows only who matches", async ({ page }) => {
  await page.goto("/?q=poetry");
  await expect(page.getByRole("status")).toHaveText("Showing 1 of 3 people");
  await expect(page.getByRole("link", { name: "Priya Shah" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Maggie" })).toHaveCount(0);
});

test("an unknown person gets a clear message and a way back", async ({ page }) => {
  const response = await page.goto("/people/not-a-person");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("alert")).toContainText("We couldn't find that record");
  await page.getByRole("link", { name: "Go to the list of people" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "People we support" })).toBeVisible();
});

test("a person's plan opens from their page, with About me and goals to edit once it can", async ({ page }, info) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Dan", exact: true }).click();
  await page.getByRole("link", { name: "Edit Dan's plan" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dan's plan" })).toBeVisible();
  await expect(page.getByLabel("How best to support me", { exact: true })).toHaveValue(/\S/);
  await expect(page.getByRole("heading", { name: "My goals" })).toBeVisible();
  await expect(page.getByRole("status")).toBeVisible();
  if (info.project.use.javaScriptEnabled === false) {
    // Nothing that could not work: no box to add to, no button that would do nothing.
    await expect(page.getByLabel("A new goal, in my own words")).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Add / })).toHaveCount(0);
    await expect(page.getByText("Editing needs JavaScript")).toBeVisible();
  } else {
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
    await expect(page.getByLabel("A new goal, in my own words")).toBeVisible();
    await expect(page.getByRole("button", { name: "Add goal" })).toBeVisible();
  }
});

test("every link and button on a plan has a name, and the conflicts link is there only with conflicts", async ({ page }) => {
  await page.goto("/people/01930000-0000-7000-8000-000000000b02/plan");
  await expect(page.getByRole("heading", { level: 1, name: "Dan's plan" })).toBeVisible();
  for (const control of await page.locator("a:visible, button:visible, summary:visible").all()) {
    const name = (await control.getAttribute("aria-label")) ?? (await control.innerText());
    expect(name.trim(), await control.evaluate((e) => e.outerHTML)).not.toBe("");
  }
  await expect(page.getByRole("link", { name: /to settle/ })).toHaveCount(0);
});

test("the header is one compact row on every page, with the user's name, and signing out everywhere is on the account page only", async ({
  page,
}) => {
  for (const path of ["/", "/people/01930000-0000-7000-8000-000000000b01/plan", "/account"]) {
    await page.goto(path);
    const header = page.locator(".site-header");
    const box = await header.boundingBox();
    expect(box?.height ?? 999, path).toBeLessThanOrEqual(64);
    await expect(page.getByRole("link", { name: "Your account: signed in as Grace Mensah" })).toBeVisible();
    await expect(header.getByRole("button", { name: "Sign out of all devices" })).toHaveCount(0);
  }
  // The account page has it, set apart from everything else.
  await expect(page.getByRole("button", { name: "Sign out of all devices" })).toBeVisible();
});

test("the menu holds the pages to go to and signing out, and opens without JavaScript too", async ({ page }) => {
  await page.goto("/");
  await openMenu(page);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Devices" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Audit trail" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
  await nav.getByRole("link", { name: "Audit trail" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Audit trail" })).toBeVisible();
});

test("fields and buttons are large enough to use and to read on a phone", async ({ page }) => {
  await page.goto("/people/01930000-0000-7000-8000-000000000b01/circle");
  for (const control of await page.locator("input:visible, select:visible, button:visible").all()) {
    const box = await control.boundingBox();
    const html = await control.evaluate((e) => e.outerHTML.slice(0, 120));
    expect(box?.height ?? 0, html).toBeGreaterThanOrEqual(44);
    expect(box?.width ?? 0, html).toBeGreaterThanOrEqual(44);
    const size = await control.evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    if ((await control.getAttribute("type")) !== "checkbox") expect(size, html).toBeGreaterThanOrEqual(16);
  }
});

test("the audit trail comes fifty events a page, with ways to the next page and back", async ({ page }) => {
  // Each opening of a profile is an event: make sure there are more than fifty.
  for (let i = 0; i < 55; i++) {
    await page.request.get("/people/01930000-0000-7000-8000-000000000b03");
  }
  await page.goto("/audit");
  // Fifty events (on a phone the table's header row is hidden: each row reads as a card).
  await expect(page.getByRole("table").locator("tbody tr")).toHaveCount(50);
  await expect(page.getByRole("table")).toContainText("UK time");
  const pages = page.getByRole("navigation", { name: "Pages of the audit trail" });
  await expect(pages.getByRole("link", { name: /^Previous page/ })).toHaveCount(0);
  await pages.getByRole("link", { name: /^Next page/ }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(pages).toContainText("Page 2");
  await pages.getByRole("link", { name: /^Previous page/ }).click();
  await expect(pages).toContainText("Page 1");
});

test("the devices page explains itself when no device has synced", async ({ page }) => {
  await page.goto("/devices");
  await expect(page.getByRole("heading", { level: 1, name: "Devices" })).toBeVisible();
});
